using Metrocircle.Core.Alignment;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Conflicts;

/// <summary>
/// The overlap of two features for a conflict rule. Tested through the prepared geometry of the more complex of the
/// two (an urban polygon or a red-line blob rather than a parcel, so a million parcels never carry one), and when it
/// covers the other feature the overlap is that feature as it is: most parcels that meet an urban boundary lie
/// wholly inside it, and for them no overlay is computed at all.
/// </summary>
internal static class ConflictOverlap
{
    /// <summary>The part of <paramref name="a"/> inside <paramref name="b"/>, or within <paramref name="withinM"/> of it, of <paramref name="a"/>'s dimension; null when there is none.</summary>
    public static Geometry? Of(SnapshotFeature a, SnapshotFeature b, double withinM)
    {
        // A parcel's geometry is decoded on each read: read each once.
        var (am, bm) = (a.Metric, b.Metric);
        if (withinM > 0)
        {
            if (!am.IsWithinDistance(bm, withinM))
            {
                return null;
            }

            return NonEmpty(Keep(OverlayNGRobust.Overlay(am, bm.Buffer(withinM), SpatialFunction.Intersection), am.Dimension));
        }

        var (big, _, smallMetric) = am.NumPoints >= bm.NumPoints ? (a, b, bm) : (b, a, am);
        var prepared = big.AnyPrepared;
        if (!prepared.Intersects(smallMetric))
        {
            return null;
        }

        if (prepared.Covers(smallMetric))
        {
            // The intersection is the smaller feature itself, kept in A's dimension as an overlay would.
            return NonEmpty(Keep(smallMetric, am.Dimension));
        }

        return NonEmpty(Keep(OverlayNGRobust.Overlay(am, bm, SpatialFunction.Intersection), am.Dimension));
    }

    /// <summary>The components of <paramref name="g"/> of the given dimension (an overlay of two polygons may add the edges and points where they only touch).</summary>
    internal static Geometry Keep(Geometry g, Dimension dimension)
    {
        if (g.Dimension == dimension && g is not GeometryCollection { GeometryType: "GeometryCollection" })
        {
            return g;
        }

        var parts = new List<Geometry>();
        for (var i = 0; i < g.NumGeometries; i++)
        {
            var part = g.GetGeometryN(i);
            if (part.Dimension == dimension && !part.IsEmpty)
            {
                parts.Add(part);
            }
        }

        return g.Factory.BuildGeometry(parts);
    }

    private static Geometry? NonEmpty(Geometry g) => g.IsEmpty ? null : g;
}
