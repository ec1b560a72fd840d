using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

/// <summary>Department routes at county, city and national level, and who may decide them.</summary>
public sealed class JurisdictionLevelRoutingTests
{
    private static ApprovalRules WithRoutes(params DepartmentRoute[] routes) => Rules with { DepartmentRoutes = routes };

    /// <summary>A footprint in Zhuozhou (70%) and Laishui (30%), both of Baoding, Hebei.</summary>
    private static Verdict InBaoding(string[]? firedRules = null, string[]? overlapKinds = null)
    {
        var v = Verdict([Jurisdictions.Hebei], overlapKinds, firedRules);
        JsonObject Detail() => new() { ["provinceId"] = Jurisdictions.Hebei, ["cityId"] = Jurisdictions.Baoding, ["city"] = "保定市" };
        return v with
        {
            Jurisdictions =
            [
                new ShareOfPlace("counties", Jurisdictions.Zhuozhou, "涿州市", "Zhuozhou", 7, 0.7, Detail()),
                new ShareOfPlace("counties", Jurisdictions.Laishui, "涞水县", "Laishui", 3, 0.3, Detail()),
            ],
        };
    }

    private static Actor CountyReviewer(string county) => new("nr-" + county, Role.Reviewer, county, "natural-resources");

    [Fact]
    public void a_county_route_gives_each_county_of_the_footprint_its_own_task_and_no_province_task()
    {
        var rules = WithRoutes(new DepartmentRoute("R3-urban-boundary", "natural-resources", JurisdictionLevels.County));
        var tasks = CaseWorkflow.Route("case-1", 1, InBaoding(firedRules: ["R3-urban-boundary"]), rules, T0);

        var county = tasks.Where(t => t.Kind == ReviewKind.Department).ToList();
        Assert.Equal([Jurisdictions.Zhuozhou, Jurisdictions.Laishui], county.Select(t => t.Jurisdiction));
        Assert.All(county, t => Assert.Equal((JurisdictionLevels.County, (string?)null), (t.Level, t.ParentJurisdiction)));
        Assert.Equal("Natural resources, 涿州市", county[0].Title);
        Assert.Equal($"case-1-r1-county-{Jurisdictions.Zhuozhou}-natural-resources", county[0].Id);
        Assert.True(CaseWorkflow.CanDecide(CountyReviewer(Jurisdictions.Zhuozhou), county[0]));
        Assert.False(CaseWorkflow.CanDecide(CountyReviewer(Jurisdictions.Laishui), county[0]));
        Assert.False(CaseWorkflow.CanDecide(CountyReviewer(Jurisdictions.Baoding), county[0]));
        Assert.False(CaseWorkflow.CanDecide(CountyReviewer(Jurisdictions.Hebei), county[0]));
    }

    [Fact]
    public void a_city_reviewer_sees_and_decides_a_county_task_only_when_the_rule_lets_the_city_decide_for_its_counties()
    {
        var rules = WithRoutes(new DepartmentRoute("R3-urban-boundary", "natural-resources", JurisdictionLevels.County, CityMayDecideForCounties: true));
        var file = Open(InBaoding(firedRules: ["R3-urban-boundary"]), rules: rules);
        var task = file.Tasks.First(t => t.Level == JurisdictionLevels.County);

        Assert.Equal(Jurisdictions.Baoding, task.ParentJurisdiction);
        var city = CountyReviewer(Jurisdictions.Baoding);
        Assert.True(CaseWorkflow.CanDecide(city, task));
        Assert.True(CaseWorkflow.CanSee(city, file));
        Assert.False(CaseWorkflow.CanSee(CountyReviewer(Jurisdictions.Langfang), file));
        Assert.Null(CaseWorkflow.Decide(file, city, task.Id, DecisionKind.Approve, null, 1, rules, T0).Refusal);
    }

    [Fact]
    public void a_city_route_gives_one_task_per_city_with_the_shares_of_its_counties()
    {
        var rules = WithRoutes(new DepartmentRoute("R3-urban-boundary", "natural-resources", JurisdictionLevels.City));
        var task = Assert.Single(CaseWorkflow.Route("case-1", 1, InBaoding(firedRules: ["R3-urban-boundary"]), rules, T0), t => t.Kind == ReviewKind.Department);

        Assert.Equal((Jurisdictions.Baoding, JurisdictionLevels.City), (task.Jurisdiction, task.Level));
        Assert.StartsWith("100.0", task.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void an_overlap_with_permanent_farmland_routes_one_task_to_the_national_reviewers_of_the_department()
    {
        var rules = WithRoutes(new DepartmentRoute(null, "natural-resources", JurisdictionLevels.National, OverlapsKind: "control:permanent-farmland"));
        var file = Open(InBaoding(overlapKinds: ["control:permanent-farmland"]), rules: rules);
        var task = Assert.Single(file.Tasks, t => t.IsNational);

        Assert.Equal((ReviewKind.Department, (string?)null, "natural-resources"), (task.Kind, task.Jurisdiction, task.Department));
        var national = new Actor("mnr", Role.NationalReviewer, null, "natural-resources");
        Assert.True(CaseWorkflow.CanDecide(national, task));
        Assert.True(CaseWorkflow.CanSee(national, file));
        Assert.False(CaseWorkflow.CanDecide(new Actor("mnr-water", Role.NationalReviewer, null, "water"), task));
        Assert.False(CaseWorkflow.CanDecide(CountyReviewer(Jurisdictions.Hebei), task));
        Assert.False(CaseWorkflow.CanSee(national, BeijingOnly()));
        var refused = CaseWorkflow.Decide(file, CountyReviewer(Jurisdictions.Hebei), task.Id, DecisionKind.Approve, null, 1, rules, T0).Refusal!;
        Assert.Equal(CaseRefusalKind.Forbidden, refused.Kind);
        Assert.Contains("only national reviewers of the natural-resources department may", refused.Message, StringComparison.Ordinal);

        Assert.DoesNotContain(Open(InBaoding(), rules: rules).Tasks, t => t.IsNational);
    }

    [Fact]
    public void a_national_reviewer_account_has_a_department_and_no_jurisdiction()
    {
        Assert.Null(Account.BindingProblem(Role.NationalReviewer, null, "natural-resources"));
        Assert.Contains("not for a jurisdiction", Account.BindingProblem(Role.NationalReviewer, Jurisdictions.Hebei, "natural-resources"), StringComparison.Ordinal);
        Assert.Contains("needs a department", Account.BindingProblem(Role.NationalReviewer, null, null), StringComparison.Ordinal);
        Assert.True(Roles.TryParse("national-reviewer", out var role));
        Assert.Equal(Role.NationalReviewer, role);
    }
}
