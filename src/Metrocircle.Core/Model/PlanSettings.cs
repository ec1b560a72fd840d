using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Core.Model;

/// <summary>
/// Settings stored with each plan version as a record layer: the equal-area projection for areas and lengths, and
/// the distance within which a footprint merely touching a feature is not counted as overlapping it.
/// </summary>
public sealed record PlanSettings(EqualAreaProjection Projection, double EdgeToleranceM)
{
    public const string LayerId = "settings";
    public const string FeatureId = "analysis";
    public const double DefaultEdgeToleranceM = 1.0;

    public static PlanFeature ToFeature(EqualAreaProjection projection, double edgeToleranceM) => new(LayerId, FeatureId, null, new JsonObject
    {
        ["equalAreaProj4"] = projection.Proj4,
        ["lat0"] = projection.Lat0,
        ["lon0"] = projection.Lon0,
        ["lat1"] = projection.Lat1,
        ["lat2"] = projection.Lat2,
        ["edgeToleranceM"] = edgeToleranceM,
    }, new Provenance("dataset.json", Certainty.Confirmed));

    public static PlanSettings FromFeature(PlanFeature feature)
    {
        double Get(string name) => feature.Properties[name]?.GetValue<double>()
            ?? throw new InvalidOperationException($"plan settings lack \"{name}\"");
        return new PlanSettings(new EqualAreaProjection(Get("lat0"), Get("lon0"), Get("lat1"), Get("lat2")),
            feature.Properties["edgeToleranceM"]?.GetValue<double>() ?? DefaultEdgeToleranceM);
    }
}
