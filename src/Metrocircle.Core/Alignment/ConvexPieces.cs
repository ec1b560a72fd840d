using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate.Polygon;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// A simple polygonal feature that is not convex (a parcel cut by a county line, a red-line blob) as convex pieces,
/// so that its overlap with a footprint is the sum of clipped areas instead of an overlay. The pieces are the
/// triangles of an ear-clipping triangulation on the feature's own vertices, merged across every diagonal whose
/// removal leaves both its ends convex (Hertel–Mehlhorn: at most 2r + 1 pieces for r reflex vertices, within four
/// times the fewest possible). A nearly convex parcel with one reflex vertex, the common concave case, is two
/// pieces rather than a triangle per vertex: less memory per parcel and fewer clips per check. The pieces tile the
/// feature exactly: their union is the feature and they meet only along diagonals, so areas add up and a footprint
/// apart from every piece is apart from the feature.
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
                    if (twice == 0)
                    {
                        // A flat triangle covers nothing, and its repeated or collinear points would only spoil a merge.
                        continue;
                    }

                    pieces.Add(twice >= 0 ? [ax, ay, bx, by, cx, cy] : [ax, ay, cx, cy, bx, by]);
                }
            }

            // A safety net, not a tolerance on answers: pieces that do not account for the area are not used at all.
            return Math.Abs(area - polygonal.Area) <= 1e-9 * Math.Max(1, polygonal.Area) ? Merged(pieces) : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NetTopologySuite.Geometries.TopologyException)
        {
            return null;
        }
    }

    /// <summary>
    /// Merges counter-clockwise convex pieces that share an edge (the same two points, in opposite directions) while
    /// the merged ring stays convex at both ends of that edge; a merge never makes another possible that was not, so
    /// one pass per piece over the others leaves only diagonals essential to a reflex vertex.
    /// </summary>
    private static List<double[]> Merged(List<double[]> pieces)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            for (var j = i + 1; j < pieces.Count; j++)
            {
                if (TryMerge(pieces[i], pieces[j]) is { } merged)
                {
                    pieces[i] = merged;
                    pieces.RemoveAt(j);
                    // The merged piece has new edges: look at every other piece again.
                    j = i;
                }
            }
        }

        return pieces;
    }

    // The union of two convex pieces across an edge they share, when it is convex; else null.
    private static double[]? TryMerge(double[] a, double[] b)
    {
        int na = a.Length / 2, nb = b.Length / 2;
        for (var k = 0; k < na; k++)
        {
            var k1 = (k + 1) % na;
            for (var m = 0; m < nb; m++)
            {
                var m1 = (m + 1) % nb;
                // Edge p -> q of a is q -> p of b.
                if (a[2 * k] != b[2 * m1] || a[(2 * k) + 1] != b[(2 * m1) + 1] || a[2 * k1] != b[2 * m] || a[(2 * k1) + 1] != b[(2 * m) + 1])
                {
                    continue;
                }

                // At p: a's vertex before p, then b's after p. At q: b's vertex before q, then a's after q.
                var beforeP = (k + na - 1) % na;
                var afterP = (m1 + 1) % nb;
                var beforeQ = (m + nb - 1) % nb;
                var afterQ = (k1 + 1) % na;
                if (Turn(a, beforeP, a, k, b, afterP) < 0 || Turn(b, beforeQ, a, k1, a, afterQ) < 0)
                {
                    return null;
                }

                // a from q round to p, then b's vertices strictly between p and q.
                var merged = new double[2 * (na + nb - 2)];
                var at = 0;
                for (var s = 0; s < na; s++)
                {
                    var v = (k1 + s) % na;
                    merged[at++] = a[2 * v];
                    merged[at++] = a[(2 * v) + 1];
                }

                for (var s = 0; s < nb - 2; s++)
                {
                    var v = (afterP + s) % nb;
                    merged[at++] = b[2 * v];
                    merged[at++] = b[(2 * v) + 1];
                }

                return merged;
            }
        }

        return null;
    }

    // The turn at the middle point, as ConvexClip.ConvexRing measures it: positive to the left, zero when straight on.
    private static double Turn(double[] r1, int i1, double[] r2, int i2, double[] r3, int i3)
    {
        double ux = r2[2 * i2] - r1[2 * i1], uy = r2[(2 * i2) + 1] - r1[(2 * i1) + 1];
        double vx = r3[2 * i3] - r2[2 * i2], vy = r3[(2 * i3) + 1] - r2[(2 * i2) + 1];
        return (ux * vy) - (uy * vx);
    }
}
