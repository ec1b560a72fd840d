using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

/// <summary>Issue 11: one person must not satisfy two required reviews of one revision.</summary>
public sealed class OneTaskPerAccountTests
{
    /// <summary>A Beijing case where R2-farmland fired: Beijing's jurisdiction task and its natural-resources task.</summary>
    private static CaseFile Farmland() => Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]));

    private static readonly string Department = Task(Jurisdictions.Beijing) + "-natural-resources";

    [Fact]
    public void issue_11_one_account_may_not_decide_a_second_task_of_a_revision_and_the_refusal_names_the_first()
    {
        var file = Ok(Decide(Farmland(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        var message = Refused(Decide(file, BeijingReviewer, Department, DecisionKind.Approve), CaseRefusalKind.Forbidden);

        Assert.Equal("bj-nr already decided task case-1-r1-110000 (Review for Beijing) of revision 1 (approve at 2026-03-03 09:00 UTC); "
            + "the approval rules \"default\" let one account decide only one task of a revision, so another reviewer must decide task "
            + "case-1-r1-110000-natural-resources (Natural resources, Beijing)", message);
    }

    [Fact]
    public void a_second_account_completes_the_two_task_quorum()
    {
        var file = Ok(Decide(Farmland(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

        file = Ok(Decide(file, new("bj-nr-2", Metrocircle.Core.Access.Role.Reviewer, Jurisdictions.Beijing, "natural-resources"), Department, DecisionKind.Approve));

        Assert.Equal(CaseStatus.Approved, file.Status);
    }

    [Fact]
    public void the_coordination_office_account_that_decided_its_own_task_may_not_also_decide_an_escalated_one()
    {
        var file = Ok(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(21))!);
        file = Ok(Decide(file, Office, Coordination(), DecisionKind.Approve, at: T0.AddDays(22)));

        var message = Refused(Decide(file, Office, Task(Jurisdictions.Hebei), DecisionKind.Approve, at: T0.AddDays(22)), CaseRefusalKind.Forbidden);

        Assert.StartsWith("office already decided task case-1-r1-coordination (Regional coordination office)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void an_override_is_not_a_task_decision_and_stays_allowed_after_the_office_decided_a_task()
    {
        var file = Ok(Decide(BeijingHebei(), Office, Coordination(), DecisionKind.Approve));

        file = Ok(CaseWorkflow.Override(file, Office, DecisionKind.Approve, "regional priority project", Rules, T0.AddDays(2)));

        Assert.Equal(CaseStatus.Approved, file.Status);
    }

    [Fact]
    public void the_account_may_decide_again_on_a_new_revision()
    {
        var file = SentBack(BeijingHebei());
        file = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2"), 1, Rules, T0.AddDays(5)));

        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing, 2), DecisionKind.Approve, expectedRevision: 2));

        Assert.Equal(ReviewStatus.Approved, file.Tasks.Single(t => t.Id == Task(Jurisdictions.Beijing, 2)).Status);
    }

    [Fact]
    public void rules_that_turn_the_limit_off_let_one_account_decide_both_tasks()
    {
        var rules = Rules with { OneTaskPerAccount = false };
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]), rules: rules);
        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, rules: rules));

        file = Ok(Decide(file, BeijingReviewer, Department, DecisionKind.Approve, rules: rules));

        Assert.Equal(CaseStatus.Approved, file.Status);
    }
}
