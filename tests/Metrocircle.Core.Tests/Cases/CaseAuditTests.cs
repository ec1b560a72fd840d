using Metrocircle.Core.Audit;
using System.Text.Json.Nodes;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseAuditTests
{
    private static (AuditRecord Record, JsonObject Details) Single(CaseChange change, string actor, string action)
    {
        Assert.Null(change.Refusal);
        var record = Assert.Single(change.Audit);
        Assert.Equal((actor, action, "case-1"), (record.Actor, record.Action, record.Subject));
        return (record, Assert.IsType<JsonObject>(JsonNode.Parse(record.Details)));
    }

    [Fact]
    public void opening_a_case_audits_case_submitted_with_the_check_and_its_tasks()
    {
        var change = CaseWorkflow.Open("case-1", "Logistics park", Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei])), Rules, T0);

        var (_, details) = Single(change, "acme", "case.submitted");
        Assert.Equal(1, (int)details["revision"]!);
        Assert.Equal("chk-1", (string)details["checkId"]!);
        Assert.Equal("aligned", (string)details["verdict"]!);
        Assert.Equal($"sha256:{Jurisdictions.Beijing}-{Jurisdictions.Hebei}", (string)details["inputHash"]!);
        Assert.Equal("plan@1", (string)details["planVersion"]!);
        Assert.Equal(["case-1-r1-110000", "case-1-r1-130000", "case-1-r1-coordination"], details["tasks"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void a_decision_audits_case_decided_with_the_task_the_reason_and_the_new_case_status()
    {
        var change = Decide(BeijingHebei(), HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, " keep 50 m from the river ");

        var (_, details) = Single(change, "hb-nr", "case.decided");
        Assert.Equal("case-1-r1-130000", (string)details["task"]!);
        Assert.Equal(1, (int)details["revision"]!);
        Assert.Equal("request changes", (string)details["decision"]!);
        Assert.Equal("keep 50 m from the river", (string)details["reason"]!);
        Assert.Equal("changes-requested", (string)details["caseStatus"]!);
    }

    [Fact]
    public void a_decision_that_keeps_the_case_under_review_audits_that_status()
    {
        var (_, details) = Single(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve), "bj-nr", "case.decided");

        Assert.Equal("under-review", (string)details["caseStatus"]!);
        Assert.Equal("", (string)details["reason"]!);
    }

    [Fact]
    public void an_override_audits_case_overridden_with_the_tasks_it_left_open()
    {
        var file = Ok(Decide(BeijingHebei(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        var (_, details) = Single(CaseWorkflow.Override(file, Office, DecisionKind.Reject, "conflicts with the corridor", Rules, T0.AddDays(2)), "office", "case.overridden");

        Assert.Equal("reject", (string)details["decision"]!);
        Assert.Equal("conflicts with the corridor", (string)details["reason"]!);
        Assert.Equal(["case-1-r1-130000", "case-1-r1-coordination"], details["openTasks"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void a_revision_audits_case_revised_with_the_new_revision_and_its_tasks()
    {
        var change = CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), 1, Rules, T0.AddDays(2));

        var (_, details) = Single(change, "acme", "case.revised");
        Assert.Equal(2, (int)details["revision"]!);
        Assert.Equal("chk-2", (string)details["checkId"]!);
        Assert.Equal(["case-1-r2-110000"], details["tasks"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void a_withdrawal_audits_case_withdrawn_and_closes_the_open_tasks()
    {
        var change = CaseWorkflow.Withdraw(BeijingHebei(), Proponent, " site sold ", T0.AddDays(2));

        var (_, details) = Single(change, "acme", "case.withdrawn");
        Assert.Equal(1, (int)details["revision"]!);
        var file = change.File!;
        Assert.Equal((CaseStatus.Withdrawn, "withdrawn by the proponent"), (file.Status, file.Outcome));
        Assert.All(file.Tasks, t => Assert.Equal(ReviewStatus.Closed, t.Status));
        Assert.Equal(("withdrawn", "site sold"), (file.Timeline[^1].Action, file.Timeline[^1].Detail));
    }

    [Fact]
    public void an_escalation_audits_task_escalated_by_the_system()
    {
        Single(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(21))!, "system", "task.escalated");
    }

    [Fact]
    public void every_refusal_returns_no_audit_record_and_no_file()
    {
        var file = BeijingHebei();
        var refusals = new[]
        {
            CaseWorkflow.Open("case-1", "", Proponent, Submission(Verdict([Jurisdictions.Beijing])), Rules, T0),
            Decide(file, TianjinReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve),
            Decide(file, BeijingReviewer, "nope", DecisionKind.Approve),
            Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, null),
            Decide(Approved(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve),
            CaseWorkflow.Override(file, Admin, DecisionKind.Approve, "x", Rules, T0),
            CaseWorkflow.Override(file, Office, DecisionKind.Approve, null, Rules, T0),
            CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing])), null, Rules, T0),
            CaseWorkflow.Withdraw(file, BeijingReviewer, null, T0),
            CaseWorkflow.Withdraw(Withdrawn(), Proponent, null, T0),
        };

        Assert.All(refusals, change =>
        {
            Assert.NotNull(change.Refusal);
            Assert.Null(change.File);
            Assert.Empty(change.Audit);
        });
    }

    [Fact]
    public void a_refusal_leaves_the_case_it_was_given_untouched()
    {
        var file = BeijingHebei();
        var before = CaseJson.Serialize(file);

        Decide(file, TianjinReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve);
        Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, new string('r', 5000));
        Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        Assert.Equal(before, CaseJson.Serialize(file));
    }
}
