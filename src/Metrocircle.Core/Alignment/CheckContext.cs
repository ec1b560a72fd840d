using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Alignment;

/// <summary>A feature the footprint overlaps, with the overlap area in square metres.</summary>
public sealed record LayerHit(SnapshotLayer Layer, SnapshotFeature Feature, double AreaM2);

/// <summary>
/// The footprint against one snapshot: computes, once per layer and lazily, which features it overlaps and which
/// it only touches within the edge tolerance. Not thread-safe; one per check.
/// </summary>
public sealed class CheckContext
{
    private readonly Dictionary<SnapshotLayer, (List<LayerHit> Hits, List<SnapshotFeature> Edges)> _byLayer = [];
    // Below this mean width a clipped area is too close to rounding noise to call an overlap without the overlay.
    private const double MinClipWidthM = 1e-6;
    private IPreparedGeometry? _prepared;
    private double[]? _hull;
    private bool _hullKnown;

    public CheckContext(PlanSnapshot snapshot, Footprint footprint)
    {
        Snapshot = snapshot;
        Footprint = footprint;
        AreaM2 = footprint.Metric.Area;
    }

    public PlanSnapshot Snapshot { get; }

    public Footprint Footprint { get; }

    public double AreaM2 { get; }

    private IPreparedGeometry Prepared => _prepared ??= PreparedGeometryFactory.Prepare(Footprint.Metric);

    /// <summary>The footprint's ring when it is a convex polygon (most sites are rectangles): features are then clipped by it.</summary>
    private double[]? FootprintHull
    {
        get
        {
            if (!_hullKnown)
            {
                _hull = ConvexClip.ConvexRing(Footprint.Metric);
                _hullKnown = true;
            }

            return _hull;
        }
    }

    public IReadOnlyList<LayerHit> Hits(SnapshotLayer layer) => Compute(layer).Hits;

    public IReadOnlyList<SnapshotFeature> EdgeContacts(SnapshotLayer layer) => Compute(layer).Edges;

    public IEnumerable<LayerHit> HitsOfKind(string kind) => Snapshot.OfKind(kind).SelectMany(Hits);

    /// <summary>
    /// Overlap area with a set of hits as the sum over features, as PostGIS's Σ ST_Area(ST_Intersection) gives it;
    /// features of one control layer do not overlap each other, so the sum is the covered area. Capped at the footprint.
    /// </summary>
    public double CoveredM2(IEnumerable<LayerHit> hits) => Math.Min(AreaM2, hits.Sum(h => h.AreaM2));

