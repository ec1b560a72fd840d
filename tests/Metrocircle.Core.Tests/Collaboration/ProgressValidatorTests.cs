using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Collaboration;

public sealed class ProgressValidatorTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private static readonly CollaborationTask Task = new("t", "任务", "Task", TaskDimension.Transport, Jurisdictions.Tianjin, [Jurisdictions.Beijing], [], [], [],
        [new Milestone("m1", "Stations upgraded", null)], new Provenance("test", Certainty.Confirmed));

    private static ProgressUpdate Good => new("t", "m1", Today, "reviewer", ProgressStatus.InProgress, 40, "work started", ["https://example.org/a"]);

    private static IEnumerable<string> Fields(ProgressUpdate update) => ProgressValidator.Validate(Task, update, Today).Select(p => p.Field);

    [Fact]
    public void a_sound_update_dated_today_passes() => Assert.Empty(Fields(Good));

    [Fact]
    public void names_each_bad_field_with_what_to_change()
    {
        var problems = ProgressValidator.Validate(Task, Good with { MilestoneId = "m9", Percent = 140, Note = " ", At = Today.AddDays(1), Evidence = [""] }, Today);
        Assert.Equal(["milestone", "percent", "note", "at", "evidence[0]"], problems.Select(p => p.Field));
        Assert.Equal("task t has no milestone \"m9\"; its milestones are m1", problems[0].Message);
        Assert.Equal("percent 140 is outside 0–100", problems[1].Message);
        Assert.Equal("at 2026-12-02 is in the future; report progress that has happened", problems[3].Message);
    }

    [Fact]
    public void done_on_a_task_with_milestones_must_name_the_milestone()
    {
        Assert.Equal(["milestone"], Fields(Good with { MilestoneId = null, Status = ProgressStatus.Done, Percent = null }));
        Assert.Equal(["percent"], Fields(Good with { Status = ProgressStatus.Done, Percent = 80 }));
        Assert.Empty(Fields(Good with { Status = ProgressStatus.Done, Percent = 100 }));
    }

    [Fact]
    public void the_latest_allowed_date_is_the_newest_calendar_day_on_earth()
    {
        Assert.Equal(new DateOnly(2026, 12, 2), ProgressValidator.LatestAllowedDate(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 12, 1), ProgressValidator.LatestAllowedDate(new DateTimeOffset(2026, 12, 1, 9, 59, 0, TimeSpan.Zero)));
    }
}
