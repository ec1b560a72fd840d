using NetTopologySuite.Algorithm.Locate;
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
    private readonly IndexedPointInAreaLocator _locator;

    public BoundaryIndex(Geometry polygonal)
    {
        var bounds = new List<double>();
        for (var g = 0; g < polygonal.NumGeometries; g++)
        {
            if (polygonal.GetGeometryN(g) is not Polygon polygon)
            {
                continue;
            }

            AddRuns(polygon.Shell.CoordinateSequence, bounds);
            foreach (var hole in polygon.Holes)
            {
                AddRuns(hole.CoordinateSequence, bounds);
            }
        }

        _runs = new PackedRTree(bounds.ToArray());
        _locator = new IndexedPointInAreaLocator(polygonal);

        // The locator builds its index on first use; do it here so that concurrent checks only read.
        _locator.Locate(polygonal.EnvelopeInternal.Centre);
    }

    private static void AddRuns(CoordinateSequence ring, List<double> bounds)
    {
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

            bounds.AddRange([minX, minY, maxX, maxY]);
        }
    }

    /// <summary>Whether some boundary run's envelope meets <paramref name="envelope"/>; false proves the boundary stays outside it.</summary>
    public bool Meets(Envelope envelope) => _runs.Any(envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY);

    public Location Locate(Coordinate point) => _locator.Locate(point);
}
