using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Conflicts;

/// <summary>Rules narrowed to a category of a layer (whereA/whereB), rules over line layers, and statuses laid over detection; metric WKT.</summary>
public sealed class ConflictCategoryAndStatusTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanVersion Version = new("test@1", "test", 1, "test", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);
    private static readonly PlanSettings Settings = new(new EqualAreaProjection(38.5, 116.5, 36.5, 41.5), 1.0);

    private static SnapshotLayer Layer(string id, string kind, LayerGeometry geometry, params (string Id, string Wkt, JsonObject? Props)[] features) =>
        new(new PlanLayer(id, kind, id, id, id, geometry, 1, []), features.Select(f => new SnapshotFeature(f.Id, Wkt.Read(f.Wkt), f.Props ?? [])).ToList());

    private static PlanSnapshot Plan(params SnapshotLayer[] layers) => PlanSnapshot.FromProjected(Version, Settings,
    [
        Layer("counties", LayerKinds.Jurisdiction, LayerGeometry.Polygon,
            ("west", "POLYGON ((0 0, 10000 0, 10000 10000, 0 10000, 0 0))", new JsonObject { ["provinceId"] = Jurisdictions.Beijing }),
            ("east", "POLYGON ((10000 0, 20000 0, 20000 10000, 10000 10000, 10000 0))", new JsonObject { ["provinceId"] = Jurisdictions.Hebei })),
        Layer("redline", "control:ecological-redline", LayerGeometry.Polygon, ("r1", "POLYGON ((8000 1000, 12000 1000, 12000 5000, 8000 5000, 8000 1000))", null)),
        .. layers,
    ], []);

    private static ConflictRule Rule(string kindA, double minLengthM = 0) =>
        new("R", "t", "b", kindA, "control:ecological-redline", 0, 100, minLengthM, "high", "redlineExemption");

    private static ConflictRule Read(JsonObject props) =>
        Assert.Single(ConflictRule.Read([new PlanFeature(ConflictRule.LayerId, "R", null, props, new Provenance("test", Certainty.Indicative, "test"))]));

    [Fact]
    public void a_rule_with_where_a_counts_only_the_features_of_that_category()
    {
        var industry = Layer("industry", "sector:industry", LayerGeometry.Polygon,
            ("park", "POLYGON ((9000 2000, 9500 2000, 9500 2500, 9000 2500, 9000 2000))", new JsonObject { ["form"] = "park", ["level"] = 1 }),
            ("belt", "POLYGON ((9000 3000, 9500 3000, 9500 3500, 9000 3500, 9000 3000))", new JsonObject { ["form"] = "belt", ["level"] = 1 }),
            ("other-park", "POLYGON ((9000 4000, 9500 4000, 9500 4500, 9000 4500, 9000 4000))", new JsonObject { ["form"] = "park", ["level"] = 2 }));
        var rule = Rule("sector:industry") with { WhereA = new Dictionary<string, string> { ["form"] = "park", ["level"] = "1" } };

        var patch = Assert.Single(ConflictDetector.Detect(Plan(industry), [rule], TestContext.Current.CancellationToken).Patches);

        Assert.Equal(("park", 500.0 * 500), (patch.FeatureA, patch.AreaM2!.Value));
    }

    [Fact]
    public void where_filters_are_read_from_the_rule_record_and_a_filter_that_is_not_an_object_is_refused_with_the_field()
    {
        JsonObject Props(JsonNode? whereB) => new()
        {
            ["title"] = "t", ["basis"] = "b", ["kindA"] = "sector:industry", ["kindB"] = "sector:ecology", ["severity"] = "high",
            ["whereA"] = new JsonObject { ["form"] = "park" }, ["whereB"] = whereB,
        };

        var rule = Read(Props(new JsonObject { ["form"] = "corridor", ["protected"] = true }));
        Assert.Equal(new Dictionary<string, string> { ["form"] = "park" }, rule.WhereA);
        Assert.Equal(new Dictionary<string, string> { ["form"] = "corridor", ["protected"] = "true" }, rule.WhereB);

        var e = Assert.Throws<FormatException>(() => Read(Props("park")));
        Assert.Contains("conflict-rules/R: \"whereB\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_line_crossing_the_red_line_is_a_patch_per_county_measured_by_length_and_one_stating_the_exemption_is_exempt()
    {
        var transport = Layer("transport", "sector:transport", LayerGeometry.LineString,
            ("rail", "LINESTRING (7000 2000, 13000 2000)", new JsonObject { ["mode"] = "rail" }),
            ("road", "LINESTRING (7000 3000, 9000 3000)", new JsonObject { ["mode"] = "road", ["redlineExemption"] = "State Council 2025-12" }),
            ("short", "LINESTRING (11995 4000, 13000 4000)", new JsonObject { ["mode"] = "road" }));

        var report = ConflictDetector.Detect(Plan(), [Rule("sector:transport", minLengthM: 10)], [transport], TestContext.Current.CancellationToken);

        var rail = report.Patches.Where(p => p.FeatureA == "rail").OrderBy(p => p.County, StringComparer.Ordinal).ToList();
        Assert.Equal([("east", 2000.0), ("west", 2000.0)], rail.Select(p => (p.County!, Math.Round(p.LengthM!.Value, 6))));
        Assert.All(rail, p => Assert.Null(p.AreaM2));
        var road = Assert.Single(report.Patches, p => p.FeatureA == "road");
        Assert.Equal((ConflictStatus.Exempt, "State Council 2025-12", 1000.0), (road.Status, road.Reason, Math.Round(road.LengthM!.Value, 6)));
        Assert.DoesNotContain(report.Patches, p => p.FeatureA == "short");
        Assert.Equal(1, Assert.Single(report.Rules).Slivers);
    }

    [Fact]
    public void statuses_mark_accepted_open_patches_and_list_the_patches_an_amendment_removed_as_resolved_by_it()
    {
        var a = Patch("cp-a");
        var b = Patch("cp-b");
        var c = Patch("cp-c");
        var exempt = Patch("cp-x") with { Status = ConflictStatus.Exempt, Reason = "by law" };
        var accepted = new Dictionary<string, ConflictAcceptance>
        {
            ["cp-b"] = new("cp-b", "R", "kept on purpose", "office", DateTimeOffset.UnixEpoch, "test@1"),
            ["cp-x"] = new("cp-x", "R", "not for exempt ones", "office", DateTimeOffset.UnixEpoch, "test@1"),
        };

        var result = ConflictStatuses.Apply([b, c, exempt], [a, b, c, exempt], "am-1", accepted);

        Assert.Equal([("cp-b", ConflictStatus.Accepted, "kept on purpose", null), ("cp-c", ConflictStatus.Open, null, null), ("cp-x", ConflictStatus.Exempt, "by law", null),
            ("cp-a", ConflictStatus.Resolved, null, "am-1")], result.Select(p => (p.Id, p.Status, p.Reason, p.AmendmentId)));
        Assert.Equal(3, ConflictStatuses.Apply([b, c, exempt], [a, b], null, accepted).Count);
        var (created, resolved) = ConflictStatuses.Diff([a, b], [b, c]);
        Assert.Equal(["cp-c"], created.Select(p => p.Id));
        Assert.Equal(["cp-a"], resolved.Select(p => p.Id));
    }

    private static ConflictPatch Patch(string id) =>
        new(id, "R", "high", "l", id, "m", id, "west", Jurisdictions.Beijing, 1000, null, ConflictStatus.Open, null, null, Wkt.Read("POLYGON ((0 0, 1 0, 1 1, 0 0))"));
}
