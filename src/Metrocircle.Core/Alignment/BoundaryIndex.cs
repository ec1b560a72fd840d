using Metrocircle.Core.Spatial;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// For a complex polygonal feature (a county): an index of its boundary in runs of a few segments, and a point
/// locator. When no boundary run comes near a footprint's envelope, the footprint is wholly inside or wholly
/// outside, and one point decides which — the common case, answered without the prepared predicates.
/// </summary>
internal sealed class BoundaryIndex
{
    // Short runs keep a run's box close to its segments, so a footprint near (but clear of) the line is rarely
    // sent to the prepared predicates; the tree's query stops at the first run that meets the box.
    private const int SegmentsPerRun = 4;
    private readonly PackedRTree _runs;

    // The point locator: every segment (x1, y1, x2, y2) filed under each horizontal band its y-range spans, so a
    // ray from the point crosses only segments of its own band. NTS's IndexedPointInAreaLocator answers the same by
    // an interval tree of node objects and a visitor per call, which was the larger part of a county test.
    private readonly double _minY;
    private readonly double _bandHeight;
    private readonly int[] _bandStart;
    private readonly double[] _segments;
    private readonly Envelope _extent;

    public BoundaryIndex(Geometry polygonal)
    {
        var runs = new List<double>();
        var segments = new List<(double X1, double Y1, double X2, double Y2)>();
        for (var g = 0; g < polygonal.NumGeometries; g++)
        {
            if (polygonal.GetGeometryN(g) is not Polygon polygon)
            {
                continue;
            }

            Add(polygon.Shell.CoordinateSequence, runs, segments);
            foreach (var hole in polygon.Holes)
            {
                Add(hole.CoordinateSequence, runs, segments);
            }
        }

        _runs = new PackedRTree(runs.ToArray());
        _extent = polygonal.EnvelopeInternal;
        _minY = _extent.MinY;
        var bands = Math.Clamp(segments.Count / 4, 1, 4096);
        _bandHeight = Math.Max(_extent.Height / bands, double.Epsilon);
        var counts = new int[bands + 1];
        foreach (var s in segments)
        {
            var (first, last) = Bands(s.Y1, s.Y2, bands);
            for (var b = first; b <= last; b++)
            {
                counts[b + 1]++;
            }
        }

        for (var b = 0; b < bands; b++)
        {
            counts[b + 1] += counts[b];
        }

        _bandStart = counts;
        _segments = new double[4 * counts[bands]];
        var fill = counts[..bands];
        foreach (var s in segments)
        {
            var (first, last) = Bands(s.Y1, s.Y2, bands);
            for (var b = first; b <= last; b++)
            {
                var o = 4 * fill[b]++;
                (_segments[o], _segments[o + 1], _segments[o + 2], _segments[o + 3]) = s;
            }
        }
    }

    private (int First, int Last) Bands(double y1, double y2, int bands) =>
        (Band(Math.Min(y1, y2), bands), Band(Math.Max(y1, y2), bands));

    private int Band(double y, int bands) => Math.Clamp((int)Math.Floor((y - _minY) / _bandHeight), 0, bands - 1);

    private static void Add(CoordinateSequence ring, List<double> runs, List<(double, double, double, double)> segments)
    {
        for (var i = 0; i + 1 < ring.Count; i++)
        {
            segments.Add((ring.GetX(i), ring.GetY(i), ring.GetX(i + 1), ring.GetY(i + 1)));
        }

        for (var start = 0; start < ring.Count - 1; start += SegmentsPerRun)
        {
            double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
            for (var i = start; i <= Math.Min(start + SegmentsPerRun, ring.Count - 1); i++)
            {
                minX = Math.Min(minX, ring.GetX(i));
                minY = Math.Min(minY, ring.GetY(i));
                maxX = Math.Max(maxX, ring.GetX(i));
                maxY = Math.Max(maxY, ring.GetY(i));
            }

            runs.AddRange([minX, minY, maxX, maxY]);
        }
    }

    /// <summary>Whether some boundary run's envelope meets <paramref name="envelope"/> (or comes within float rounding of it); false proves the boundary stays outside it.</summary>
    public bool Meets(Envelope envelope) => _runs.Any(envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY);

    /// <summary>
    /// Interior or exterior of a point off the boundary (callers ask only where <see cref="Meets"/> proved the boundary
    /// clear of the point), by the parity of boundary crossings of a ray towards +x, as NTS's locators count them.
    /// </summary>
    public Location Locate(Coordinate point) => Locate(point.X, point.Y);

    /// <summary>
    /// Whether some vertex (x, y pairs) lies inside: then the geometry of those vertices intersects the feature. A
    /// vertex on the boundary may come out either way, and it intersects too, so a true answer is always right.
    /// </summary>
    public bool AnyInside(ReadOnlySpan<double> vertices)
    {
        for (var i = 0; i < vertices.Length; i += 2)
        {
            if (Locate(vertices[i], vertices[i + 1]) == Location.Interior)
            {
                return true;
            }
        }

        return false;
    }

    private Location Locate(double x, double y)
    {
        if (!_extent.Contains(x, y))
        {
            return Location.Exterior;
        }

        var band = Band(y, _bandStart.Length - 1);
        var crossings = 0;
        var segments = _segments;
        for (int i = 4 * _bandStart[band], end = 4 * _bandStart[band + 1]; i < end; i += 4)
        {
            double x1 = segments[i], y1 = segments[i + 1], x2 = segments[i + 2], y2 = segments[i + 3];

            // Half-open in y, so a ray through a vertex counts it once.
            if ((y1 > y) == (y2 > y) || (x1 <= x && x2 <= x))
            {
                continue;
            }

            // The segment crosses the ray's line; it crosses the ray if the point lies on its left going up (or its
            // right going down). The determinant's sign is exact unless it is within rounding of zero, where NTS's
            // robust orientation decides.
            double l = (x2 - x1) * (y - y1), r = (y2 - y1) * (x - x1);
            var det = l - r;
            var side = Math.Abs(det) > 1e-12 * (Math.Abs(l) + Math.Abs(r))
                ? Math.Sign(det)
                : (int)Orientation.Index(new Coordinate(x1, y1), new Coordinate(x2, y2), new Coordinate(x, y));
            if (y2 > y1 ? side > 0 : side < 0)
            {
                crossings++;
            }
        }

        return (crossings & 1) == 1 ? Location.Interior : Location.Exterior;
    }
}
