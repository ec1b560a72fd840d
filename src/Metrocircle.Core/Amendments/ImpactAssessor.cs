using Metrocircle.Core.Alignment;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Amendments;

/// <summary>
/// Assesses what an amendment does, from the base version's snapshot and the amended one
/// (<see cref="PlanSnapshot.WithChanges"/>). Pure: no I/O; the same input gives the same impact, in a stable order.
/// </summary>
public static class ImpactAssessor
{
    // Lon/lat boxes are grown by this much (about 10 m) before they are compared: an edge straight in the projection
    // bows slightly in lon/lat, and a feature within the plan's edge tolerance of a footprint still concerns it.
    private const double BoxMarginDegrees = 1e-4;

    /// <param name="before">The base version.</param>
    /// <param name="after">The base version with <paramref name="changes"/> applied.</param>
    /// <param name="checks">The stored checks to re-assess.</param>
    /// <param name="indicators">The plan's indicator catalogue (<see cref="IndicatorCatalog.Read"/>); only computed ones are assessed.</param>
    /// <param name="routingKinds">Layer kinds whose overlap routes a check to coordination (the approval rules' overlapsKinds).</param>
    public static AmendmentImpact Assess(PlanSnapshot before, PlanSnapshot after, IReadOnlyList<FeatureChange> changes, IReadOnlyList<CheckOnRecord> checks,
        IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> indicators, IReadOnlyCollection<string> routingKinds, CancellationToken ct = default)
    {
        var moved = Moved(before, after, changes);
        var (impacted, rechecked) = Checks(before, after, moved, checks, routingKinds, ct);
        return new AmendmentImpact(impacted, Areas(before, moved), Indicators(before, after, moved, indicators, ct), Adjacent(after, moved),
            rechecked, checks.Count - rechecked);
    }

    /// <summary>
    /// The routing keys of a verdict: <c>province:ID</c> for each province it lies in, <c>approval:AUTHORITY</c> for
    /// each approval the rules call for, <c>overlaps:KIND</c> for each overlapped kind in <paramref name="routingKinds"/>.
    /// </summary>
    public static IReadOnlyList<string> Routing(Verdict verdict, IReadOnlyCollection<string> routingKinds) =>
        Routing(verdict.Provinces.Select(p => p.Id), verdict.Approvals.Select(a => a.Authority), verdict.Overlaps.Select(o => o.Kind), routingKinds);

