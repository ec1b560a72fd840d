using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseTransitionTests
{
    public static TheoryData<string> ClosedCases => ["approved", "rejected", "withdrawn"];

    private static CaseFile Closed(string status) => status switch
    {
        "approved" => Approved(),
        "rejected" => Rejected(),
        _ => Withdrawn(),
    };

    [Theory]
    [MemberData(nameof(ClosedCases))]
    public void deciding_a_closed_case_is_refused_with_the_state_machine_reason(string status)
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]));
        file = status switch
        {
            "approved" => Ok(CaseWorkflow.Override(file, Office, DecisionKind.Approve, "priority", Rules, T0.AddDays(1))),
            "rejected" => Ok(CaseWorkflow.Override(file, Office, DecisionKind.Reject, "no", Rules, T0.AddDays(1))),
            _ => Ok(CaseWorkflow.Withdraw(file, Proponent, null, T0.AddDays(1))),
        };

        var message = Refused(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve, at: T0.AddDays(2)), CaseRefusalKind.Conflict);

        Assert.Equal(CaseStateMachine.Refusal(file.Status, CaseTrigger.Decide), message);
        Assert.Equal($"the case is {status} and closed; a case can take decisions only when it is under review", message);
    }

    [Fact]
    public void deciding_a_case_waiting_for_changes_is_refused()
    {
        var message = Refused(Decide(SentBack(BeijingHebei()), HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve), CaseRefusalKind.Conflict);

        Assert.Equal("the case is waiting for changes; a case can take decisions only when it is under review", message);
    }

    [Fact]
    public void revising_a_case_under_review_is_refused()
    {
        var change = CaseWorkflow.Revise(BeijingOnly(), Proponent, Submission(Verdict([Jurisdictions.Beijing])), null, Rules, T0.AddDays(1));

        Assert.Equal("the case is under review; a case can take a new revision only when it is waiting for changes", Refused(change, CaseRefusalKind.Conflict));
    }

    [Theory]
    [MemberData(nameof(ClosedCases))]
    public void revising_a_closed_case_is_refused(string status)
    {
        var change = CaseWorkflow.Revise(Closed(status), Proponent, Submission(Verdict([Jurisdictions.Beijing])), null, Rules, T0.AddDays(2));

        Assert.Equal($"the case is {status} and closed; a case can take a new revision only when it is waiting for changes", Refused(change, CaseRefusalKind.Conflict));
    }

    [Fact]
    public void overriding_a_withdrawn_case_is_refused()
    {
        var change = CaseWorkflow.Override(Withdrawn(), Office, DecisionKind.Approve, "priority", Rules, T0.AddDays(2));

        Assert.Equal("the case is withdrawn and closed; a case can be overridden only when it is under review or waiting for changes", Refused(change, CaseRefusalKind.Conflict));
    }

    [Theory]
    [MemberData(nameof(ClosedCases))]
    public void withdrawing_a_closed_case_is_refused(string status)
    {
        var change = CaseWorkflow.Withdraw(Closed(status), Proponent, null, T0.AddDays(2));

        Assert.Equal(CaseStateMachine.Refusal(Closed(status).Status, CaseTrigger.Withdraw), Refused(change, CaseRefusalKind.Conflict));
    }

    [Fact]
    public void a_stale_decision_is_refused_naming_the_current_revision()
    {
        var file = Ok(CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), 1, Rules, T0.AddDays(3)));

        var message = Refused(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing, 2), DecisionKind.Approve, expectedRevision: 1, at: T0.AddDays(4)), CaseRefusalKind.Conflict);

        Assert.Equal("the decision is for revision 1, but the case is at revision 2, submitted by acme at 2026-03-05 09:00 UTC; review the new revision", message);
    }

    [Fact]
    public void a_decision_for_a_revision_the_case_does_not_have_yet_is_refused()
    {
        var message = Refused(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, expectedRevision: 2), CaseRefusalKind.Conflict);

        Assert.StartsWith("the decision is for revision 2, but the case is at revision 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_decision_expecting_the_current_revision_is_taken()
    {
        Assert.Null(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, expectedRevision: 1).Refusal);
    }

    [Fact]
    public void a_revision_answering_an_older_revision_is_refused()
    {
        var file = Ok(CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), 1, Rules, T0.AddDays(3)));
        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing, 2), DecisionKind.RequestChanges, "still too close", at: T0.AddDays(4)));

        var change = CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-3"), 1, Rules, T0.AddDays(5));

        Assert.Equal("the revision answers revision 1, but the case is at revision 2", Refused(change, CaseRefusalKind.Conflict));
    }

    [Fact]
    public void deciding_an_already_decided_task_names_who_decided_it_and_when()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, at: T0.AddHours(30)));

        var message = Refused(Decide(file, BeijingPlanner, Task(Jurisdictions.Beijing), DecisionKind.Reject, "no", at: T0.AddDays(2)), CaseRefusalKind.Conflict);

        Assert.Equal("task case-1-r1-110000 was already decided: approve by bj-nr at 2026-03-03 15:00 UTC", message);
    }

    [Fact]
    public void a_decision_on_a_task_of_a_superseded_revision_is_refused()
    {
        var file = Ok(CaseWorkflow.Revise(SentBack(BeijingHebei()), Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2"), 1, Rules, T0.AddDays(3)));

        var message = Refused(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve, at: T0.AddDays(4)), CaseRefusalKind.Conflict);

        Assert.Equal("task case-1-r1-130000 belongs to revision 1, which revision 2 replaced", message);
    }

    [Fact]
    public void a_reviewer_cannot_decide_twice_by_switching_decision()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        Assert.Contains("already decided", Refused(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve), CaseRefusalKind.Conflict), StringComparison.Ordinal);
    }

    [Fact]
    public void every_transition_in_the_table_is_reachable_via_the_workflow()
    {
        var reached = new HashSet<(CaseStatus, CaseTrigger, CaseStatus)>();
        void Step(CaseStatus from, CaseTrigger trigger, CaseChange? change)
        {
            Assert.NotNull(change);
            reached.Add((from, trigger, Ok(change).Status));
        }

        var two = BeijingHebei();
        var sentBack = SentBack();
        Step(CaseStatus.UnderReview, CaseTrigger.Decide, Decide(two, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        Step(CaseStatus.UnderReview, CaseTrigger.Decide, Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.RequestChanges, "move it"));
        Step(CaseStatus.UnderReview, CaseTrigger.Decide, Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        Step(CaseStatus.UnderReview, CaseTrigger.Decide, Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "no"));
        Step(CaseStatus.UnderReview, CaseTrigger.Override, CaseWorkflow.Override(two, Office, DecisionKind.Approve, "priority", Rules, T0.AddDays(1)));
        Step(CaseStatus.UnderReview, CaseTrigger.Override, CaseWorkflow.Override(two, Office, DecisionKind.Reject, "no", Rules, T0.AddDays(1)));
        Step(CaseStatus.UnderReview, CaseTrigger.Withdraw, CaseWorkflow.Withdraw(two, Proponent, null, T0.AddDays(1)));
        Step(CaseStatus.UnderReview, CaseTrigger.Escalate, CaseWorkflow.Escalate(two, T0.AddDays(21)));
        Step(CaseStatus.ChangesRequested, CaseTrigger.Revise, CaseWorkflow.Revise(sentBack, Proponent, Submission(Verdict([Jurisdictions.Beijing])), 1, Rules, T0.AddDays(2)));
        Step(CaseStatus.ChangesRequested, CaseTrigger.Override, CaseWorkflow.Override(sentBack, Office, DecisionKind.Approve, "fine as is", Rules, T0.AddDays(2)));
        Step(CaseStatus.ChangesRequested, CaseTrigger.Override, CaseWorkflow.Override(sentBack, Office, DecisionKind.Reject, "no", Rules, T0.AddDays(2)));
        Step(CaseStatus.ChangesRequested, CaseTrigger.Withdraw, CaseWorkflow.Withdraw(sentBack, Proponent, "gave up", T0.AddDays(2)));

        Assert.Equal(CaseStateMachine.Transitions.ToHashSet(), reached);
        Assert.Equal(12, CaseStateMachine.Transitions.Count);
    }

    [Theory]
    [MemberData(nameof(ClosedCases))]
    public void no_command_leaves_a_final_status(string status)
    {
        var file = Closed(status);
        var at = T0.AddDays(60);

        Refused(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, at: at), CaseRefusalKind.Conflict);
        Refused(CaseWorkflow.Override(file, Office, DecisionKind.Approve, "priority", Rules, at), CaseRefusalKind.Conflict);
        Refused(CaseWorkflow.Override(file, Office, DecisionKind.Reject, "no", Rules, at), CaseRefusalKind.Conflict);
        Refused(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing])), null, Rules, at), CaseRefusalKind.Conflict);
        Refused(CaseWorkflow.Withdraw(file, Proponent, null, at), CaseRefusalKind.Conflict);
        Assert.Null(CaseWorkflow.Escalate(file, at));
    }

    [Fact]
    public void the_table_allows_nothing_in_a_final_status()
    {
        foreach (var status in new[] { CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.Withdrawn })
        {
            Assert.All(Enum.GetValues<CaseTrigger>(), trigger => Assert.False(CaseStateMachine.Allows(status, trigger)));
        }

        Assert.DoesNotContain(CaseStateMachine.Transitions, t => t.From is CaseStatus.Approved or CaseStatus.Rejected or CaseStatus.Withdrawn);
    }

    [Fact]
    public void the_table_allows_a_trigger_only_towards_its_listed_statuses()
    {
        Assert.True(CaseStateMachine.Allows(CaseStatus.UnderReview, CaseTrigger.Decide, CaseStatus.Approved));
        Assert.False(CaseStateMachine.Allows(CaseStatus.UnderReview, CaseTrigger.Decide, CaseStatus.Withdrawn));
        Assert.False(CaseStateMachine.Allows(CaseStatus.UnderReview, CaseTrigger.Override, CaseStatus.ChangesRequested));
        Assert.False(CaseStateMachine.Allows(CaseStatus.ChangesRequested, CaseTrigger.Escalate));
        Assert.False(CaseStateMachine.Allows(CaseStatus.ChangesRequested, CaseTrigger.Decide));
    }

    [Fact]
    public void a_case_waiting_for_changes_is_not_escalated()
    {
        Assert.Null(CaseWorkflow.Escalate(SentBack(BeijingHebei()), T0.AddDays(60)));
    }
}