    private (List<LayerHit> Hits, List<SnapshotFeature> Edges) Compute(SnapshotLayer layer)
    {
        if (_byLayer.TryGetValue(layer, out var cached))
        {
            return cached;
        }

        var hits = new List<LayerHit>();
        var edges = new List<SnapshotFeature>();
        var footprint = Footprint.Metric;
        var tolerance = Snapshot.Settings.EdgeToleranceM;
        var search = footprint.EnvelopeInternal.Copy();
        search.ExpandBy(tolerance);
        // Farther apart than this along a separating side: neither an overlap nor an edge contact.
        var gap = tolerance + MinClipWidthM;
        foreach (var feature in layer.Candidates(search))
        {
            double area;
            Geometry? intersection = null;
            if (feature.Prepared is { } complex)
            {
                if (feature.Boundary is { } boundary && !boundary.Meets(search))
                {
                    // The boundary keeps clear of the footprint's envelope and the tolerance around it: the footprint
                    // is wholly inside (covered) or wholly outside (farther than the tolerance), and one point says which.
                    if (boundary.Locate(footprint.Coordinate) == Location.Interior)
                    {
                        hits.Add(new LayerHit(layer, feature, AreaM2));
                    }

                    continue;
                }

                if (complex.Covers(footprint))
                {
                    area = AreaM2;
                }
                else if (!complex.Intersects(footprint))
                {
                    // Within distance 0 is intersecting, which it is not: skip the distance with tolerance 0.
                    if (tolerance > 0 && feature.IsWithinDistance(footprint, tolerance))
                    {
                        edges.Add(feature);
                    }

                    continue;
                }
                else if (FootprintHull is { } hull && ClippedArea(feature.Metric, hull, tolerance) is { } clipped)
                {
                    hits.Add(new LayerHit(layer, feature, clipped));
                    continue;
                }
                else
                {
                    intersection = OverlayNGRobust.Overlay(footprint, feature.Metric, SpatialFunction.Intersection);
                    area = intersection.Area;
                }
            }
            else
            {
                var convex = feature.ConvexRing;
                if ((convex is not null && ConvexClip.Separated(footprint, convex, gap))
                    || (FootprintHull is { } apart && ConvexClip.Separated(feature.Metric, apart, gap)))
                {
                    continue;
                }

                var clipped = convex is not null ? ClippedArea(footprint, convex, tolerance)
                    : FootprintHull is { } hull ? ClippedArea(feature.Metric, hull, tolerance)
                    : null;
                if (clipped is { } certain)
                {
                    hits.Add(new LayerHit(layer, feature, certain));
                    continue;
                }

                if (!Prepared.Intersects(feature.Metric))
                {
                    // A neighbour a hair's breadth away (rounding of a shared edge) is an edge contact too.
                    if (tolerance > 0 && feature.IsWithinDistance(footprint, tolerance))
                    {
                        edges.Add(feature);
                    }

                    continue;
                }

                if (Prepared.Covers(feature.Metric))
                {
                    area = feature.Area;
                }
                else
                {
                    intersection = OverlayNGRobust.Overlay(footprint, feature.Metric, SpatialFunction.Intersection);
                    area = intersection.Area;
                }
            }

            if (intersection is not null && IsEdgeOnly(intersection, area))
            {
                edges.Add(feature);
                continue;
            }

            hits.Add(new LayerHit(layer, feature, area));
        }

        return _byLayer[layer] = (hits, edges);
    }

    /// <summary>
    /// The overlap of a polygonal geometry with a convex ring (a convex feature, or the footprint when it is convex)
    /// by clipping, when it is certainly wider than the tolerance: the clipped
    /// rings are at least as long as the intersection's boundary, so 2 × area / (their length) ≥ tolerance proves
    /// the mean width the overlay would measure is ≥ tolerance too. Otherwise (near misses, touching, slivers) null,
    /// and the overlay decides as for any other feature.
    /// </summary>
    private static double? ClippedArea(Geometry subject, double[] convex, double tolerance)
    {
        var (area, perimeter) = ConvexClip.Intersection(subject, convex);
        return area > 0 && 2 * area >= Math.Max(tolerance, MinClipWidthM) * perimeter ? area : null;
    }
    /// <summary>
    /// An intersection whose mean width (2 × area / perimeter) is below the tolerance is a shared edge or a sliver
    /// from digitising, not a conflict.
    /// </summary>
    private bool IsEdgeOnly(Geometry intersection, double area)
    {
        if (area <= 0)
        {
            return true;
        }

        var perimeter = intersection.Length;
        return perimeter > 0 && 2 * area / perimeter < Snapshot.Settings.EdgeToleranceM;
    }

    /// <summary>Jurisdictions (of the finest jurisdiction layer) the footprint lies in, with the level property asked for.</summary>
    public IEnumerable<string> DistinctJurisdictionValues(string property) =>
        Snapshot.Jurisdictions is null
            ? []
            : Hits(Snapshot.Jurisdictions).Select(h => h.Feature.Text(property)).OfType<string>().Distinct(StringComparer.Ordinal);

    public static bool IsKind(PlanLayer layer, string kind) => layer.Kind == kind || layer.Kind.StartsWith(kind + ":", StringComparison.Ordinal);
}