    /// <summary>The routing keys from their parts, sorted; see <see cref="Routing(Verdict, IReadOnlyCollection{string})"/>.</summary>
    public static IReadOnlyList<string> Routing(IEnumerable<string> provinces, IEnumerable<string> authorities, IEnumerable<string> overlapKinds,
        IReadOnlyCollection<string> routingKinds) =>
        [.. provinces.Select(p => "province:" + p)
            .Concat(authorities.Select(a => "approval:" + a))
            .Concat(overlapKinds.Where(k => routingKinds.Contains(k, StringComparer.Ordinal)).Select(k => "overlaps:" + k))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>A feature the change set moves, in the projection: before (change, retire) and after (add, change).</summary>
    private sealed record Move(SnapshotLayer Layer, FeatureChange Change, SnapshotFeature? Old, SnapshotFeature? New)
    {
        public string Key => $"{Layer.Layer.Id}/{Change.FeatureId}";
    }

    private static List<Move> Moved(PlanSnapshot before, PlanSnapshot after, IReadOnlyList<FeatureChange> changes)
    {
        var moves = new List<Move>();
        foreach (var group in changes.GroupBy(c => c.LayerId, StringComparer.Ordinal))
        {
            var old = before.Layers.FirstOrDefault(l => l.Layer.Id == group.Key);
            var now = after.Layers.FirstOrDefault(l => l.Layer.Id == group.Key);
            if (old is null || now is null)
            {
                // Not a polygon layer (records): no area, no footprint to meet.
                continue;
            }

            var wasIds = group.Where(c => c.Op != ChangeOp.Add).Select(c => c.FeatureId).ToHashSet(StringComparer.Ordinal);
            var was = Find(old, wasIds);
            // The new features projected here, as WithChanges projects them: a few thousand, where finding them in the
            // amended layer would read a million.
            moves.AddRange(group.Select(c => new Move(old, c, was.GetValueOrDefault(c.FeatureId),
                c.Op == ChangeOp.Retire || c.Feature?.Geometry is null ? null : Projected(c.Feature, after.Projection))));
        }

        return moves;
    }

    private static SnapshotFeature Projected(PlanFeature feature, Metrocircle.Core.Spatial.EqualAreaProjection projection)
    {
        var metric = projection.Project(feature.Geometry!);
        return new SnapshotFeature(feature.Id, metric.IsValid ? metric : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(metric), feature.Properties);
    }

    /// <summary>The features of a layer with the ids asked for: one pass over the layer, however large.</summary>
    private static Dictionary<string, SnapshotFeature> Find(SnapshotLayer layer, HashSet<string> ids)
    {
        var found = new Dictionary<string, SnapshotFeature>(ids.Count, StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        foreach (var f in layer.Features)
        {
            if (ids.Contains(f.Id))
            {
                found[f.Id] = f;
            }
        }

        return found;
    }

    private static (List<ImpactCheck> Changed, int Rechecked) Checks(PlanSnapshot before, PlanSnapshot after, List<Move> moves, IReadOnlyList<CheckOnRecord> checks, IReadOnlyCollection<string> routingKinds, CancellationToken ct)
    {
        // Lon/lat boxes of every changed feature, old and new: a check whose footprint box meets none cannot change.
        var boxes = new STRtree<int>();
        var count = 0;
        foreach (var move in moves)
        {
            var shapes = new[] { move.Old is null ? null : before.Projection.Unproject(move.Old.Metric), move.Change.Feature?.Geometry };
            foreach (var shape in shapes.OfType<Geometry>().Where(g => !g.IsEmpty))
            {
                var box = shape.EnvelopeInternal.Copy();
                box.ExpandBy(BoxMarginDegrees);
                boxes.Insert(box, count++);
            }
        }

        if (count == 0)
        {
            return ([], 0);
        }

        boxes.Build();
        var candidates = new List<int>();
        for (var i = 0; i < checks.Count; i++)
        {
            if (boxes.Query(checks[i].Footprint.EnvelopeInternal).Count > 0)
            {
                candidates.Add(i);
            }
        }

        var results = new ImpactCheck?[candidates.Count];
        Parallel.For(0, candidates.Count, new ParallelOptions { CancellationToken = ct }, k =>
        {
            var check = checks[candidates[k]];
            var (footprint, problem) = Footprint.Create(check.Footprint, check.Category, null, [], after);
            if (footprint is null)
            {
                results[k] = new ImpactCheck(check.CheckId, check.Verdict, "not-checked", [problem!.Detail]);
                return;
            }

            var now = AlignmentChecker.Check(after, footprint);
            var routing = Routing(now, routingKinds);
            if (now.Result == check.Verdict && routing.SequenceEqual(check.Routing, StringComparer.Ordinal))
            {
                return;
            }

            // Which rules moved: the same footprint against the base version, rule by rule.
            var (was, _) = Footprint.Create(check.Footprint, check.Category, null, [], before);
            var old = was is null ? [] : AlignmentChecker.Check(before, was).Rules.ToDictionary(r => r.Id, r => r.Outcome, StringComparer.Ordinal);
            var differ = now.Rules.Where(r => old.GetValueOrDefault(r.Id) != r.Outcome).Select(r => r.Id)
                .Concat(old.Keys.Where(id => now.Rules.All(r => r.Id != id))).Order(StringComparer.Ordinal).ToList();
            var routed = !routing.SequenceEqual(check.Routing, StringComparer.Ordinal);
            results[k] = new ImpactCheck(check.CheckId, check.Verdict, now.Result, differ)
            {
                RoutingBefore = routed ? check.Routing : [],
                RoutingAfter = routed ? routing : [],
            };
        });
        return ([.. results.OfType<ImpactCheck>()], candidates.Count);
    }

    private static List<ImpactArea> Areas(PlanSnapshot before, List<Move> moves)
    {
        var sums = new Dictionary<(string Layer, string? County), (string? Province, double Added, double Removed)>();
        void Add(string layer, Geometry? piece, bool added)
        {
            if (piece is null || piece.IsEmpty)
            {
                return;
            }

            foreach (var (county, area) in ByCounty(before.Jurisdictions, piece))
            {
                var key = (layer, county?.Id);
                var (province, plus, minus) = sums.GetValueOrDefault(key, (county?.Text("provinceId"), 0, 0));
                sums[key] = added ? (province, plus + area, minus) : (province, plus, minus + area);
            }
        }

        foreach (var move in moves)
        {
            var layer = move.Layer.Layer.Id;
            var (old, now) = (move.Old?.Metric, move.New?.Metric);
            Add(layer, now is null ? null : old is null ? now : OverlayNGRobust.Overlay(now, old, SpatialFunction.Difference), added: true);
            Add(layer, old is null ? null : now is null ? old : OverlayNGRobust.Overlay(old, now, SpatialFunction.Difference), added: false);
        }

        return [.. sums.Select(kv => new ImpactArea(kv.Key.Layer, kv.Key.County, kv.Value.Province, kv.Value.Added, kv.Value.Removed))
            .OrderBy(a => a.Layer, StringComparer.Ordinal).ThenBy(a => a.County is null).ThenBy(a => a.County, StringComparer.Ordinal)];
    }

    /// <summary>The area of a projected piece in each county it lies in, and a remainder of over a square metre outside them all (null county).</summary>
    private static IEnumerable<(SnapshotFeature? County, double Area)> ByCounty(SnapshotLayer? counties, Geometry piece)
    {
        var total = piece.Area;
        var inside = 0.0;
        foreach (var county in counties?.Candidates(piece.EnvelopeInternal) ?? [])
        {
            if (county.AnyPrepared.Covers(piece))
            {
                inside = total;
                yield return (county, total);
                break;
            }

            if (county.AnyPrepared.Intersects(piece) && OverlayNGRobust.Overlay(piece, county.Metric, SpatialFunction.Intersection).Area is var area and > 0)
            {
                inside += area;
                yield return (county, area);
            }
        }

        if (total - inside > 1)
        {
            yield return (null, total - inside);
        }
    }

    private static List<ImpactIndicator> Indicators(PlanSnapshot before, PlanSnapshot after, List<Move> moves,
        IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> indicators, CancellationToken ct)
    {
        var result = new List<ImpactIndicator>();
        foreach (var (indicator, spec) in indicators)
        {
            var relevant = spec is null ? [] : moves.Where(m => CheckContext.IsKind(m.Layer.Layer, spec.LayerKind)).ToList();
            var scopes = spec is null ? null : before.Layers.FirstOrDefault(l => l.Layer.Id == spec.ScopeLayer);
            var scopesAfter = spec is null ? null : after.Layers.FirstOrDefault(l => l.Layer.Id == spec.ScopeLayer);
            if (relevant.Count == 0 || scopes is null || scopesAfter is null)
            {
                continue;
            }

            // Only scopes that a changed feature's box meets can move; the rest keep their value.
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var envelope in relevant.SelectMany(m => new[] { m.Old?.Envelope, m.New?.Envelope }).OfType<Envelope>())
            {
                foreach (var scope in scopes.Candidates(envelope))
                {
                    touched.Add(scope.Id);
                }
            }

            var afterById = Find(scopesAfter, touched);
            foreach (var scope in scopes.Features.Where(s => touched.Contains(s.Id)))
            {
                ct.ThrowIfCancellationRequested();
                var was = Value(before, scope, spec!);
                var now = afterById.TryGetValue(scope.Id, out var same) ? Value(after, same, spec!) : 0;
                if (was != now)
                {
                    result.Add(new ImpactIndicator(indicator.Id, scope.Id, indicator.Unit, was, now));
                }
            }
        }

        return result;
    }

    /// <summary>A computed indicator for one scope feature, as <see cref="IndicatorCatalog.Compute"/> gives it for every scope.</summary>
    private static double Value(PlanSnapshot snapshot, SnapshotFeature scope, ComputedSpec spec)
    {
        var ctx = new CheckContext(snapshot, new Footprint(scope.Metric, scope.Metric, "-", null, [], "-"));
        var covered = ctx.CoveredM2(ctx.HitsOfKind(spec.LayerKind));
        return spec.Method switch
        {
            "area" => Math.Round(covered / 1e6, 3),
            "area-share" => scope.Area > 0 ? Math.Round(100 * covered / scope.Area, 3) : 0,
            _ => throw new FormatException($"computed indicator: method \"{spec.Method}\" is not area or area-share"),
        };
    }

    // A parcel is tested directly: preparing it would keep a prepared copy on the base snapshot's feature for good.
    private static bool Meets(SnapshotFeature feature, Geometry shape) =>
        feature.IsSimple ? feature.Metric.Intersects(shape) : feature.AnyPrepared.Intersects(shape);

    private static List<ImpactAdjacency> Adjacent(PlanSnapshot after, List<Move> moves)
    {
        var tolerance = after.Settings.EdgeToleranceM;
        var result = new List<ImpactAdjacency>();
        // Places (jurisdictions, circles) contain features rather than neighbour them.
        var others = after.Layers.Where(l => !CheckContext.IsKind(l.Layer, LayerKinds.Jurisdiction) && !CheckContext.IsKind(l.Layer, LayerKinds.Circle)).ToList();
        foreach (var move in moves.Where(m => m.New is not null))
        {
            var shape = move.New!.Metric;
            foreach (var layer in others.Where(l => l.Layer.Id != move.Layer.Layer.Id))
            {
                foreach (var other in layer.Candidates(shape.EnvelopeInternal))
                {
                    if (!Meets(other, shape) || (move.Old is { } old && Meets(other, old.Metric)))
                    {
                        continue;
                    }

                    var overlap = OverlayNGRobust.Overlay(shape, other.Metric, SpatialFunction.Intersection);
                    var area = overlap.Area;
                    // Thinner on average than the plan's edge tolerance: two edges that meet, not an overlap.
                    var overlaps = area > 0 && 2 * area >= tolerance * overlap.Length;
                    result.Add(new ImpactAdjacency(move.Key, $"{layer.Layer.Id}/{other.Id}", overlaps ? ImpactAdjacency.Overlaps : ImpactAdjacency.Touches,
                        overlaps ? area : 0));
                }
            }
        }

        return [.. result.OrderBy(a => a.Feature, StringComparer.Ordinal).ThenBy(a => a.Other, StringComparer.Ordinal)];
    }
}
