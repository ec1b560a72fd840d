using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Alignment;

/// <summary>
/// A small plan in WKT: three counties (two in Beijing, one in Hebei), an urban boundary, a red-line patch, two
/// farmland parcels and a circle, checked with the rules and categories the default dataset ships.
/// </summary>
public static class TestPlan
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly EqualAreaProjection Projection = new(38.5, 116.5, 36.5, 41.5);
    private static readonly Lazy<PlanSnapshot> Lazy = new(Build);

    public static PlanSnapshot Snapshot => Lazy.Value;

    private static PlanLayer Layer(string id, string kind) => new(id, kind, id, id, id, LayerGeometry.Polygon, 1, []);

    private static PlanFeature F(string layer, string id, string wkt, JsonObject? props = null) =>
        new(layer, id, Wkt.Read(wkt), props ?? [], new Provenance("test", Certainty.Synthetic, "test"));

    private static JsonObject County(string name, string province, string provinceId) =>
        new() { ["name"] = name, ["nameZh"] = name, ["province"] = province, ["provinceId"] = provinceId };

    private static PlanSnapshot Build()
    {
        var folder = Metrocircle.Testing.TestPaths.Dataset();
        var rules = DatasetBuilder.ReadLayerFileAsync(Path.Combine(folder, "layers", "rules.json"), Projection, CancellationToken.None).GetAwaiter().GetResult();
        var categories = DatasetBuilder.ReadLayerFileAsync(Path.Combine(folder, "layers", "categories.json"), Projection, CancellationToken.None).GetAwaiter().GetResult();
        var settingsLayer = new PlanLayer(PlanSettings.LayerId, LayerKinds.Record, "s", "s", "s", LayerGeometry.None, 99, []);
        var layers = new List<PlanLayer>
        {
            Layer("counties", LayerKinds.Jurisdiction),
            Layer("circles", LayerKinds.Circle),
            Layer("urban-boundary", "control:urban-boundary"),
            Layer("ecological-redline", "control:ecological-redline"),
            Layer("permanent-farmland", "control:permanent-farmland"),
            rules.Layer,
            categories.Layer,
            settingsLayer,
        };
        var features = new List<PlanFeature>
        {
            F("counties", "110101", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))", County("东城区", "北京市", Jurisdictions.Beijing)),
            F("counties", "110112", "POLYGON ((116.5 39, 117 39, 117 39.5, 116.5 39.5, 116.5 39))", County("通州区", "北京市", Jurisdictions.Beijing)),
            F("counties", "131082", "POLYGON ((117 39, 117.5 39, 117.5 39.5, 117 39.5, 117 39))", County("三河市", "河北省", Jurisdictions.Hebei)),
            F("circles", "commuting", "POLYGON ((116 39, 117 39, 117 39.5, 116 39.5, 116 39))", new JsonObject { ["kind"] = "commuting", ["nameZh"] = "通勤圈" }),
            F("urban-boundary", "u1", "POLYGON ((116.1 39.1, 116.4 39.1, 116.4 39.4, 116.1 39.4, 116.1 39.1))"),
            F("ecological-redline", "e1", "POLYGON ((116.6 39.1, 116.7 39.1, 116.7 39.2, 116.6 39.2, 116.6 39.1))"),
            F("permanent-farmland", "f1", "POLYGON ((116.8 39.1, 116.85 39.1, 116.85 39.15, 116.8 39.15, 116.8 39.1))"),
            F("permanent-farmland", "f2", "POLYGON ((116.85 39.1, 116.9 39.1, 116.9 39.15, 116.85 39.15, 116.85 39.1))"),
            PlanSettings.ToFeature(Projection, 1.0),
        };
        features.AddRange(rules.Features);
        features.AddRange(categories.Features);
        var version = new PlanVersion("test@1", "test", 1, "test", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);
        return PlanSnapshot.Create(version, layers, features);
    }

    public static Verdict Check(string wkt, string category, double? bufferM = null)
    {
        var (footprint, problem) = Footprint.Create(Wkt.Read(wkt), category, bufferM, [], Snapshot);
        Assert.Null(problem);
        return AlignmentChecker.Check(Snapshot, footprint!);
    }

    public static FootprintProblem Problem(string? wkt, string? category, double? bufferM = null)
    {
        var (footprint, problem) = Footprint.Create(wkt is null ? null : Wkt.Read(wkt), category, bufferM, [], Snapshot);
        Assert.Null(footprint);
        return problem!;
    }

    public static RuleResult Rule(Verdict verdict, string id) => verdict.Rules.Single(r => r.Id == id);
}
