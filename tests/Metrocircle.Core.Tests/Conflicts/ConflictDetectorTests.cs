using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Conflicts;

/// <summary>Conflict detection on small plans written in metric WKT (the plan's equal-area projection).</summary>
public sealed class ConflictDetectorTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanVersion Version = new("test@1", "test", 1, "test", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);
    private static readonly PlanSettings Settings = new(new EqualAreaProjection(38.5, 116.5, 36.5, 41.5), 1.0);

    // Two counties side by side, 10 km square each, in two provinces.
    private static readonly (string, string, JsonObject)[] Counties =
    [
        ("west", "POLYGON ((0 0, 10000 0, 10000 10000, 0 10000, 0 0))", new JsonObject { ["provinceId"] = Jurisdictions.Beijing }),
        ("east", "POLYGON ((10000 0, 20000 0, 20000 10000, 10000 10000, 10000 0))", new JsonObject { ["provinceId"] = Jurisdictions.Hebei }),
    ];

    private static ConflictRule Rule(string id = "C1", double withinM = 0, double minAreaM2 = 100, string? exemption = null) =>
        new(id, "urban on farmland", "test", "control:urban-boundary", "control:permanent-farmland", withinM, minAreaM2, 0, "high", exemption);

    private static SnapshotLayer Layer(string id, string kind, params (string Id, string Wkt, JsonObject? Props)[] features) =>
        new(new PlanLayer(id, kind, id, id, id, LayerGeometry.Polygon, 1, []), features.Select(f => new SnapshotFeature(f.Id, Wkt.Read(f.Wkt), f.Props ?? [])).ToList());

    private static PlanSnapshot Plan((string, string, JsonObject?)[] urban, (string, string, JsonObject?)[] farmland, (string, string, JsonObject)[]? counties = null) =>
        PlanSnapshot.FromProjected(Version, Settings,
        [
            Layer("counties", LayerKinds.Jurisdiction, [.. (counties ?? Counties).Select(c => (c.Item1, c.Item2, (JsonObject?)c.Item3.DeepClone().AsObject()))]),
            Layer("urban-boundary", "control:urban-boundary", urban),
            Layer("permanent-farmland", "control:permanent-farmland", farmland),
        ], []);

    private static ConflictReport Detect(PlanSnapshot plan, params ConflictRule[] rules) => ConflictDetector.Detect(plan, rules.Length == 0 ? [Rule()] : rules);

    [Fact]
    public void an_overlap_cut_by_a_county_boundary_is_one_patch_per_county_with_its_own_area_and_province()
    {
        var plan = Plan(
            [("u1", "POLYGON ((9000 1000, 11000 1000, 11000 3000, 9000 3000, 9000 1000))", null)],
            [("f1", "POLYGON ((8000 2000, 12500 2000, 12500 5000, 8000 5000, 8000 2000))", null)]);

        var patches = Detect(plan).Patches;

        Assert.Equal(2, patches.Count);
        var west = Assert.Single(patches, p => p.County == "west");
        var east = Assert.Single(patches, p => p.County == "east");
        Assert.Equal(1000 * 1000, west.AreaM2!.Value, 6);
        Assert.Equal(1000 * 1000, east.AreaM2!.Value, 6);
        Assert.Equal((Jurisdictions.Beijing, Jurisdictions.Hebei), (west.Province, east.Province));
        Assert.All(patches, p => Assert.Equal(("C1", "urban-boundary", "u1", "permanent-farmland", "f1", "high", ConflictStatus.Open),
            (p.Rule, p.LayerA, p.FeatureA, p.LayerB, p.FeatureB, p.Severity, p.Status)));
        Assert.NotEqual(west.Id, east.Id);
        Assert.Equal("POLYGON ((9000 2000, 9000 3000, 10000 3000, 10000 2000, 9000 2000))", west.Metric.Normalized().ToText());
    }

    [Fact]
    public void a_patch_inside_two_overlapping_counties_is_one_patch_in_each_not_only_in_the_first_that_covers_it()
    {
        // Counties that overlap (a county layer that is not a clean partition, as digitised boundaries or synthetic
        // data can be): the overlap lies wholly in "big" and partly in "small"; each county gets its own piece.
        (string, string, JsonObject)[] overlapping =
        [
            ("big", "POLYGON ((0 0, 10000 0, 10000 10000, 0 10000, 0 0))", new JsonObject { ["provinceId"] = Jurisdictions.Beijing }),
            ("small", "POLYGON ((4000 0, 12000 0, 12000 10000, 4000 10000, 4000 0))", new JsonObject { ["provinceId"] = Jurisdictions.Hebei }),
        ];
        var plan = Plan(
            [("u1", "POLYGON ((1000 1000, 6000 1000, 6000 3000, 1000 3000, 1000 1000))", null)],
            [("f1", "POLYGON ((2000 2000, 5000 2000, 5000 2500, 2000 2500, 2000 2000))", null)],
            overlapping);

        var patches = Detect(plan).Patches;

        Assert.Equal(2, patches.Count);
        Assert.Equal(3000 * 500, Assert.Single(patches, p => p.County == "big").AreaM2!.Value, 6);
        Assert.Equal(1000 * 500, Assert.Single(patches, p => p.County == "small").AreaM2!.Value, 6);
        Assert.Equal("POLYGON ((4000 2000, 4000 2500, 5000 2500, 5000 2000, 4000 2000))", patches.Single(p => p.County == "small").Metric.Normalized().ToText());
    }

    [Fact]
    public void a_patch_under_the_minimum_mapping_unit_is_counted_with_its_area_but_not_listed()
    {
        var plan = Plan(
            [("u1", "POLYGON ((1000 1000, 3000 1000, 3000 3000, 1000 3000, 1000 1000))", null)],
            [("f1", "POLYGON ((2995 1000, 4000 1000, 4000 1010, 2995 1010, 2995 1000))", null), ("f2", "POLYGON ((2000 2000, 4000 2000, 4000 2500, 2000 2500, 2000 2000))", null)]);

        var report = Detect(plan);

        var patch = Assert.Single(report.Patches);
        Assert.Equal("f2", patch.FeatureB);
        var summary = Assert.Single(report.Rules);
        Assert.Equal((1, 1, 50.0), (summary.Patches, summary.Slivers, Math.Round(summary.SliverAreaM2, 6)));
        Assert.Equal(500_000, summary.AreaM2, 6);
    }

    [Fact]
    public void polygons_that_only_share_an_edge_are_not_in_conflict()
    {
        var plan = Plan(
            [("u1", "POLYGON ((1000 1000, 3000 1000, 3000 3000, 1000 3000, 1000 1000))", null)],
            [("f1", "POLYGON ((3000 1000, 4000 1000, 4000 3000, 3000 3000, 3000 1000))", null)]);

        var summary = Assert.Single(Detect(plan).Rules);

        Assert.Equal((0, 0), (summary.Patches, summary.Slivers));
    }

    [Fact]
    public void the_same_plan_gives_the_same_patches_with_the_same_ids_in_the_same_order()
    {
        (string, string, JsonObject?)[] urban = [("u1", "POLYGON ((9000 1000, 11000 1000, 11000 3000, 9000 3000, 9000 1000))", null), ("u2", "POLYGON ((15000 6000, 17000 6000, 17000 8000, 15000 8000, 15000 6000))", null)];
        (string, string, JsonObject?)[] farmland = [("f1", "POLYGON ((8000 2000, 12500 2000, 12500 5000, 8000 5000, 8000 2000))", null), ("f2", "POLYGON ((16000 7000, 18000 7000, 18000 9000, 16000 9000, 16000 7000))", null)];

        var first = Detect(Plan(urban, farmland)).Patches.Select(p => p.Id).ToList();
        var second = Detect(Plan([.. urban.Reverse()], [.. farmland.Reverse()])).Patches.Select(p => p.Id).ToList();

        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(3, first.Distinct().Count());
    }

    [Fact]
    public void changing_one_feature_changes_the_ids_of_its_patches_and_no_others()
    {
        (string, string, JsonObject?) u1 = ("u1", "POLYGON ((9000 1000, 11000 1000, 11000 3000, 9000 3000, 9000 1000))", null);
        (string, string, JsonObject?) f2 = ("f2", "POLYGON ((16000 7000, 18000 7000, 18000 9000, 16000 9000, 16000 7000))", null);
        (string, string, JsonObject?) u2 = ("u2", "POLYGON ((15000 6000, 17000 6000, 17000 8000, 15000 8000, 15000 6000))", null);
        (string, string, JsonObject?) u2Moved = ("u2", "POLYGON ((15100 6000, 17100 6000, 17100 8000, 15100 8000, 15100 6000))", null);
        (string, string, JsonObject?) f1 = ("f1", "POLYGON ((8000 2000, 12500 2000, 12500 5000, 8000 5000, 8000 2000))", null);
        (string, string, JsonObject?) f1Renamed = ("f1", f1.Item2, new JsonObject { ["note"] = "re-surveyed" });

        var before = Detect(Plan([u1, u2], [f1, f2])).Patches.ToDictionary(p => (p.FeatureA, p.FeatureB, p.County), p => p.Id);
        var moved = Detect(Plan([u1, u2Moved], [f1, f2])).Patches.ToDictionary(p => (p.FeatureA, p.FeatureB, p.County), p => p.Id);
        var relabelled = Detect(Plan([u1, u2], [f1Renamed, f2])).Patches.ToDictionary(p => (p.FeatureA, p.FeatureB, p.County), p => p.Id);

        Assert.Equal(before.Keys.Order(), moved.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Key.FeatureA == "u2", kv.Value != moved[kv.Key]));
        Assert.All(before, kv => Assert.Equal(kv.Key.FeatureB == "f1", kv.Value != relabelled[kv.Key]));
    }

    [Fact]
    public void a_rule_naming_a_kind_the_version_lacks_is_not_applicable_and_says_which()
    {
        var plan = Plan([("u1", "POLYGON ((1000 1000, 3000 1000, 3000 3000, 1000 3000, 1000 1000))", null)], []);
        var flood = new ConflictRule("C7", "urban in flood zone", "test", "control:urban-boundary", "sector:flood-zone", 0, 100, 0, "medium", null);

        var summary = Assert.Single(Detect(plan, flood).Rules);

        Assert.False(summary.Applicable);
        Assert.Contains("sector:flood-zone", summary.Note, StringComparison.Ordinal);
        Assert.DoesNotContain("control:urban-boundary", summary.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void a_distance_rule_lists_the_part_of_a_that_lies_within_the_distance_of_b()
    {
        var plan = Plan(
            [("u1", "POLYGON ((1000 1000, 3000 1000, 3000 3000, 1000 3000, 1000 1000))", null)],
            [("f1", "POLYGON ((3050 1000, 4000 1000, 4000 3000, 3050 3000, 3050 1000))", null)]);

        var patch = Assert.Single(Detect(plan, Rule(withinM: 100)).Patches);

        // A 50 m strip of u1 along its east edge; the buffer's rounded corners lie outside u1.
        Assert.Equal(50 * 2000, patch.AreaM2!.Value, 3);
    }

    [Fact]
    public void a_feature_stating_the_rules_exemption_gives_an_exempt_patch_with_its_reason()
    {
        var plan = Plan(
            [("u1", "POLYGON ((1000 1000, 3000 1000, 3000 3000, 1000 3000, 1000 1000))", new JsonObject { ["exemption"] = "State Council approval 2026-7" })],
            [("f1", "POLYGON ((2000 1000, 4000 1000, 4000 3000, 2000 3000, 2000 1000))", null)]);

        var patch = Assert.Single(Detect(plan, Rule(exemption: "exemption")).Patches);

        Assert.Equal((ConflictStatus.Exempt, "State Council approval 2026-7"), (patch.Status, patch.Reason));
    }
}
