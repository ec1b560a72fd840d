using NetTopologySuite.Geometries;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// The embedded store reports layer extents from its R*Tree, whose 32-bit boxes are widened outward with SQLite's own
/// rule (rtreeValueDown/rtreeValueUp in sqlite3 rtree.c). The same widening here makes <c>/collections</c> identical on
/// both engines; an extent is an outer bound either way, a few metres wider than the exact one at most.
/// </summary>
internal static class ExtentRounding
{
    private const double Towards = 1.0 - (1.0 / 8388608.0);
    private const double Away = 1.0 + (1.0 / 8388608.0);

    public static Envelope Widen(double minX, double maxX, double minY, double maxY) => new(Down(minX), Up(maxX), Down(minY), Up(maxY));

    private static double Down(double d)
    {
        var f = (float)d;
        return f > d ? (float)(d * (d < 0 ? Away : Towards)) : f;
    }

    private static double Up(double d)
    {
        var f = (float)d;
        return f < d ? (float)(d * (d < 0 ? Towards : Away)) : f;
    }
}
