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
    // A check asks about a handful of layers: a short list searched in order costs less than a dictionary.
    private readonly List<(SnapshotLayer Layer, List<LayerHit> Hits, List<SnapshotFeature> Edges)> _byLayer = new(4);
    // Below this mean width a clipped area is too close to rounding noise to call an overlap without the overlay.
    private const double MinClipWidthM = 1e-6;
    private IPreparedGeometry? _prepared;
    private double[]? _hull;
    private bool _hullKnown;
    private double? _area;
    private FlatPolygons? _flat;
    private double[]? _outline;
    private bool _flatKnown;

    // Tree slots of one query; per thread, since every check queries several layers and a batch runs millions.
    [ThreadStatic]
    private static List<int>? _slots;

    public CheckContext(PlanSnapshot snapshot, Footprint footprint)
    {
        Snapshot = snapshot;
        Footprint = footprint;
    }

    public PlanSnapshot Snapshot { get; }

    public Footprint Footprint { get; }

    public double AreaM2 => _area ??= Footprint.Metric.Area;

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

    /// <summary>The footprint's rings as flat arrays, and the convex hull around them, read once per check.</summary>
    private FlatPolygons? Flat
    {
        get
        {
            if (!_flatKnown)
            {
                _flat = FlatPolygons.From(Footprint.Metric);
                _outline = _flat?.ConvexHull();
                _flatKnown = true;
            }

            return _flat;
        }
    }

    /// <summary>The convex hull of the footprint (null if it has no area): a feature apart from it is apart from the footprint.</summary>
    private double[]? Outline => Flat is null ? null : _outline;

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
        foreach (var known in _byLayer)
        {
            if (known.Layer == layer)
            {
                return (known.Hits, known.Edges);
            }
        }

        var hits = new List<LayerHit>();
        var edges = new List<SnapshotFeature>();
        var footprint = Footprint.Metric;
        var tolerance = Snapshot.Settings.EdgeToleranceM;
        var search = footprint.EnvelopeInternal.Copy();
        search.ExpandBy(tolerance);
        // Farther apart than this along a separating side: neither an overlap nor an edge contact.
        var gap = tolerance + MinClipWidthM;
        var slots = Candidates(layer, search);
        for (var c = 0; c < slots.Count; c++)
        {
            var slot = slots[c];
            var count = layer.PieceCount(slot);
            if (count > 0 && Flat is { } flat)
            {
                // Convex pieces — one for a convex parcel, the common case — separated or clipped on the flat rings.
                // The feature object is not read unless it is a hit, which saves a cache miss per candidate over a
                // million parcels. Every piece apart by more than the gap: the feature is.
                var (clipped, bound, apart) = (0.0, 0.0, true);
                for (var q = 0; q < count; q++)
                {
                    var piece = layer.Piece(slot, q);
                    if (ConvexClip.Separated(flat.Vertices, piece, gap) || (Outline is { } around && ConvexClip.Separated(piece, around, gap)))
                    {
                        continue;
                    }

                    apart = false;
                    var (a, l) = ConvexClip.Intersection(flat, piece);
                    clipped += a;
                    bound += l;
                }

                if (apart)
                {
                    continue;
                }

                if (Certain((clipped, bound), tolerance) is { } certain)
                {
                    hits.Add(new LayerHit(layer, layer.Feature(slot), certain));
                    continue;
                }
            }

            var convex = layer.ConvexRing(slot);

            var feature = layer.Feature(slot);
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
                // A convex parcel that clipping could not settle (a touch, a near miss, a sliver) lands here too.
                // A simple feature's geometry is decoded on each read: read it once.
                var metric = feature.Metric;
                if (convex.IsEmpty)
                {
                    if (Outline is { } apart && ConvexClip.Separated(metric, apart, gap))
                    {
                        continue;
                    }

                    if (FootprintHull is { } hull && ClippedArea(metric, hull, tolerance) is { } clipped)
                    {
                        hits.Add(new LayerHit(layer, feature, clipped));
                        continue;
                    }
                }

                if (!Prepared.Intersects(metric))
                {
                    // A neighbour a hair's breadth away (rounding of a shared edge) is an edge contact too.
                    if (tolerance > 0 && feature.IsWithinDistance(footprint, tolerance))
                    {
                        edges.Add(feature);
                    }

                    continue;
                }

                if (Prepared.Covers(metric))
                {
                    area = feature.Area;
                }
                else
                {
                    intersection = OverlayNGRobust.Overlay(footprint, metric, SpatialFunction.Intersection);
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

        _byLayer.Add((layer, hits, edges));
        return (hits, edges);
    }

    /// <summary>
    /// The features of the layer that intersect the footprint in PostGIS's sense (<c>ST_Intersects</c>: any point in
    /// common, a shared edge included), in layer order, whatever the edge tolerance and without overlap areas: for
    /// answers that only name the features (which counties, whether the red line is touched), where computing the
    /// overlap with a county's hundreds of vertices would be wasted. At tolerance 0 these are exactly
    /// <see cref="Hits"/> and <see cref="EdgeContacts"/> together.
    /// </summary>
    public IReadOnlyList<SnapshotFeature> Intersecting(SnapshotLayer layer)
    {
        var result = new List<SnapshotFeature>();
        Intersecting(layer, result, firstOnly: false);
        return result;
    }

    /// <summary>Whether any feature of the layer intersects the footprint (<c>ST_Intersects</c>); stops at the first.</summary>
    public bool IntersectsAny(SnapshotLayer layer) => Intersecting(layer, null, firstOnly: true);

    /// <summary>Whether <paramref name="feature"/> covers the footprint (<c>ST_Covers</c>: no point of the footprint outside it).</summary>
    public bool IsCoveredBy(SnapshotFeature feature)
    {
        // A boundary clear of the footprint's envelope leaves it wholly inside or wholly outside.
        var footprint = Footprint.Metric;
        return feature.AnyBoundary is { } boundary && !boundary.Meets(footprint.EnvelopeInternal)
            ? boundary.Locate(footprint.Coordinate) == Location.Interior
            : feature.AnyPrepared.Covers(footprint);
    }

    private bool Intersecting(SnapshotLayer layer, List<SnapshotFeature>? result, bool firstOnly)
    {
        var footprint = Footprint.Metric;
        var envelope = footprint.EnvelopeInternal;
        var slots = Candidates(layer, envelope);
        var found = false;
        for (var c = 0; c < slots.Count && !(found && firstOnly); c++)
        {
            var slot = slots[c];
            if (IntersectsFeature(layer, slot, footprint, envelope))
            {
                found = true;
                result?.Add(layer.Feature(slot));
            }
        }

        return found;
    }

    private bool IntersectsFeature(SnapshotLayer layer, int slot, Geometry footprint, Envelope envelope)
    {
        // Separation and clipping only answer when the margin is far above rounding (MinClipWidthM); a touch or a
        // near miss goes to the robust predicate, as does any feature that is not a convex parcel.
        var convex = layer.ConvexRing(slot);
        var feature = layer.Feature(slot);
        if (convex.IsEmpty && feature.Prepared is { } complex)
        {
            // Where the boundary runs through the footprint's envelope (a site straddling a county line), a vertex
            // inside settles it without the prepared predicate.
            return feature.Boundary is { } boundary
                ? !boundary.Meets(envelope)
                    ? boundary.Locate(footprint.Coordinate) == Location.Interior
                    : (Flat is { } vertices && boundary.AnyInside(vertices.Vertices)) || complex.Intersects(footprint)
                : complex.Intersects(footprint);
        }

        if (!convex.IsEmpty && Flat is { } flat)
        {
            if (ConvexClip.Separated(flat.Vertices, convex, MinClipWidthM) || (Outline is { } around && ConvexClip.Separated(convex, around, MinClipWidthM)))
            {
                return false;
            }

            if (Certain(ConvexClip.Intersection(flat, convex), 0) is not null)
            {
                return true;
            }
        }
        else if (Outline is { } apart && ConvexClip.Separated(feature.Metric, apart, MinClipWidthM))
        {
            return false;
        }

        // A simple polygon that is not convex (a red-line blob, a town's outline): its own boundary index and prepared
        // geometry, kept with the feature for the next check, rather than preparing the footprint in every check.
        if (convex.IsEmpty && feature.AnyBoundary is { } outline)
        {
            return !outline.Meets(envelope)
                ? outline.Locate(footprint.Coordinate) == Location.Interior
                : (Flat is { } vertices && outline.AnyInside(vertices.Vertices)) || feature.AnyPrepared.Intersects(footprint);
        }

        return Prepared.Intersects(feature.Metric);
    }

    /// <summary>
    /// The overlap of a polygonal geometry with a convex ring (a convex piece of a feature, or the footprint when it is convex)
    /// by clipping, when it is certainly wider than the tolerance: the clipped
    /// rings are at least as long as the intersection's boundary, so 2 × area / (their length) ≥ tolerance proves
    /// the mean width the overlay would measure is ≥ tolerance too. Otherwise (near misses, touching, slivers) null,
    /// and the overlay decides as for any other feature.
    /// </summary>
    private static double? ClippedArea(Geometry subject, double[] convex, double tolerance) =>
        Certain(ConvexClip.Intersection(subject, convex), tolerance);

    // For a feature in several convex pieces the clipped rings of all pieces bound the perimeter too: the diagonals
    // between pieces are counted from both sides, which only makes the bound more cautious.
    private static double? Certain((double Area, double PerimeterBound) clip, double tolerance) =>
        clip.Area > 0 && 2 * clip.Area >= Math.Max(tolerance, MinClipWidthM) * clip.PerimeterBound ? clip.Area : null;

    /// <summary>
    /// The tree slots of the layer's features whose envelopes meet <paramref name="search"/>, in layer order (so
    /// hits are listed as the layer lists its features). The list is per thread: used up before the next query.
    /// </summary>
    private static List<int> Candidates(SnapshotLayer layer, Envelope search)
    {
        var slots = _slots ??= new List<int>(64);
        slots.Clear();
        layer.Query(search, slots);

        if (slots.Count > 32)
        {
            slots.Sort((a, b) => layer.FeatureIndex(a).CompareTo(layer.FeatureIndex(b)));
            return slots;
        }

        // Usually a handful of candidates: insertion sort by feature index.
        for (var i = 1; i < slots.Count; i++)
        {
            var slot = slots[i];
            var key = layer.FeatureIndex(slot);
            var j = i - 1;
            while (j >= 0 && layer.FeatureIndex(slots[j]) > key)
            {
                slots[j + 1] = slots[j];
                j--;
            }

            slots[j + 1] = slot;
        }

        return slots;
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
