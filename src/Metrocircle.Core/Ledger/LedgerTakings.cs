using Metrocircle.Core.Alignment;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Ledger;

/// <summary>What a footprint takes of one kind in one jurisdiction, in whole square metres (rounded up).</summary>
public sealed record LedgerTaking(string Jurisdiction, string Kind, long SquareMetres);

/// <summary>
/// What a project's footprint takes from the ledger, by jurisdiction of the opening level: for a kind taken
/// "outside" a layer kind (new construction land outside the urban development boundary), the footprint's area in
/// the jurisdiction less its area inside features of that kind; for a kind taken by "overlapping" a layer kind
/// (farmland compensation), the area over features of that kind. Areas in the plan's equal-area projection.
/// </summary>
public static class LedgerTakings
{
    public static IReadOnlyList<LedgerTaking> Compute(PlanSnapshot snapshot, Geometry metricFootprint, LedgerSettings settings)
    {
        var result = new List<LedgerTaking>();
        if (snapshot.Jurisdictions is not { } jurisdictions || metricFootprint.Dimension != Dimension.Surface)
        {
            return result;
        }

        foreach (var place in jurisdictions.Candidates(metricFootprint.EnvelopeInternal))
        {
            if (!place.Metric.Intersects(metricFootprint))
            {
                continue;
            }

            var part = Intersection(place.Metric, metricFootprint);
            if (part.Area < 1)
            {
                continue;
            }

            foreach (var kind in settings.Kinds)
            {
                double m2;
                if (kind.TakenOutsideKind is { } outside)
                {
                    m2 = part.Area - AreaOver(snapshot, outside, part);
                }
                else if (kind.TakenOverlappingKind is { } over)
                {
                    m2 = AreaOver(snapshot, over, part);
                }
                else
                {
                    continue;
                }

                // Slivers under a square metre are rounding, not land taken.
                if (m2 >= 1)
                {
                    result.Add(new LedgerTaking(place.Id, kind.Id, (long)Math.Ceiling(m2)));
                }
            }
        }

        return [.. result.OrderBy(t => t.Jurisdiction, StringComparer.Ordinal).ThenBy(t => t.Kind, StringComparer.Ordinal)];
    }

    /// <summary>
    /// What a change of the plan does to the ledger, by jurisdiction and kind, in whole m² (positive consumes,
    /// negative credits): for a kind taken outside a layer kind (construction land outside the urban development
    /// boundary), the growth of that layer kind's area; for a kind taken by overlapping a layer kind (farmland
    /// compensation), the shrinking of that kind's area. Measured over <paramref name="metricRegion"/> (where the change
    /// set touches those layers) in the snapshots before and after the change.
    /// </summary>
    public static IReadOnlyList<LedgerTaking> Deltas(PlanSnapshot before, PlanSnapshot after, Geometry metricRegion, LedgerSettings settings)
    {
        var result = new List<LedgerTaking>();
        if (before.Jurisdictions is not { } jurisdictions || metricRegion.IsEmpty)
        {
            return result;
        }

        foreach (var place in jurisdictions.Candidates(metricRegion.EnvelopeInternal))
        {
            if (!place.Metric.Intersects(metricRegion))
            {
                continue;
            }

            var part = Intersection(place.Metric, metricRegion);
            if (part.Area < 1)
            {
                continue;
            }

            foreach (var kind in settings.Kinds)
            {
                var (layerKind, sign) = kind.TakenOutsideKind is { } outside ? (outside, 1) : kind.TakenOverlappingKind is { } over ? (over, -1) : (null, 0);
                if (layerKind is null)
                {
                    continue;
                }

                var m2 = sign * (AreaOver(after, layerKind, part) - AreaOver(before, layerKind, part));
                // Slivers under a square metre either way are rounding, not land moved.
                if (Math.Abs(m2) >= 1)
                {
                    result.Add(new LedgerTaking(place.Id, kind.Id, (long)(m2 > 0 ? Math.Ceiling(m2) : Math.Floor(m2))));
                }
            }
        }

        return [.. result.OrderBy(t => t.Jurisdiction, StringComparer.Ordinal).ThenBy(t => t.Kind, StringComparer.Ordinal)];
    }

    /// <summary>Where a change set touches the layers the ledger counts: the union of the old and new shapes of those features (metric).</summary>
    public static Geometry ChangedRegion(PlanSnapshot before, PlanSnapshot after, IEnumerable<(string LayerId, string FeatureId)> changed, LedgerSettings settings)
    {
        var kinds = settings.Kinds.SelectMany(k => new[] { k.TakenOutsideKind, k.TakenOverlappingKind }).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var parts = new List<Geometry>();
        foreach (var (layerId, featureId) in changed)
        {
            foreach (var snapshot in new[] { before, after })
            {
                if (snapshot.Layers.FirstOrDefault(l => l.Layer.Id == layerId) is { } layer && kinds.Contains(layer.Layer.Kind)
                    && layer.Features.FirstOrDefault(f => f.Id == featureId) is { Metric.Dimension: Dimension.Surface } feature)
                {
                    parts.Add(feature.Metric);
                }
            }
        }

        return parts.Count == 0 ? GeometryFactory.Default.CreatePolygon() : OverlayNGRobust.Union(parts);
    }

    private static double AreaOver(PlanSnapshot snapshot, string layerKind, Geometry part)
    {
        double area = 0;
        foreach (var layer in snapshot.Layers.Where(l => l.Layer.Kind == layerKind))
        {
            foreach (var f in layer.Candidates(part.EnvelopeInternal))
            {
                if (f.Metric.Intersects(part))
                {
                    area += Intersection(f.Metric, part).Area;
                }
            }
        }

        return Math.Min(area, part.Area);
    }

    private static Geometry Intersection(Geometry a, Geometry b) => OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection);
}
