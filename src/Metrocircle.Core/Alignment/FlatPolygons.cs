using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// A Polygon or MultiPolygon as flat x, y pairs: each ring without its closing point, each polygon's shell first and
/// then its holes. Read once per check so that clipping it against many parcels walks one array instead of calling
/// through coordinate sequences.
/// </summary>
internal sealed class FlatPolygons
{
    private readonly double[] _xy;
    private readonly int[] _ringStart;
    private readonly int[] _polygonStart;

    private FlatPolygons(double[] xy, int[] ringStart, int[] polygonStart)
    {
        _xy = xy;
        _ringStart = ringStart;
        _polygonStart = polygonStart;
    }

    public int PolygonCount => _polygonStart.Length - 1;

    /// <summary>Every vertex as x, y pairs; holes lie inside their shells, so these span the same hull as the shells.</summary>
    public ReadOnlySpan<double> Vertices => _xy;

    /// <summary>The rings [first, end) of polygon <paramref name="polygon"/>; the first is its shell.</summary>
    public (int First, int End) Rings(int polygon) => (_polygonStart[polygon], _polygonStart[polygon + 1]);

    public ReadOnlySpan<double> Ring(int ring) => _xy.AsSpan(_ringStart[ring], _ringStart[ring + 1] - _ringStart[ring]);

    /// <summary>The rings of a polygonal geometry; null for any other type or an empty one.</summary>
    public static FlatPolygons? From(Geometry geometry)
    {
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            return null;
        }

        // Sized up front (each ring loses its closing point): a check reads one footprint, so this is per check.
        var rings = 0;
        var polygons = 0;
        for (var g = 0; g < geometry.NumGeometries; g++)
        {
            if (geometry.GetGeometryN(g) is Polygon { IsEmpty: false } polygon)
            {
                rings += 1 + polygon.NumInteriorRings;
                polygons++;
            }
        }

        var xy = new double[2 * (geometry.NumPoints - rings)];
        var ringStart = new int[rings + 1];
        var polygonStart = new int[polygons + 1];
        var (r, p, at) = (0, 0, 0);
        for (var g = 0; g < geometry.NumGeometries; g++)
        {
            if (geometry.GetGeometryN(g) is not Polygon { IsEmpty: false } polygon)
            {
                continue;
            }

            polygonStart[p++] = r;
            at = Add(polygon.Shell.CoordinateSequence, xy, at);
            ringStart[++r] = at;
            for (var h = 0; h < polygon.NumInteriorRings; h++)
            {
                at = Add(polygon.GetInteriorRingN(h).CoordinateSequence, xy, at);
                ringStart[++r] = at;
            }
        }

        polygonStart[p] = r;
        return new FlatPolygons(xy, ringStart, polygonStart);
    }

    private static int Add(CoordinateSequence ring, double[] xy, int at)
    {
        for (var i = 0; i < ring.Count - 1; i++)
        {
            xy[at++] = ring.GetX(i);
            xy[at++] = ring.GetY(i);
        }

        return at;
    }

    /// <summary>
    /// The convex hull of the vertices, counter-clockwise without the closing point (Andrew's monotone chain), or
    /// null when it has no area. Anything apart from the hull is apart from the polygons.
    /// </summary>
    public double[]? ConvexHull()
    {
        // Scratch on the stack for a footprint's few dozen vertices: this runs once per check.
        var n = _xy.Length / 2;
        var points = n <= 256 ? stackalloc (double X, double Y)[n] : new (double X, double Y)[n];
        for (var i = 0; i < n; i++)
        {
            points[i] = (_xy[2 * i], _xy[(2 * i) + 1]);
        }

        points.Sort();
        var hull = n <= 128 ? stackalloc (double X, double Y)[2 * n] : new (double X, double Y)[2 * n];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], points[i]) <= 0)
            {
                k--;
            }

            hull[k++] = points[i];
        }

        for (int i = n - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], points[i]) <= 0)
            {
                k--;
            }

            hull[k++] = points[i];
        }

        // The chain ends where it began; drop the repeat.
        k--;
        if (k < 3)
        {
            return null;
        }

        var result = new double[2 * k];
        for (var i = 0; i < k; i++)
        {
            (result[2 * i], result[(2 * i) + 1]) = hull[i];
        }

        return result;
    }

    private static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
        ((a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (b.X - o.X));
}
