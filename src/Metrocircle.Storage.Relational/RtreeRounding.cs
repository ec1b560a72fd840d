using NetTopologySuite.Geometries;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// SQLite's rtree module rounds a double to single precision outward, as rtreeValueDown/rtreeValueUp in rtree.c do:
/// the nearest float, or if that lies inside the box, the double nudged outward by 2^-23 of itself and rounded. The
/// embedded store's packed R*Tree writes boxes with it (bit-equal to what an INSERT would store), and the PostGIS
/// store widens its layer extents with it, so that <c>/collections</c> is identical on both engines (an extent is an
/// outer bound either way, a few metres wider than the exact one at most).
/// </summary>
internal static class RtreeRounding
{
    private const double Towards = 1.0 - (1.0 / 8388608.0);
    private const double Away = 1.0 + (1.0 / 8388608.0);

    public static float Down(double d)
    {
        var f = (float)d;
        return f > d ? (float)(d * (d < 0 ? Away : Towards)) : f;
    }

    public static float Up(double d)
    {
        var f = (float)d;
        return f < d ? (float)(d * (d < 0 ? Towards : Away)) : f;
    }

    /// <summary>An exact box widened as the R*Tree would store it.</summary>
    public static Envelope Widen(double minX, double maxX, double minY, double maxY) => new(Down(minX), Up(maxX), Down(minY), Up(maxY));
}
