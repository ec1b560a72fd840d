using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseDecisionRuleTests
{
    [Fact]
    public void the_case_stays_under_review_after_the_first_of_two_provinces_approves()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        Assert.Equal(CaseStatus.UnderReview, file.Status);
        Assert.Null(file.Outcome);
        Assert.Equal([ReviewStatus.Approved, ReviewStatus.Open, ReviewStatus.Open], file.Tasks.Select(t => t.Status));
        var decision = Assert.Single(file.Decisions);
        Assert.Equal(new Decision(Task(Jurisdictions.Beijing), 1, "bj-nr", DecisionKind.Approve, "", T0.AddDays(1)), decision);
    }

    [Fact]
    public void without_any_rejection_rejects_a_case_is_rejected_once_every_required_review_is_decided_and_one_did_not_approve()
    {
        var rules = Rules with { AnyRejectionRejects = false };
        var file = BeijingHebei();
        file = Ok(CaseWorkflow.Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "too close to the river", 1, rules, T0.AddDays(1)));
        Assert.Equal(CaseStatus.UnderReview, file.Status);
        file = Ok(CaseWorkflow.Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve, null, 1, rules, T0.AddDays(1)));
        Assert.Equal(CaseStatus.UnderReview, file.Status);

        file = Ok(CaseWorkflow.Decide(file, Office, Coordination(), DecisionKind.Approve, null, 1, rules, T0.AddDays(2)));

        Assert.Equal(CaseStatus.Rejected, file.Status);
        Assert.StartsWith("rejected: every required review decided and 1 did not approve", file.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void the_case_is_approved_only_when_every_required_task_approved()
    {
        var file = BeijingHebei();
        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve));
        Assert.Equal(CaseStatus.UnderReview, file.Status);

        file = Ok(Decide(file, Office, Coordination(), DecisionKind.Approve));

        Assert.Equal(CaseStatus.Approved, file.Status);
        Assert.Equal("approved by all 3 required reviews", file.Outcome);
        Assert.All(file.Tasks, t => Assert.Equal(ReviewStatus.Approved, t.Status));
        Assert.Equal("case approved", file.Timeline[^1].Action);
    }

    [Fact]
    public void a_single_province_case_is_approved_by_its_one_reviewer()
    {
        var file = Approved();

        Assert.Equal(CaseStatus.Approved, file.Status);
        Assert.True(file.IsClosed);
        Assert.Empty(file.OpenTasks);
    }

    [Fact]
    public void a_department_task_must_approve_too_before_the_case_is_approved()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]));
        file = Ok(Decide(file, BeijingPlanner, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        Assert.Equal(CaseStatus.UnderReview, file.Status);

        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing) + "-natural-resources", DecisionKind.Approve));

        Assert.Equal(CaseStatus.Approved, file.Status);
    }

    [Fact]
    public void non_required_task_kinds_do_not_block_approval_and_are_closed_with_the_case()
    {
        var rules = Rules with { Required = new HashSet<ReviewKind> { ReviewKind.Jurisdiction } };
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), rules: rules);
        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, rules: rules));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve, rules: rules));

        Assert.Equal(CaseStatus.Approved, file.Status);
        Assert.Equal("approved by all 2 required reviews", file.Outcome);
        Assert.Equal(ReviewStatus.Closed, file.Tasks.Single(t => t.Kind == ReviewKind.Coordination).Status);
    }

    [Fact]
    public void one_rejection_rejects_the_case_and_closes_the_other_open_tasks()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Reject, "the site is inside Hebei's water protection zone"));

        Assert.Equal(CaseStatus.Rejected, file.Status);
        Assert.Equal("rejected: Review for Hebei rejected it", file.Outcome);
        Assert.Equal([ReviewStatus.Approved, ReviewStatus.Rejected, ReviewStatus.Closed], file.Tasks.Select(t => t.Status));
        Assert.Empty(file.OpenTasks);
        Assert.Equal("case rejected", file.Timeline[^1].Action);
    }

    [Fact]
    public void the_first_rejection_on_a_fresh_case_rejects_it_at_once()
    {
        var file = Ok(Decide(BeijingHebei(), Office, Coordination(), DecisionKind.Reject, "conflicts with the regional corridor"));

        Assert.Equal(CaseStatus.Rejected, file.Status);
        Assert.Equal([ReviewStatus.Closed, ReviewStatus.Closed, ReviewStatus.Rejected], file.Tasks.Select(t => t.Status));
    }

    [Fact]
    public void when_a_rejection_does_not_reject_the_case_stays_under_review_and_the_other_tasks_stay_open()
    {
        var rules = Rules with { AnyRejectionRejects = false };
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "too dense", rules: rules));

        Assert.Equal(CaseStatus.UnderReview, file.Status);
        Assert.Equal([ReviewStatus.Rejected, ReviewStatus.Open, ReviewStatus.Open], file.Tasks.Select(t => t.Status));
    }

    [Fact]
    public void a_request_for_changes_sends_the_case_back_and_closes_the_other_open_tasks()
    {
        var file = Ok(Decide(BeijingHebei(), HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "keep 50 m from the river"));

        Assert.Equal(CaseStatus.ChangesRequested, file.Status);
        Assert.False(file.IsClosed);
        Assert.Equal([ReviewStatus.Closed, ReviewStatus.ChangesRequested, ReviewStatus.Closed], file.Tasks.Select(t => t.Status));
        Assert.Equal("sent back", file.Timeline[^1].Action);
        Assert.Equal(new Decision(Task(Jurisdictions.Hebei), 1, "hb-nr", DecisionKind.RequestChanges, "keep 50 m from the river", T0.AddDays(1)), Assert.Single(file.Decisions));
    }

    [Fact]
    public void a_revision_by_the_proponent_reroutes_fresh_tasks_on_revision_2_and_the_revision_1_decisions_stay_with_revision_1()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "keep 50 m from the river"));
        var at = T0.AddDays(5);

        var revised = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2") with { Note = "moved east" }, 1, Rules, at));

        Assert.Equal((CaseStatus.UnderReview, 2), (revised.Status, revised.Revision));
        Assert.Equal([Task(Jurisdictions.Beijing, 2), Task(Jurisdictions.Hebei, 2), Coordination(2)], revised.CurrentTasks.Select(t => t.Id));
        Assert.All(revised.CurrentTasks, t => Assert.Equal((ReviewStatus.Open, at.AddDays(20)), (t.Status, t.DueAt)));
        Assert.Equal([ReviewStatus.Approved, ReviewStatus.ChangesRequested, ReviewStatus.Closed],
            revised.Tasks.Where(t => t.Revision == 1).Select(t => t.Status));
        Assert.Equal(2, revised.Decisions.Count);
        Assert.All(revised.Decisions, d => Assert.Equal(1, d.Revision));
        Assert.Equal((2, "chk-2", "moved east", at), (revised.Current.Number, revised.Current.CheckId, revised.Current.Note, revised.Current.SubmittedAt));
        Assert.Equal(("revised", 2), (revised.Timeline[^1].Action, revised.Timeline[^1].Revision));
    }

    [Fact]
    public void a_revised_case_is_approved_by_the_revision_2_tasks_alone()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "keep 50 m from the river"));
        file = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2"), 1, Rules, T0.AddDays(5)));

        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing, 2), DecisionKind.Approve, expectedRevision: 2));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei, 2), DecisionKind.Approve, expectedRevision: 2));
        Assert.Equal(CaseStatus.UnderReview, file.Status);
        file = Ok(Decide(file, Office, Coordination(2), DecisionKind.Approve, expectedRevision: 2));

        Assert.Equal(CaseStatus.Approved, file.Status);
        Assert.Equal([1, 1, 2, 2, 2], file.Decisions.Select(d => d.Revision));
    }

    [Fact]
    public void a_revision_that_leaves_a_province_drops_its_task()
    {
        var file = SentBack(BeijingHebei());

        file = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), null, Rules, T0.AddDays(5)));

        Assert.Equal([Task(Jurisdictions.Beijing, 2)], file.CurrentTasks.Select(t => t.Id));
    }

    [Fact]
    public void an_approval_may_come_without_a_reason_and_a_reason_is_kept_trimmed()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, "  fits the district plan  "));

        Assert.Equal("fits the district plan", Assert.Single(file.Decisions).Reason);
        Assert.EndsWith(": fits the district plan", file.Timeline[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void the_coordination_office_overrides_an_open_case_with_a_reason_and_closes_its_tasks()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        file = Ok(CaseWorkflow.Override(file, Office, DecisionKind.Approve, "regional priority project", Rules, T0.AddDays(2)));

        Assert.Equal(CaseStatus.Approved, file.Status);
        Assert.Equal("approved by override of the coordination office (office): regional priority project", file.Outcome);
        Assert.Equal([ReviewStatus.Approved, ReviewStatus.Closed, ReviewStatus.Closed], file.Tasks.Select(t => t.Status));
        Assert.Equal(new Decision(CaseWorkflow.OverrideTask, 1, "office", DecisionKind.Approve, "regional priority project", T0.AddDays(2), Override: true), file.Decisions[^1]);
    }

    [Fact]
    public void the_coordination_office_may_override_a_case_waiting_for_changes_to_rejected()
    {
        var file = Ok(CaseWorkflow.Override(SentBack(), Office, DecisionKind.Reject, "the proponent gave up", Rules, T0.AddDays(2)));

        Assert.Equal(CaseStatus.Rejected, file.Status);
    }

    [Fact]
    public void an_override_cannot_request_changes()
    {
        var change = CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.RequestChanges, "redo it", Rules, T0.AddDays(2));

        Assert.Equal("decision: an override approves or rejects the case", Refused(change, CaseRefusalKind.Invalid));
    }

    [Fact]
    public void rules_that_need_no_override_reason_accept_an_override_without_one()
    {
        var rules = Rules with { OverrideNeedsReason = false };

        var file = Ok(CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.Approve, null, rules, T0.AddDays(2)));

        Assert.Equal(CaseStatus.Approved, file.Status);
    }
}
