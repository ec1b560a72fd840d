using System.Text.Json.Nodes;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>
/// A small plan in lon/lat WKT for balance tests: two provinces side by side (Beijing west of 116.5°E, Hebei east),
/// a red-line patch and a farmland parcel in each, an urban boundary in Beijing; balanced with the shipped rules.
/// </summary>
internal static class BalancePlan
{
    public static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    public static readonly EqualAreaProjection Projection = new(38.5, 116.5, 36.5, 41.5);

    public static readonly BalanceRules Rules = BalanceRules.Read(DatasetBuilder.ReadLayerFileAsync(
        Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "balance-rules.json"), Projection, CancellationToken.None).GetAwaiter().GetResult().Features);

    public static readonly PlanFeature[] Provinces =
    [
        F("provinces", Jurisdictions.Beijing, "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))", new JsonObject { ["nameEn"] = "Beijing", ["level"] = "province" }),
        F("provinces", Jurisdictions.Hebei, "POLYGON ((116.5 39, 117 39, 117 39.5, 116.5 39.5, 116.5 39))", new JsonObject { ["nameEn"] = "Hebei", ["level"] = "province" }),
    ];

    public static PlanFeature F(string layer, string id, string wkt, JsonObject? props = null) =>
        new(layer, id, Wkt.Read(wkt), props ?? [], new Provenance("test", Certainty.Synthetic, "test"));

    /// <summary>A square of <paramref name="size"/> degrees with its south-west corner at (lon, lat).</summary>
    public static string Square(double lon, double lat, double size = 0.02) => FormattableString.Invariant(
        $"POLYGON (({lon} {lat}, {lon + size} {lat}, {lon + size} {lat + size}, {lon} {lat + size}, {lon} {lat}))");

    public static PlanFeature Farmland(string id, string wkt, int? grade = null) =>
        F("permanent-farmland", id, wkt, grade is { } g ? new JsonObject { ["grade"] = g } : null);

    public static BalanceLayer[] Layers(int? farmlandGrade = null) =>
    [
        new(new PlanLayer("ecological-redline", "control:ecological-redline", "r", "r", "r", LayerGeometry.Polygon, 1, []),
            [F("ecological-redline", "e1", Square(116.1, 39.1)), F("ecological-redline", "e2", Square(116.6, 39.1))]),
        new(new PlanLayer("permanent-farmland", "control:permanent-farmland", "f", "f", "f", LayerGeometry.Polygon, 1, []),
            [Farmland("f1", Square(116.1, 39.3), farmlandGrade), Farmland("f2", Square(116.6, 39.3), farmlandGrade)]),
        new(new PlanLayer("urban-boundary", "control:urban-boundary", "u", "u", "u", LayerGeometry.Polygon, 1, []),
            [F("urban-boundary", "u1", Square(116.2, 39.2, 0.05))]),
    ];

    public static BalanceSheet Evaluate(params FeatureChange[] changes) => Evaluate(Layers(), changes);

    public static BalanceSheet Evaluate(BalanceLayer[] layers, params FeatureChange[] changes) =>
        BalanceEvaluator.Evaluate(Rules, new BalanceInput(layers, Provinces, changes, Projection));

    public static FeatureChange Add(PlanFeature f) => new(ChangeOp.Add, f.LayerId, f.Id, f);

    public static FeatureChange Change(PlanFeature f) => new(ChangeOp.Change, f.LayerId, f.Id, f);

    public static FeatureChange Retire(string layer, string id) => new(ChangeOp.Retire, layer, id, null);
}
