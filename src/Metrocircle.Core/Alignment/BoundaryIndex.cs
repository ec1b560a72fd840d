using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// For a complex polygonal feature (a county): an index of its boundary in runs of a few segments, and a point
/// locator. When no boundary run comes near a footprint's envelope, the footprint is wholly inside or wholly
/// outside, and one point decides which — the common case, answered without the prepared predicates.
/// </summary>
internal sealed class BoundaryIndex
{
    private readonly STRtree<FacetSequence> _boundary;
    private readonly IndexedPointInAreaLocator _locator;

    public BoundaryIndex(Geometry polygonal)
    {
        _boundary = FacetSequenceTreeBuilder.BuildSTRtree(polygonal);
        _locator = new IndexedPointInAreaLocator(polygonal);

        // The locator builds its index on first use; do it here so that concurrent checks only read.
        _locator.Locate(polygonal.EnvelopeInternal.Centre);
    }

    /// <summary>Whether some boundary run's envelope meets <paramref name="envelope"/>; false proves the boundary stays outside it.</summary>
    public bool Meets(Envelope envelope) => _boundary.Query(envelope).Count > 0;

    public Location Locate(Coordinate point) => _locator.Locate(point);
}
