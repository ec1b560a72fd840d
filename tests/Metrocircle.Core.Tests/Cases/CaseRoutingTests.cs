using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseRoutingTests
{
    [Fact]
    public void a_footprint_across_beijing_and_hebei_gets_a_task_for_each_province_and_the_coordination_office()
    {
        var file = BeijingHebei();

        Assert.Equal([Task(Jurisdictions.Beijing), Task(Jurisdictions.Hebei), Coordination()], file.Tasks.Select(t => t.Id));
        Assert.Equal([ReviewKind.Jurisdiction, ReviewKind.Jurisdiction, ReviewKind.Coordination], file.Tasks.Select(t => t.Kind));
        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Hebei, null], file.Tasks.Select(t => t.Jurisdiction));
        Assert.All(file.Tasks, t => Assert.Equal((1, ReviewStatus.Open, false), (t.Revision, t.Status, t.Escalated)));
        Assert.Contains("crosses 2 provinces (Beijing, Hebei)", Assert.Single(file.Tasks[2].Reasons), StringComparison.Ordinal);
        Assert.Equal((CaseStatus.UnderReview, 1, "acme", "housing"), (file.Status, file.Revision, file.Proponent, file.Category));
    }

    [Fact]
    public void a_footprint_in_one_province_gets_only_that_province_task_and_no_coordination()
    {
        var file = BeijingOnly();

        var task = Assert.Single(file.Tasks);
        Assert.Equal((Task(Jurisdictions.Beijing), ReviewKind.Jurisdiction, Jurisdictions.Beijing, "Review for Beijing"), (task.Id, task.Kind, task.Jurisdiction, task.Title));
    }

    [Fact]
    public void a_footprint_across_three_provinces_gets_one_jurisdiction_task_per_province()
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei]));

        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei], file.Tasks.Where(t => t.Kind == ReviewKind.Jurisdiction).Select(t => t.Jurisdiction));
        Assert.Single(file.Tasks, t => t.Kind == ReviewKind.Coordination);
    }

    [Fact]
    public void a_fired_rule_with_a_route_adds_its_department_task_in_every_province()
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"]));

        var departments = file.Tasks.Where(t => t.Kind == ReviewKind.Department).ToList();
        Assert.Equal([Task(Jurisdictions.Beijing) + "-natural-resources", Task(Jurisdictions.Hebei) + "-natural-resources"], departments.Select(t => t.Id));
        Assert.All(departments, t => Assert.Equal("natural-resources", t.Department));
        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Hebei], departments.Select(t => t.Jurisdiction));
        Assert.Equal("Natural resources, Beijing", departments[0].Title);
        Assert.Equal("R2-farmland: R2-farmland fired", Assert.Single(departments[0].Reasons));
    }

    [Fact]
    public void a_fired_rule_without_a_route_adds_no_department_task()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], firedRules: ["R7-height"]));

        Assert.DoesNotContain(file.Tasks, t => t.Kind == ReviewKind.Department);
    }

    [Fact]
    public void a_routed_rule_that_passed_adds_no_department_task()
    {
        var verdict = Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland"]);
        verdict = verdict with { Rules = [verdict.Rules[0] with { Outcome = "pass" }] };

        Assert.DoesNotContain(Open(verdict).Tasks, t => t.Kind == ReviewKind.Department);
    }

    [Fact]
    public void two_fired_rules_routed_to_the_same_department_give_one_task_with_both_reasons()
    {
        var rules = Rules with { DepartmentRoutes = [new DepartmentRoute("R2-farmland", "natural-resources"), new DepartmentRoute("R5-wetland", "natural-resources")] };
        var tasks = CaseWorkflow.Route("case-1", 1, Verdict([Jurisdictions.Beijing], firedRules: ["R2-farmland", "R5-wetland"]), rules, T0);

        var task = Assert.Single(tasks, t => t.Kind == ReviewKind.Department);
        Assert.Equal(["R2-farmland: R2-farmland fired", "R5-wetland: R5-wetland fired"], task.Reasons);
    }

    [Fact]
    public void a_department_the_rules_do_not_name_is_titled_by_its_id()
    {
        var rules = Rules with { DepartmentRoutes = [new DepartmentRoute("R2-farmland", "water")] };
        var tasks = CaseWorkflow.Route("case-1", 1, Verdict([Jurisdictions.Hebei], firedRules: ["R2-farmland"]), rules, T0);

        Assert.Equal("water, Hebei", Assert.Single(tasks, t => t.Kind == ReviewKind.Department).Title);
    }

    [Fact]
    public void overlapping_a_listed_layer_kind_in_one_province_brings_in_the_coordination_office()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], overlapKinds: ["control:ecological-redline"]));

        var coordination = Assert.Single(file.Tasks, t => t.Kind == ReviewKind.Coordination);
        Assert.Equal(Coordination(), coordination.Id);
        Assert.Contains("overlaps control:ecological-redline", Assert.Single(coordination.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void overlapping_a_layer_kind_the_rules_do_not_list_brings_in_no_coordination_office()
    {
        var file = Open(Verdict([Jurisdictions.Beijing], overlapKinds: ["control:farmland"]));

        Assert.DoesNotContain(file.Tasks, t => t.Kind == ReviewKind.Coordination);
    }

    [Fact]
    public void crossing_provinces_and_overlapping_a_listed_kind_gives_one_coordination_task_with_both_reasons()
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], overlapKinds: ["control:ecological-redline"]));

        var coordination = Assert.Single(file.Tasks, t => t.Kind == ReviewKind.Coordination);
        Assert.Equal(2, coordination.Reasons.Count);
    }

    [Fact]
    public void rules_that_do_not_coordinate_crossings_route_a_crossing_footprint_to_the_provinces_only()
    {
        var rules = Rules with { CoordinationWhenCrossingProvinces = false };
        var tasks = CaseWorkflow.Route("case-1", 1, Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), rules, T0);

        Assert.All(tasks, t => Assert.Equal(ReviewKind.Jurisdiction, t.Kind));
        Assert.Equal(2, tasks.Count);
    }

    [Fact]
    public void due_dates_follow_the_deadline_days_of_each_task_kind()
    {
        var rules = Rules with
        {
            DeadlineDays = new Dictionary<ReviewKind, int> { [ReviewKind.Jurisdiction] = 10, [ReviewKind.Department] = 15, [ReviewKind.Coordination] = 30 },
        };
        var tasks = CaseWorkflow.Route("case-1", 1, Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"]), rules, T0);

        Assert.All(tasks, t => Assert.Equal(T0.AddDays(t.Kind switch
        {
            ReviewKind.Jurisdiction => 10,
            ReviewKind.Department => 15,
            _ => 30,
        }), t.DueAt));
        Assert.Equal(5, tasks.Count);
    }

    [Fact]
    public void task_ids_name_the_case_the_revision_and_the_province()
    {
        var tasks = CaseWorkflow.Route("case-9", 3, Verdict([Jurisdictions.Tianjin], firedRules: ["R2-farmland"]), Rules, T0);

        Assert.Equal(["case-9-r3-120000", "case-9-r3-120000-natural-resources"], tasks.Select(t => t.Id));
        Assert.All(tasks, t => Assert.Equal(3, t.Revision));
    }

    [Fact]
    public void a_footprint_in_no_province_is_refused_as_nobody_could_review_it()
    {
        var change = CaseWorkflow.Open("case-1", "Offshore platform", Proponent, Submission(Verdict([])), Rules, T0);

        Assert.Contains("lies in no jurisdiction", Refused(change, CaseRefusalKind.Invalid), StringComparison.Ordinal);
    }

    [Fact]
    public void a_footprint_in_no_province_is_refused_even_when_it_overlaps_a_listed_kind()
    {
        var change = CaseWorkflow.Open("case-1", "Offshore platform", Proponent, Submission(Verdict([], overlapKinds: ["control:ecological-redline"])), Rules, T0);

        Assert.Contains("lies in no jurisdiction", Refused(change, CaseRefusalKind.Invalid), StringComparison.Ordinal);
    }

    [Fact]
    public void an_anonymous_caller_cannot_open_a_case()
    {
        var change = CaseWorkflow.Open("case-1", "Logistics park", Actor.Anonymous, Submission(Verdict([Jurisdictions.Beijing])), Rules, T0);

        Assert.Equal("sign in to submit a project", Refused(change, CaseRefusalKind.Forbidden));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void a_case_without_a_title_is_refused(string title)
    {
        var change = CaseWorkflow.Open("case-1", title, Proponent, Submission(Verdict([Jurisdictions.Beijing])), Rules, T0);

        Assert.StartsWith("title:", Refused(change, CaseRefusalKind.Invalid), StringComparison.Ordinal);
    }

    [Fact]
    public void a_title_of_200_characters_is_accepted_and_201_refused()
    {
        Assert.Null(CaseWorkflow.Open("case-1", new string('x', 200), Proponent, Submission(Verdict([Jurisdictions.Beijing])), Rules, T0).Refusal);

        var change = CaseWorkflow.Open("case-1", new string('x', 201), Proponent, Submission(Verdict([Jurisdictions.Beijing])), Rules, T0);
        Assert.StartsWith("title:", Refused(change, CaseRefusalKind.Invalid), StringComparison.Ordinal);
    }

    [Fact]
    public void an_opened_case_keeps_the_checked_revision_and_a_submitted_event()
    {
        var verdict = Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]);
        var change = CaseWorkflow.Open("case-1", "  Logistics park  ", Proponent, Submission(verdict) with { Note = "  first try " }, Rules, T0);
        var file = Ok(change);

        Assert.Equal("Logistics park", file.Title);
        var revision = Assert.Single(file.Revisions);
        Assert.Equal((1, T0, "acme", "chk-1", verdict.InputHash, "first try"), (revision.Number, revision.SubmittedAt, revision.SubmittedBy, revision.CheckId, revision.InputHash, revision.Note));
        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Hebei], revision.Provinces);
        Assert.Equal((T0, T0, "default"), (file.OpenedAt, file.UpdatedAt, file.RulesId));
        var submitted = Assert.Single(file.Timeline);
        Assert.Equal(("acme", "submitted", 1), (submitted.Actor, submitted.Action, submitted.Revision));
        Assert.Empty(file.Decisions);
    }
}
