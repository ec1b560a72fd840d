using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Alignment;

public sealed class PlanSnapshotFromProjectedTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanVersion Version = new("metric@1", "metric", 1, "metric", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);

    private static List<PlanFeature> Records()
    {
        var folder = Metrocircle.Testing.TestPaths.Dataset();
        var projection = TestPlan.Snapshot.Projection;
        var records = new List<PlanFeature>();
        foreach (var name in new[] { "rules", "categories" })
        {
            records.AddRange(DatasetBuilder.ReadLayerFileAsync(Path.Combine(folder, "layers", name + ".json"), projection, CancellationToken.None).GetAwaiter().GetResult().Features);
        }

        return records;
    }

    private static SnapshotLayer Layer(string id, string kind, params (string Id, string Wkt)[] features) =>
        new(new PlanLayer(id, kind, id, id, id, LayerGeometry.Polygon, 1, []), features.Select(f => new SnapshotFeature(f.Id, Wkt.Read(f.Wkt), [])).ToList());

    [Fact]
    public void a_snapshot_of_already_projected_layers_gives_the_verdict_of_one_that_projects_lon_lat()
    {
        var projected = TestPlan.Snapshot;
        var copy = projected.Layers.Select(l => new SnapshotLayer(l.Layer, l.Features.Select(f => new SnapshotFeature(f.Id, f.Metric.Copy(), f.Properties)).ToList())).ToList();
        var snapshot = PlanSnapshot.FromProjected(projected.Version, projected.Settings, copy, Records());
        var site = Wkt.Read("POLYGON ((116.45 39.2, 116.55 39.2, 116.55 39.25, 116.45 39.25, 116.45 39.2))");
        var (footprint, problem) = Footprint.Create(site, "housing", null, [], snapshot);
        Assert.Null(problem);

        Assert.Equal(JsonSerializer.Serialize(TestPlan.Check(site.AsText(), "housing")), JsonSerializer.Serialize(AlignmentChecker.Check(snapshot, footprint!)));
        Assert.Equal(projected.RulesVersion, snapshot.RulesVersion);
        Assert.Equal(projected.PlanArea, snapshot.PlanArea);
    }

    [Fact]
    public void takes_metric_geometry_as_it_is_without_projecting_it_again()
    {
        var settings = new PlanSettings(TestPlan.Snapshot.Projection, 0);
        var farmland = Layer("permanent-farmland", "control:permanent-farmland",
            ("f1", "POLYGON ((0 0, 1000 0, 1000 1000, 0 1000, 0 0))"), ("f2", "POLYGON ((1000 0, 2000 0, 2000 1000, 1000 1000, 1000 0))"));
        var snapshot = PlanSnapshot.FromProjected(Version, settings, [farmland], Records());
        var metric = Wkt.Read("POLYGON ((750 250, 1250 250, 1250 750, 750 750, 750 250))");
        var ctx = new CheckContext(snapshot, new Footprint(metric, metric, "housing", null, [], "test"));

        var hits = ctx.Hits(farmland);
        Assert.Equal(["f1", "f2"], hits.Select(h => h.Feature.Id).Order());
        Assert.All(hits, h => Assert.Equal(125_000, h.AreaM2, 1e-6));
        Assert.Equal(250_000, ctx.CoveredM2(hits), 1e-6);
    }

    [Fact]
    public void refuses_a_malformed_rule_as_a_snapshot_built_from_lon_lat_does()
    {
        var rule = new PlanFeature("rules", "bad", null, new JsonObject { ["when"] = new JsonObject { ["nearby"] = true }, ["outcome"] = "warn" },
            new Provenance("test", Certainty.Synthetic, "test"));
        var e = Assert.Throws<FormatException>(() => PlanSnapshot.FromProjected(Version, new PlanSettings(TestPlan.Snapshot.Projection, 1), [], [rule]));
        Assert.Contains("unknown condition \"nearby\"", e.Message, StringComparison.Ordinal);
    }
}
