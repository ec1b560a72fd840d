using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CasePermissionTests
{
    private static ReviewTask TaskOf(CaseFile file, string id) => file.Tasks.Single(t => t.Id == id);

    [Fact]
    public void a_tianjin_reviewer_cannot_decide_beijing_task()
    {
        var change = Decide(BeijingHebei(), TianjinReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve);

        Assert.Equal("tj-nr (reviewer, 120000, natural-resources) may not decide task case-1-r1-110000 (Review for Beijing): only reviewers of 110000 may",
            Refused(change, CaseRefusalKind.Forbidden));
    }

    [Fact]
    public void a_hebei_reviewer_cannot_decide_beijing_task_on_a_case_they_have_a_task_on()
    {
        var change = Decide(BeijingHebei(), HebeiReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "no");

        Assert.Contains("only reviewers of 110000 may", Refused(change, CaseRefusalKind.Forbidden), StringComparison.Ordinal);
    }

    [Fact]
    public void any_department_of_the_province_may_decide_its_jurisdiction_task()
    {
        Assert.True(CaseWorkflow.CanDecide(BeijingPlanner, TaskOf(BeijingOnly(), Task(Jurisdictions.Beijing))));
        Assert.True(CaseWorkflow.CanDecide(BeijingReviewer, TaskOf(BeijingOnly(), Task(Jurisdictions.Beijing))));
    }

    [Fact]
    public void a_department_task_needs_a_reviewer_of_the_matching_department()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]));
        var id = Task(Jurisdictions.Beijing) + "-natural-resources";

        var message = Refused(Decide(file, BeijingPlanner, id, DecisionKind.Approve), CaseRefusalKind.Forbidden);

        Assert.Contains("only reviewers of 110000's natural-resources department may", message, StringComparison.Ordinal);
        Assert.Null(Decide(file, BeijingReviewer, id, DecisionKind.Approve).Refusal);
    }

    [Fact]
    public void a_department_task_needs_the_matching_province_too()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]));

        Refused(Decide(file, HebeiReviewer, Task(Jurisdictions.Beijing) + "-natural-resources", DecisionKind.Approve), CaseRefusalKind.Forbidden);
    }

    [Fact]
    public void administrators_decide_nothing()
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"]));
        file = Ok(CaseWorkflow.Escalate(file, T0.AddDays(21))!);

        Assert.All(file.Tasks, t => Assert.False(CaseWorkflow.CanDecide(Admin, t)));
        Assert.Contains("admin (administrator)", Refused(Decide(file, Admin, Task(Jurisdictions.Beijing), DecisionKind.Approve), CaseRefusalKind.Forbidden), StringComparison.Ordinal);
    }

    [Fact]
    public void anonymous_callers_and_proponents_decide_nothing()
    {
        var file = BeijingHebei();

        Assert.All(file.Tasks, t => Assert.False(CaseWorkflow.CanDecide(Actor.Anonymous, t)));
        Assert.All(file.Tasks, t => Assert.False(CaseWorkflow.CanDecide(Proponent, t)));
        Assert.StartsWith("an anonymous caller may not decide", Refused(Decide(file, Actor.Anonymous, Task(Jurisdictions.Beijing), DecisionKind.Approve), CaseRefusalKind.Forbidden), StringComparison.Ordinal);
    }

    [Fact]
    public void the_coordination_office_decides_its_own_task()
    {
        var file = Ok(Decide(BeijingHebei(), Office, Coordination(), DecisionKind.Approve));

        Assert.Equal(ReviewStatus.Approved, TaskOf(file, Coordination()).Status);
    }

    [Fact]
    public void the_coordination_office_cannot_decide_a_province_task_that_is_not_escalated()
    {
        var change = Decide(BeijingHebei(), Office, Task(Jurisdictions.Beijing), DecisionKind.Approve);

        Assert.Equal("office (coordination-office) may not decide task case-1-r1-110000 (Review for Beijing): only reviewers of 110000 may",
            Refused(change, CaseRefusalKind.Forbidden));
    }

    [Fact]
    public void the_coordination_office_decides_an_escalated_province_task_and_the_timeline_says_so()
    {
        var file = Ok(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(21))!);

        file = Ok(Decide(file, Office, Task(Jurisdictions.Hebei), DecisionKind.Approve, at: T0.AddDays(22)));

        Assert.Equal(ReviewStatus.Approved, TaskOf(file, Task(Jurisdictions.Hebei)).Status);
        Assert.Equal("Review for Hebei (escalated, decided by the coordination office)", file.Timeline[^1].Detail);
    }

    [Fact]
    public void the_coordination_office_decides_an_escalated_department_task()
    {
        var file = Ok(CaseWorkflow.Escalate(Open(Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"])), T0.AddDays(21))!);

        file = Ok(Decide(file, Office, Task(Jurisdictions.Beijing) + "-natural-resources", DecisionKind.Approve, at: T0.AddDays(22)));

        Assert.Equal(ReviewStatus.Approved, TaskOf(file, Task(Jurisdictions.Beijing) + "-natural-resources").Status);
    }

    [Fact]
    public void a_reviewer_may_still_decide_their_own_task_after_it_was_escalated()
    {
        var file = Ok(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(21))!);

        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve, at: T0.AddDays(22)));

        Assert.Equal("Review for Hebei", file.Timeline[^1].Detail);
    }

    [Fact]
    public void the_refusal_of_an_escalated_task_names_the_coordination_office_as_an_alternative()
    {
        var file = Ok(CaseWorkflow.Escalate(BeijingHebei(), T0.AddDays(21))!);

        var message = Refused(Decide(file, TianjinReviewer, Task(Jurisdictions.Hebei), DecisionKind.Approve), CaseRefusalKind.Forbidden);

        Assert.EndsWith("only reviewers of 130000 may, or the coordination office now that it is escalated", message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_reviewer_cannot_decide_the_coordination_task()
    {
        var message = Refused(Decide(BeijingHebei(), BeijingReviewer, Coordination(), DecisionKind.Approve), CaseRefusalKind.Forbidden);

        Assert.EndsWith("only the coordination office may", message, StringComparison.Ordinal);
    }

    [Fact]
    public void only_the_proponent_revises()
    {
        var file = SentBack();

        foreach (var other in new[] { BeijingReviewer, Office, Admin, new Actor("rival", Role.Proponent), new Actor("acme", Role.Reviewer, Jurisdictions.Beijing) })
        {
            var change = CaseWorkflow.Revise(file, other, Submission(Verdict([Jurisdictions.Beijing])), null, Rules, T0.AddDays(3));
            Assert.Equal("only the proponent of case case-1 may submit a revision", Refused(change, CaseRefusalKind.Forbidden));
        }
    }

    [Fact]
    public void only_the_proponent_withdraws()
    {
        var file = BeijingOnly();

        foreach (var other in new[] { BeijingReviewer, Office, Admin, new Actor("rival", Role.Proponent), Actor.Anonymous })
        {
            var change = CaseWorkflow.Withdraw(file, other, "not wanted", T0.AddDays(3));
            Assert.Equal("only the proponent of case case-1 may withdraw it", Refused(change, CaseRefusalKind.Forbidden));
        }
    }

    [Fact]
    public void only_the_coordination_office_overrides()
    {
        var file = BeijingOnly();

        foreach (var other in new[] { BeijingReviewer, Admin, Proponent, Actor.Anonymous })
        {
            var change = CaseWorkflow.Override(file, other, DecisionKind.Approve, "because", Rules, T0.AddDays(3));
            Assert.EndsWith("may not override: only the coordination office may", Refused(change, CaseRefusalKind.Forbidden), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void the_coordination_office_overrides_only_with_a_reason(string? reason)
    {
        var change = CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.Reject, reason, Rules, T0.AddDays(3));

        Assert.Equal("reason: an override needs a written reason", Refused(change, CaseRefusalKind.Invalid));
    }

    [Fact]
    public void rules_without_override_refuse_even_the_coordination_office()
    {
        var rules = Rules with { OverrideByCoordination = false };

        var change = CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.Approve, "because", rules, T0.AddDays(3));

        Assert.Equal("the approval rules \"default\" allow no override", Refused(change, CaseRefusalKind.Forbidden));
    }

    [Fact]
    public void the_proponent_and_region_wide_roles_see_a_case_and_other_proponents_do_not()
    {
        var file = BeijingHebei();

        Assert.True(CaseWorkflow.CanSee(Proponent, file));
        Assert.True(CaseWorkflow.CanSee(Office, file));
        Assert.True(CaseWorkflow.CanSee(Admin, file));
        Assert.False(CaseWorkflow.CanSee(new Actor("rival", Role.Proponent), file));
        Assert.False(CaseWorkflow.CanSee(Actor.Anonymous, file));
    }

    [Fact]
    public void reviewers_see_a_case_only_when_their_province_has_a_task_on_it()
    {
        var file = BeijingHebei();

        Assert.True(CaseWorkflow.CanSee(BeijingReviewer, file));
        Assert.True(CaseWorkflow.CanSee(HebeiReviewer, file));
        Assert.False(CaseWorkflow.CanSee(TianjinReviewer, file));
    }

    [Fact]
    public void a_reviewer_whose_province_a_revision_left_still_sees_the_case_but_decides_nothing_on_it()
    {
        var file = Ok(CaseWorkflow.Revise(SentBack(BeijingHebei()), Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), 1, Rules, T0.AddDays(3)));

        Assert.True(CaseWorkflow.CanSee(HebeiReviewer, file));
        Assert.DoesNotContain(file.OpenTasks, t => CaseWorkflow.CanDecide(HebeiReviewer, t));
    }
}
