using System.Text.RegularExpressions;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Indicators;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web.Features.Collaboration;

namespace Metrocircle.Tests.Cli;

public sealed class TasksHealthCheckTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private async Task<string> ReportAsync(int year)
    {
        var report = Path.Combine(S.Folder, $"health-{year}.html");
        var (code, _, error) = await S.RunAsync("health-check", "--year", year.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", report, "--store", S.Store);
        Assert.True(code == 0, error);
        return await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task the_health_check_shows_the_tasks_by_strategic_role_with_their_dimension_status_and_progress()
    {
        await using (var store = new SqlitePlanStore(S.StorePath))
        {
            await store.AppendProgressAsync(new ProgressUpdate("tianjin-commuting-capacity", "stations", new DateOnly(2025, 6, 1), "reviewer-tianjin",
                ProgressStatus.InProgress, 40, "Wuqing station works started", ["https://example.org/wuqing"]), null, TestContext.Current.CancellationToken);
        }

        var html = await ReportAsync(2025);
        Assert.Contains("<h2 id=\"tasks\">Collaboration tasks</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Status as of 2025-12-31", html, StringComparison.Ordinal);
        await using (var store = new SqlitePlanStore(S.StorePath))
        {
            var ct = TestContext.Current.CancellationToken;
            var version = (await store.GetCurrentVersionAsync(ct))!;
            var roles = await StrategicRoles.LoadAsync(store, version, ct);
            var tasks = await PlanTasks.LoadAsync(store, version, ct);
            Assert.NotEmpty(roles.Roles);

            // Every task sits in the table of the role the plan gives it, in the plan's order of roles.
            var positions = roles.Roles.Where(r => roles.TaskRoles.Values.Contains(r.Id))
                .Select(r => html.IndexOf($"<h3 id=\"tasks-role-{r.Id}\">{System.Net.WebUtility.HtmlEncode(r.NameZh)} · {System.Net.WebUtility.HtmlEncode(r.NameEn)}</h3>", StringComparison.Ordinal)).ToList();
            Assert.All(positions, p => Assert.True(p > 0));
            Assert.Equal(positions.Order(), positions);
            foreach (var task in tasks.Tasks)
            {
                var role = roles.TaskRoles[task.Id];
                var heading = html.IndexOf($"<h3 id=\"tasks-role-{role}\">", StringComparison.Ordinal);
                var next = html.IndexOf("<h3", heading + 1, StringComparison.Ordinal);
                var row = html.IndexOf($"<tr id=\"task-{task.Id}\">", StringComparison.Ordinal);
                Assert.True(row > heading && (next < 0 || row < next), $"task {task.Id} is not under its role {role}");
            }

            foreach (var dimension in tasks.Tasks.Select(t => t.Dimension).Distinct())
            {
                Assert.Contains($"<td>{TaskDimensions.Name(dimension)}</td>", html, StringComparison.Ordinal);
            }
        }

        Assert.Matches(new Regex("<tr id=\"task-tianjin-commuting-capacity\">.*2025-06-01 in-progress by reviewer-tianjin.*Wuqing station works started", RegexOptions.Singleline), html);
        Assert.Contains("No milestone is overdue.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_section_lists_the_milestones_overdue_on_its_day_the_most_recently_due_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new SqlitePlanStore(S.StorePath);
        var version = (await store.GetCurrentVersionAsync(ct))!;
        var tasks = await PlanTasks.LoadAsync(store, version, ct);
        var html = new System.Text.StringBuilder();
        TaskHealthSection.Render(html, new TaskHealthInput(tasks, [], new DateOnly(2031, 1, 15)));
        var text = html.ToString();
        Assert.Matches(new Regex("<table id=\"task-warnings\">.*Framework of the innovation triangle basically formed.*2030-12-31 <span class=\"meta\">\\(indicative\\)</span>.*Metro Line 22 opens", RegexOptions.Singleline), text);
        Assert.DoesNotContain("No milestone is overdue.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void a_year_not_yet_over_is_judged_on_today_and_a_past_year_on_its_last_day()
    {
        Assert.Equal(new DateOnly(2026, 12, 1), TaskHealthInput.AsOfFor(2026, new DateOnly(2026, 12, 1)));
        Assert.Equal(new DateOnly(2025, 12, 31), TaskHealthInput.AsOfFor(2025, new DateOnly(2026, 12, 1)));
    }
}
