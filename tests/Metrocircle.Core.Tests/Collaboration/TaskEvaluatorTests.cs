using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Collaboration;

public sealed class TaskEvaluatorTests
{
    private static DateOnly D(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static CollaborationTask Task(string id, params Milestone[] milestones) => new(
        id, "任务", $"Task {id}", TaskDimension.Innovation, Jurisdictions.Beijing, [Jurisdictions.Tianjin, Jurisdictions.Langfang], [], [], [], milestones, new Provenance("test", Certainty.Confirmed));

    private static ProgressUpdate Update(string task, string? milestone, string at, ProgressStatus status = ProgressStatus.InProgress, int? percent = null, long seq = 0) =>
        new(task, milestone, D(at), "someone", status, percent, "note", [], seq);

    private static readonly Milestone Framework = new("m1", "Framework in place", D("2030-12-31"));
    private static readonly Milestone Undated = new("m2", "Mechanism agreed", null);

    [Fact]
    public void a_milestone_due_today_is_not_yet_overdue_but_is_the_day_after()
    {
        var task = Task("t", Framework);
        Assert.Equal(MilestoneState.Upcoming, TaskEvaluator.Evaluate(task, [], D("2030-12-31")).Milestones[0].State);
        var after = TaskEvaluator.Evaluate(task, [], D("2031-01-01"));
        Assert.Equal((MilestoneState.Overdue, 1), (after.Milestones[0].State, after.Milestones[0].DaysOverdue));
        Assert.Equal(TaskState.Overdue, after.State);
    }

    [Fact]
    public void a_milestone_done_after_its_due_date_is_done_and_marked_late_and_was_overdue_until_then()
    {
        var task = Task("t", Framework);
        IReadOnlyList<ProgressUpdate> updates = [Update("t", "m1", "2030-06-01", percent: 50), Update("t", "m1", "2031-03-01", ProgressStatus.Done)];
        var done = TaskEvaluator.Evaluate(task, updates, D("2031-06-01"));
        Assert.Equal(MilestoneState.Done, done.Milestones[0].State);
        Assert.True(done.Milestones[0].DoneLate);
        Assert.Equal((TaskState.Done, (int?)100), (done.State, done.Percent));
        Assert.Empty(TaskEvaluator.Warnings([done]));

        // Judged on a day before the report of completion, the same task reads as it stood then.
        var before = TaskEvaluator.Evaluate(task, updates, D("2031-02-01"));
        Assert.Equal(MilestoneState.Overdue, before.Milestones[0].State);
        Assert.Single(before.Timeline);
    }

    [Fact]
    public void a_task_without_milestones_is_on_track_until_reported_done_and_never_overdue()
    {
        var task = Task("t");
        var none = TaskEvaluator.Evaluate(task, [], D("2040-01-01"));
        Assert.Equal((TaskState.OnTrack, (int?)null, false), (none.State, none.Percent, none.Blocked));
        Assert.Null(none.LastUpdate);
        var updates = new[] { Update("t", null, "2027-01-01", ProgressStatus.Blocked, 30) };
        var blocked = TaskEvaluator.Evaluate(task, updates, D("2040-01-01"));
        Assert.Equal((TaskState.OnTrack, (int?)30, true), (blocked.State, blocked.Percent, blocked.Blocked));
        var done = TaskEvaluator.Evaluate(task, [.. updates, Update("t", null, "2028-01-01", ProgressStatus.Done)], D("2040-01-01"));
        Assert.Equal((TaskState.Done, false), (done.State, done.Blocked));
    }

    [Fact]
    public void with_no_updates_milestones_are_upcoming_or_overdue_by_their_dates_alone()
    {
        var evaluation = TaskEvaluator.Evaluate(Task("t", Framework, Undated), [], D("2026-12-01"));
        Assert.Equal([MilestoneState.Upcoming, MilestoneState.Upcoming], evaluation.Milestones.Select(m => m.State));
        Assert.Equal((TaskState.OnTrack, (int?)0), (evaluation.State, evaluation.Percent));

        // A milestone without a date can never be overdue, however late it is.
        var late = TaskEvaluator.Evaluate(Task("t", Framework, Undated), [], D("2099-01-01"));
        Assert.Equal([MilestoneState.Overdue, MilestoneState.Upcoming], late.Milestones.Select(m => m.State));
    }

    [Fact]
    public void the_latest_update_of_a_milestone_decides_so_a_later_report_reopens_it()
    {
        var task = Task("t", Undated);
        var evaluation = TaskEvaluator.Evaluate(task, [Update("t", "m2", "2027-01-01", ProgressStatus.Done, seq: 1), Update("t", "m2", "2027-01-01", ProgressStatus.InProgress, seq: 2)], D("2028-01-01"));
        Assert.Equal(MilestoneState.InProgress, evaluation.Milestones[0].State);
        Assert.Equal(TaskState.OnTrack, evaluation.State);
    }

    [Fact]
    public void updates_of_other_tasks_and_of_later_days_are_ignored()
    {
        var evaluation = TaskEvaluator.Evaluate(Task("t", Undated), [Update("other", "m2", "2027-01-01", ProgressStatus.Done), Update("t", "m2", "2029-01-01", ProgressStatus.Done)], D("2028-01-01"));
        Assert.Equal(MilestoneState.Upcoming, evaluation.Milestones[0].State);
        Assert.Empty(evaluation.Timeline);
    }

    [Fact]
    public void warnings_list_overdue_milestones_the_most_recently_due_first()
    {
        var early = Task("a", new Milestone("x", "Early step", D("2027-06-30")), new Milestone("y", "Later step", D("2028-06-30")));
        var other = Task("b", new Milestone("z", "Middle step", D("2027-12-31"), Certainty.Indicative, "year only"));
        var warnings = TaskEvaluator.Warnings(TaskEvaluator.EvaluateAll([early, other], [Update("a", "x", "2027-05-01", ProgressStatus.Done)], D("2029-01-01")));
        Assert.Equal(["a/y", "b/z"], warnings.Select(w => $"{w.Task.Id}/{w.Milestone.Id}"));
        Assert.Equal(185, warnings[0].DaysOverdue);
        Assert.Contains("was due 2027-12-31 (indicative date) and is 367 days overdue as of 2029-01-01; lead 110000", warnings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_province_involves_the_tasks_its_cities_lead_or_support()
    {
        var tasks = new PlanTasks(new PlanVersion("v", "p", 1, "l", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch), [Task("t")],
            new Dictionary<string, string> { [Jurisdictions.Langfang] = Jurisdictions.Hebei });
        var task = tasks.Tasks[0];
        Assert.True(tasks.Involves(task, Jurisdictions.Beijing));
        Assert.True(tasks.Involves(task, Jurisdictions.Langfang));
        Assert.True(tasks.Involves(task, Jurisdictions.Hebei));
        Assert.False(tasks.Involves(task, Jurisdictions.Baoding));
        Assert.Equal([Jurisdictions.Hebei], tasks.ParentsOf(Jurisdictions.Langfang));
    }
}
