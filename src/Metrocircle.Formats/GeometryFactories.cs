using NetTopologySuite.Geometries;

namespace Metrocircle.Formats;

internal static class GeometryFactories
{
    /// <summary>Full double precision, SRID 4326: what every reader hands on after any transformation.</summary>
    public static readonly GeometryFactory LonLat = new(new PrecisionModel(), 4326);
}
