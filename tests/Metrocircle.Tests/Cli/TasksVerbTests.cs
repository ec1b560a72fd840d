using Metrocircle.Core.Collaboration;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

public sealed class TasksVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    [Fact]
    public async Task lists_the_tasks_with_the_status_of_their_milestones_on_a_date_and_the_overdue_warnings()
    {
        var (code, output, error) = await S.RunAsync("tasks", "--as-of", "2031-01-15", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("collaboration tasks of plan version capital-circle-2023-2035@2026-02-03 as of 2031-01-15", output, StringComparison.Ordinal);
        Assert.Contains("innovation-triangle", output, StringComparison.Ordinal);
        Assert.Contains("framework-2030: overdue 15 d, due 2030-12-31", output, StringComparison.Ordinal);
        // How many are overdue depends on whether the other test of this class (which reports a milestone done) ran first.
        Assert.Matches(@"\d+ overdue milestones? as of 2031-01-15, most recently due first:", output);
        Assert.Contains("""
              innovation-triangle/framework-2030: Beijing–Tianjin–Xiong'an innovation triangle: milestone "Framework of the innovation triangle basically formed" was due 2030-12-31 (indicative date) and is 15 days overdue as of 2031-01-15; lead 110000
            """, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task progress_reported_by_a_date_marks_the_milestone_done_from_that_date_on()
    {
        await using (var store = new SqlitePlanStore(S.StorePath))
        {
            await store.AppendProgressAsync(new ProgressUpdate("tongzhou-north-three-rail", "line-22-opens", new DateOnly(2026, 11, 20), "reviewer-beijing",
                ProgressStatus.Done, 100, "line opened", ["https://example.org/line-22"]), null, TestContext.Current.CancellationToken);
        }

        var (code, output, _) = await S.RunAsync("tasks", "--dimension", "transport", "--as-of", "2027-01-02", "--store", S.Store);
        Assert.Equal(0, code);
        Assert.Contains("line-22-opens: done, due 2026-12-31", output, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 done", output, StringComparison.Ordinal);
        Assert.DoesNotContain("tongzhou-north-three-rail/line-22-opens", output, StringComparison.Ordinal);
        Assert.DoesNotContain("innovation-triangle", output, StringComparison.Ordinal);

        // The day before it was reported, the same milestone was still upcoming.
        (_, output, _) = await S.RunAsync("tasks", "--dimension", "transport", "--as-of", "2026-11-19", "--store", S.Store);
        Assert.Contains("line-22-opens: upcoming", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_province_filter_includes_the_tasks_its_cities_support()
    {
        var (code, output, _) = await S.RunAsync("tasks", "--jurisdiction", Jurisdictions.Langfang, "--store", S.Store);
        Assert.Equal(0, code);
        Assert.Contains("plain-new-towns-linkage", output, StringComparison.Ordinal);
        Assert.DoesNotContain("innovation-triangle", output, StringComparison.Ordinal);
        (_, output, _) = await S.RunAsync("tasks", "--jurisdiction", Jurisdictions.Hebei, "--dimension", "industry", "--store", S.Store);
        Assert.Contains("plain-new-towns-linkage", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task help_prints_the_verbs_own_usage()
    {
        var (code, output, _) = await S.RunAsync("tasks", "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: metrocircle tasks [--jurisdiction J]", output, StringComparison.Ordinal);
        Assert.Contains("--as-of DATE", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dimension", "housing", "--dimension housing: use one of innovation, industry, transport, ecology, public-services, culture, safety")]
    [InlineData("--as-of", "soon", "--as-of soon: give a date as YYYY-MM-DD")]
    [InlineData("--status", "late", "--status late: use one of on-track, overdue, done")]
    [InlineData("--jurisdiction", "atlantis", "--jurisdiction atlantis: plan version capital-circle-2023-2035@2026-02-03 has no such province or city")]
    [InlineData("--colour", "red", "unknown option for 'tasks': --colour")]
    public async Task a_bad_option_is_a_usage_error_that_says_what_to_type(string option, string value, string message)
    {
        var (code, output, error) = await S.RunAsync("tasks", option, value, "--store", S.Store);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
