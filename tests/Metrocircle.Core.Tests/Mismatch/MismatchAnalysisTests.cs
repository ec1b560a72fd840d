using System.Text.Json.Nodes;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tests.Alignment;

namespace Metrocircle.Core.Tests.Mismatch;

/// <summary>
/// The analysis on the WKT plan of <see cref="TestPlan"/>: 110101 and 110112 (Beijing) and 131082 (Hebei), three 0.5° squares side by
/// side at 39–39.5° N, a commuting circle over the two Beijing ones, an urban-boundary square of 0.3° inside 110101.
/// </summary>
public sealed class MismatchAnalysisTests
{
    private static PlanFeature Rule(string id, JsonObject properties) => new(MismatchRules.LayerId, id, null, properties, new Provenance("test", Certainty.Indicative, "test basis"));

    private static readonly MismatchRules Rules = MismatchRules.Read(
    [
        Rule("jh", new JsonObject { ["measure"] = "jobs-housing-ratio", ["min"] = 0.3, ["max"] = 0.9, ["basis"] = "band" }),
        Rule("sc", new JsonObject { ["measure"] = "self-containment", ["min"] = 0.5, ["basis"] = "half" }),
        Rule("cp", new JsonObject { ["measure"] = "cross-province-share", ["max"] = 0.1, ["basis"] = "tenth" }),
        Rule("cc", new JsonObject { ["measure"] = "commuting-circle", ["min"] = 0.05, ["core"] = new JsonArray("110000"), ["basis"] = "five percent" }),
        Rule("lr", new JsonObject { ["measure"] = "urban-land-per-resident", ["max"] = 150, ["basis"] = "GB 50137" }),
        Rule("le", new JsonObject { ["measure"] = "land-elasticity", ["max"] = 1.5, ["basis"] = "elastic" }),
        Rule("ib", new JsonObject { ["measure"] = "industry-in-belts", ["categories"] = new JsonArray("general-manufacturing"), ["basis"] = "belts" }),
    ]);

    private static CommuteFlow F(string o, string d, double trips) => new(o, d, 2024, "all", trips, "test");

    private static MismatchInputs Inputs()
    {
        var snapshot = TestPlan.Snapshot;
        return new MismatchInputs(2024, MismatchData.Counties(snapshot),
            new Dictionary<string, double> { ["110101"] = 2000, ["110112"] = 1500, ["131082"] = 1000 },
            new Dictionary<string, double> { ["110101"] = 1900, ["110112"] = 1500, ["131082"] = 1000 },
            new Dictionary<string, double> { ["110101"] = 2400, ["110112"] = 600, ["131082"] = 300 },
            [F("110101", "110101", 600), F("110101", "110112", 400), F("110112", "110101", 500), F("110112", "110112", 100),
             F("131082", "131082", 300), F("131082", "110112", 100), F("131082", "110101", 100), new("131082", "110101", 2023, "all", 999, "another year")],
            MismatchData.Circles(snapshot), MismatchData.UrbanLand(snapshot, "control:urban-boundary"), null);
    }

    [Fact]
    public void reads_counties_circles_and_urban_land_from_the_plan_geometry()
    {
        var inputs = Inputs();
        Assert.Equal(["110101", "110112", "131082"], inputs.Counties.Select(c => c.Id));
        Assert.Equal(Jurisdictions.Hebei, inputs.Counties[2].ProvinceId);
        Assert.Equal(116.25, inputs.Counties[0].Lon, 0.01);
        Assert.Equal(["110101", "110112"], Assert.Single(inputs.Circles).Members);

        // 0.5° × 0.5° at 39.25° N is about 43.1 km × 55.6 km; the urban square 0.3° × 0.3° about 25.9 km × 33.4 km.
        Assert.Equal(2395, inputs.Counties[0].AreaKm2, 2395 * 0.01);
        Assert.Equal(862, inputs.UrbanLandKm2["110101"], 862 * 0.01);
        Assert.Equal(0, inputs.UrbanLandKm2["131082"]);
        Assert.Equal(43.1, MismatchAnalysis.DistanceKm(inputs.Counties[0], inputs.Counties[1]), 0.5);
    }

    [Fact]
    public void computes_the_figures_of_each_county_and_circle_from_the_flows_of_the_year()
    {
        var inputs = Inputs();
        var result = MismatchAnalysis.Analyse(inputs, Rules);
        var dongcheng = result.Counties[0];
        Assert.Equal(1.2, dongcheng.JobsHousingRatio);
        Assert.Equal(1000, dongcheng.ResidentCommuters);
        Assert.Equal(0.6, dongcheng.SelfContainment);
        Assert.Equal(0, dongcheng.CrossProvinceShare);
        var within = 2.0 / 3.0 * Math.Sqrt(inputs.Counties[0].AreaKm2 / Math.PI);
        Assert.Equal(((600 * within) + (400 * MismatchAnalysis.DistanceKm(inputs.Counties[0], inputs.Counties[1]))) / 1000, dongcheng.MeanCommuteKm!.Value, 0.001);

        var sanhe = result.Counties[2];
        Assert.Equal(0.6, sanhe.SelfContainment);
        Assert.Equal(0.4, sanhe.CrossProvinceShare);

        var circle = Assert.Single(result.Circles);
        Assert.Equal(3500, circle.Population);
        Assert.Equal(1.0, circle.SelfContainment);
        Assert.Equal(0, circle.CrossProvinceShare);
    }

