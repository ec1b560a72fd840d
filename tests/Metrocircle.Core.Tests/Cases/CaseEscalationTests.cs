using System.Text.Json.Nodes;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseEscalationTests
{
    // Default deadlines are 20 days, so every task of a case opened at T0 is due at T0 + 20 days.
    private static readonly DateTimeOffset Due = T0.AddDays(20);

    [Fact]
    public void open_tasks_past_due_are_escalated_but_not_the_coordination_task()
    {
        var at = Due.AddMinutes(1);

        var change = CaseWorkflow.Escalate(BeijingHebei(), at);

        var file = Ok(change!);
        Assert.Equal([true, true, false], file.Tasks.Select(t => t.Escalated));
        Assert.Equal([at, at, null], file.Tasks.Select(t => t.EscalatedAt));
        Assert.All(file.Tasks, t => Assert.Equal(ReviewStatus.Open, t.Status));
        Assert.Equal((CaseStatus.UnderReview, at), (file.Status, file.UpdatedAt));
    }

    [Fact]
    public void each_escalated_task_gets_a_timeline_event_and_the_call_one_audit_record()
    {
        var change = CaseWorkflow.Escalate(BeijingHebei(), Due.AddDays(1))!;

        var events = Ok(change).Timeline.Where(e => e.Action == "escalated").ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("system", 1), (e.Actor, e.Revision)));
        Assert.Equal("Review for Beijing: no decision by 2026-03-22 09:00 UTC; escalated to the coordination office", events[0].Detail);
        var audit = Assert.Single(change.Audit);
        Assert.Equal(("system", "task.escalated", "case-1"), (audit.Actor, audit.Action, audit.Subject));
        Assert.Equal(new JsonArray("case-1-r1-110000", "case-1-r1-130000").ToJsonString(), JsonNode.Parse(audit.Details)!["tasks"]!.ToJsonString());
    }

    [Fact]
    public void a_task_is_escalated_once_and_a_second_call_returns_null()
    {
        var file = Ok(CaseWorkflow.Escalate(BeijingHebei(), Due.AddDays(1))!);

        Assert.Null(CaseWorkflow.Escalate(file, Due.AddDays(2)));
    }

    [Fact]
    public void a_task_at_its_exact_deadline_is_not_escalated_yet()
    {
        Assert.Null(CaseWorkflow.Escalate(BeijingHebei(), Due));
        Assert.NotNull(CaseWorkflow.Escalate(BeijingHebei(), Due.AddTicks(1)));
    }

    [Fact]
    public void decided_tasks_are_not_escalated()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        file = Ok(CaseWorkflow.Escalate(file, Due.AddDays(1))!);

        Assert.Equal([false, true, false], file.Tasks.Select(t => t.Escalated));
    }

    [Fact]
    public void only_tasks_of_the_current_revision_are_escalated()
    {
        var file = Ok(CaseWorkflow.Revise(SentBack(BeijingHebei()), Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2"), 1, Rules, T0.AddDays(10)));

        file = Ok(CaseWorkflow.Escalate(file, T0.AddDays(31))!);

        Assert.All(file.Tasks.Where(t => t.Revision == 1), t => Assert.False(t.Escalated));
        Assert.Equal([true, true, false], file.CurrentTasks.Select(t => t.Escalated));
    }

    [Fact]
    public void a_task_escalated_later_than_its_sibling_is_escalated_in_a_second_call()
    {
        var rules = Rules with
        {
            DeadlineDays = new Dictionary<ReviewKind, int> { [ReviewKind.Jurisdiction] = 20, [ReviewKind.Department] = 30, [ReviewKind.Coordination] = 20 },
        };
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]), rules: rules);

        file = Ok(CaseWorkflow.Escalate(file, T0.AddDays(21))!);
        Assert.Equal([true, false], file.Tasks.Select(t => t.Escalated));

        var second = CaseWorkflow.Escalate(file, T0.AddDays(31))!;
        file = Ok(second);
        Assert.Equal([T0.AddDays(21), T0.AddDays(31)], file.Tasks.Select(t => t.EscalatedAt));
        Assert.Contains("case-1-r1-110000-natural-resources", Assert.Single(second.Audit).Details, StringComparison.Ordinal);
        Assert.DoesNotContain("\"case-1-r1-110000\"", second.Audit[0].Details, StringComparison.Ordinal);
    }

    [Fact]
    public void nothing_is_escalated_before_any_deadline()
    {
        Assert.Null(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(19)));
    }

    [Fact]
    public void a_task_is_due_soon_from_exactly_the_reminder_days_before_its_deadline()
    {
        var task = BeijingOnly().Tasks[0];
        var remindFrom = Due.AddDays(-Rules.RemindDaysBefore);

        Assert.False(CaseWorkflow.IsDueSoon(task, Rules, remindFrom.AddTicks(-1)));
        Assert.True(CaseWorkflow.IsDueSoon(task, Rules, remindFrom));
        Assert.True(CaseWorkflow.IsDueSoon(task, Rules, Due));
        Assert.True(CaseWorkflow.IsDueSoon(task, Rules, Due.AddDays(5)));
    }

    [Fact]
    public void the_reminder_window_follows_the_rules()
    {
        var task = BeijingOnly().Tasks[0];
        var rules = Rules with { RemindDaysBefore = 7 };

        Assert.True(CaseWorkflow.IsDueSoon(task, rules, Due.AddDays(-7)));
        Assert.False(CaseWorkflow.IsDueSoon(task, rules, Due.AddDays(-7).AddTicks(-1)));
    }

    [Fact]
    public void a_task_is_overdue_only_after_its_exact_deadline()
    {
        var task = BeijingOnly().Tasks[0];

        Assert.False(CaseWorkflow.IsOverdue(task, Due.AddTicks(-1)));
        Assert.False(CaseWorkflow.IsOverdue(task, Due));
        Assert.True(CaseWorkflow.IsOverdue(task, Due.AddTicks(1)));
    }

    [Fact]
    public void a_decided_task_is_neither_due_soon_nor_overdue()
    {
        var task = Approved().Tasks[0];

        Assert.False(CaseWorkflow.IsDueSoon(task, Rules, Due.AddDays(1)));
        Assert.False(CaseWorkflow.IsOverdue(task, Due.AddDays(1)));
    }
}
