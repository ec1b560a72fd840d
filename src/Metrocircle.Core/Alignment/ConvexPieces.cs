using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate.Polygon;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// A simple polygonal feature that is not convex (a parcel cut by a county line, a red-line blob) as convex pieces —
/// the triangles of an ear-clipping triangulation on its own vertices — so that its overlap with a footprint is the
/// sum of clipped areas instead of an overlay. The pieces tile the feature exactly: their union is the feature and
/// they meet only along diagonals, so areas add up and a footprint apart from every piece is apart from the feature.
/// </summary>
internal static class ConvexPieces
{
    /// <summary>
    /// Counter-clockwise rings (x, y pairs, no closing point) of the pieces, or null when the geometry cannot be
    /// split safely (triangulation fails, or the pieces' area differs from the feature's): the overlay decides then.
    /// </summary>
    public static List<double[]>? Of(Geometry polygonal)
    {
        if (polygonal is not (Polygon or MultiPolygon) || polygonal.IsEmpty)
        {
            return null;
        }

        try
        {
            var pieces = new List<double[]>();
            var area = 0.0;
            for (var g = 0; g < polygonal.NumGeometries; g++)
            {
                var triangles = PolygonTriangulator.Triangulate(polygonal.GetGeometryN(g));
                for (var t = 0; t < triangles.NumGeometries; t++)
                {
                    var ring = ((Polygon)triangles.GetGeometryN(t)).Shell.CoordinateSequence;
                    if (ring.Count != 4)
                    {
                        return null;
                    }

                    double ax = ring.GetX(0), ay = ring.GetY(0), bx = ring.GetX(1), by = ring.GetY(1), cx = ring.GetX(2), cy = ring.GetY(2);
                    var twice = ((bx - ax) * (cy - ay)) - ((by - ay) * (cx - ax));
                    area += Math.Abs(twice) / 2;
                    pieces.Add(twice >= 0 ? [ax, ay, bx, by, cx, cy] : [ax, ay, cx, cy, bx, by]);
                }
            }

            // A safety net, not a tolerance on answers: pieces that do not account for the area are not used at all.
            return Math.Abs(area - polygonal.Area) <= 1e-9 * Math.Max(1, polygonal.Area) ? pieces : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NetTopologySuite.Geometries.TopologyException)
        {
            return null;
        }
    }
}