    [Fact]
    public void each_finding_carries_its_places_value_threshold_and_basis()
    {
        var findings = MismatchAnalysis.Analyse(Inputs(), Rules).Findings;
        var high = Assert.Single(findings, f => f.Kind == "jobs-housing-ratio-high");
        Assert.Equal(["110101"], high.Places);
        Assert.Equal((1.2, 0.9, "band"), (high.Value, high.Threshold, high.Basis));
        var low = Assert.Single(findings, f => f.Kind == "self-containment-low");
        Assert.Equal(["110112"], low.Places);
        Assert.Equal((0.1667, 0.5), (low.Value, low.Threshold));
        var cross = Assert.Single(findings, f => f.Kind == "cross-province-commuting-high");
        Assert.Equal(["131082"], cross.Places);
        Assert.Equal((0.4, 0.1), (cross.Value, cross.Threshold));
        var land = Assert.Single(findings, f => f.Kind == "urban-land-per-resident-high");
        Assert.Equal("110101", Assert.Single(land.Places));
        Assert.True(land.Value > 400_000, $"{land.Value} m² per resident");
    }

    [Fact]
    public void the_commuting_circle_criterion_from_the_flows_is_set_beside_the_plans_membership()
    {
        var result = MismatchAnalysis.Analyse(Inputs(), Rules);
        var criterion = result.CommutingCircle!;
        Assert.Equal(["110101", "110112"], criterion.Core);
        Assert.Equal(["131082"], criterion.Computed);
        Assert.Empty(criterion.Chosen);
        var missing = Assert.Single(result.Findings, f => f.Kind == "commuting-circle-missing");
        Assert.Equal(["131082"], missing.Places);
        Assert.Equal((0.4, 0.05), (missing.Value, missing.Threshold));
    }

    [Fact]
    public void analyses_without_a_zone_layer_or_a_second_version_say_not_applicable_instead_of_finding_nothing()
    {
        var findings = MismatchAnalysis.Analyse(Inputs(), Rules).Findings;
        var industry = Assert.Single(findings, f => f.Kind == "industry-outside-belts");
        Assert.Equal(("not-applicable", null, null), (industry.Status, industry.Value, industry.Threshold));
        Assert.Contains("sector:industry", industry.Message, StringComparison.Ordinal);
        Assert.Equal("not-applicable", Assert.Single(findings, f => f.Kind == "land-elasticity").Status);
    }

    [Fact]
    public void land_elasticity_is_land_growth_over_population_growth_between_two_versions()
    {
        var inputs = Inputs() with { UrbanLandBeforeKm2 = new Dictionary<string, double> { ["110101"] = 800, ["110112"] = 0, ["131082"] = 0 } };
        var result = MismatchAnalysis.Analyse(inputs, Rules);
        var land = inputs.UrbanLandKm2["110101"];
        var expected = ((land - 800) / 800) / ((2000.0 - 1900) / 1900);
        Assert.Equal(expected, result.Counties[0].LandElasticity!.Value, 0.0001);
        Assert.Null(result.Counties[1].LandElasticity);
        Assert.Equal(expected > 1.5, result.Findings.Any(f => f.Kind == "land-elasticity-high"));
    }

    [Fact]
    public void the_shipped_rules_parse_and_name_only_known_measures()
    {
        var file = DatasetBuilderFile();
        var rules = MismatchRules.Read(file);
        Assert.Contains(rules.All, r => r.Measure == "commuting-circle" && r.Texts("core").Count > 0);
        Assert.All(rules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Basis)));
    }

    [Fact]
    public void refuses_a_rule_with_an_unknown_measure()
    {
        var e = Assert.Throws<FormatException>(() => MismatchRules.Read([Rule("x", new JsonObject { ["measure"] = "happiness" })]));
        Assert.Contains("mismatch-rules/x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_synthetic_demo_is_deterministic_and_says_it_is_synthetic()
    {
        var counties = MismatchData.Counties(TestPlan.Snapshot);
        var first = SyntheticCommuting.Flows(counties, 2024);
        Assert.Equal(first, SyntheticCommuting.Flows(counties, 2024));
        Assert.NotEmpty(first);
        Assert.All(first, f => Assert.Contains("SYNTHETIC", f.Source, StringComparison.Ordinal));
        Assert.All(SyntheticCommuting.Figures(counties, 2024), o => Assert.Contains("SYNTHETIC", o.Source, StringComparison.Ordinal));
    }

    private static IReadOnlyList<PlanFeature> DatasetBuilderFile()
    {
        var path = Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "mismatch-rules.json");
        var read = Metrocircle.Core.Dataset.DatasetBuilder.ReadLayerFileAsync(path, new Metrocircle.Core.Spatial.EqualAreaProjection(38.5, 116.5, 36.5, 41.5), CancellationToken.None).GetAwaiter().GetResult();
        return read.Features;
    }
}
