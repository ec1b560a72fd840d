using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Amendments;

/// <summary>
/// Balances a change set against the plan's balance rules, per province, in the plan's equal-area projection.
/// Pure: the same rules and input give the same sheet, lines in rule order and then province order.
/// </summary>
public static class BalanceEvaluator
{
    /// <exception cref="ArgumentException">A change or retirement names a feature the base layers do not hold.</exception>
    public static BalanceSheet Evaluate(BalanceRules rules, BalanceInput input)
    {
        var ctx = new Context(input);
        var lines = new List<BalanceLine>();
        foreach (var rule in rules.Rules)
        {
            var layers = input.Layers.Where(l => rule.AppliesTo(l.Layer)).ToList();
            var moves = layers.SelectMany(ctx.Moves).ToList();
            if (moves.Count == 0)
            {
                continue;
            }

            lines.AddRange(rule.Type switch
            {
                BalanceRuleType.NoDecrease or BalanceRuleType.Cap => Totals(rule, layers, moves, ctx),
                BalanceRuleType.Compensate => Compensation(rule, moves, ctx),
                _ => Validity(rule, layers, moves, ctx),
            });
        }

        return new BalanceSheet(lines.All(l => l.Ok), lines);
    }

    private static IEnumerable<BalanceLine> Totals(BalanceRule rule, List<BalanceLayer> layers, List<Move> moves, Context ctx)
    {
        var isCap = rule.Type == BalanceRuleType.Cap;
        foreach (var province in Touched(moves))
        {
            var before = layers.Sum(l => ctx.Total(l, province));
            var after = before + moves.Sum(m => m.New(province) - m.Old(province));
            var allowed = isCap && province is not null && rule.CapsM2.TryGetValue(province, out var cap) ? Math.Max(before, cap) : before;
            var ok = isCap ? after <= allowed + rule.ToleranceM2 : after >= allowed - rule.ToleranceM2;
            // The features that moved the total the way the rule forbids: shrinking ones for no-decrease, growing ones for a cap.
            var responsible = moves.Where(m => isCap ? m.New(province) > m.Old(province) : m.Old(province) > m.New(province)).Select(m => m.Key).ToList();
            var problem = ok ? string.Empty
                : isCap ? $"It grows {Format(after - allowed)} m² beyond what is allowed ({string.Join(", ", responsible)})."
                : $"It loses {Format(before - after)} m² ({string.Join(", ", responsible)}).";
            yield return Line(rule, ok, before, after, allowed, responsible, province, ctx, problem, before, after);
        }
    }

    private static IEnumerable<BalanceLine> Compensation(BalanceRule rule, List<Move> moves, Context ctx)
    {
        foreach (var province in Touched(moves))
        {
            var taken = moves.Where(m => m.Op != ChangeOp.Add && m.Old(province) > m.New(province)).ToList();
            var added = moves.Where(m => m.Op == ChangeOp.Add && m.New(province) > 0).ToList();
            var takenM2 = taken.Sum(m => m.Old(province) - m.New(province));
            var addedM2 = added.Sum(m => m.New(province));
            var problems = new List<string>();
            if (addedM2 < takenM2 - rule.ToleranceM2)
            {
                problems.Add($"{Format(takenM2 - addedM2)} m² is not compensated in this province.");
            }

            if (rule.GradeProperty is { } property && Grade(taken, property, m => m.OldProps, m => m.Old(province) - m.New(province)) is { } takenGrade)
            {
                var ungraded = added.Where(m => Number(m.NewProps, property) is null).Select(m => m.Key).ToList();
                var addedGrade = Grade(added, property, m => m.NewProps, m => m.New(province));
                if (ungraded.Count > 0)
                {
                    problems.Add($"The compensation has no \"{property}\" to compare with the grade taken ({string.Join(", ", ungraded)}).");
                }
                else if (addedGrade is { } g && (rule.LowerGradeIsBetter ? g > takenGrade + 1e-9 : g < takenGrade - 1e-9))
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"The compensation's {property} ({g:0.##}, area-weighted) is worse than the {property} taken ({takenGrade:0.##}); {(rule.LowerGradeIsBetter ? "a lower" : "a higher")} {property} is better."));
                }
            }

            var features = taken.Concat(added).Select(m => m.Key).ToList();
            yield return Line(rule, problems.Count == 0, takenM2, addedM2, takenM2, features, province, ctx, string.Join(" ", problems), takenM2, addedM2);
        }
    }

    private static IEnumerable<BalanceLine> Validity(BalanceRule rule, List<BalanceLayer> layers, List<Move> moves, Context ctx)
    {
        // Per new feature: what is wrong with it and the largest overlap it makes.
        var findings = new Dictionary<Move, (List<string> Problems, double Overlap, List<string> Others)>();
        foreach (var layer in layers)
        {
            var own = moves.Where(m => ReferenceEquals(m.Layer, layer) && m.NewMetric is not null).ToList();
            if (own.Count == 0)
            {
                continue;
            }

            var gone = moves.Where(m => ReferenceEquals(m.Layer, layer) && m.Op != ChangeOp.Add).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            var index = ctx.Index(layer);
            for (var i = 0; i < own.Count; i++)
            {
                var move = own[i];
                var problems = new List<string>();
                var others = new List<string>();
                var largest = 0.0;
                if (!move.NewValid)
                {
                    problems.Add($"{move.Key} is not a valid polygon: {move.NewInvalidReason}.");
                }

                void Against(string otherKey, Geometry other)
                {
                    var overlap = OverlapM2(move.NewMetric!, other);
                    if (overlap > rule.ToleranceM2)
                    {
                        others.Add(otherKey);
                        largest = Math.Max(largest, overlap);
                        problems.Add($"{move.Key} overlaps {otherKey} by {Format(overlap)} m².");
                    }
                }

                foreach (var b in index.Query(move.NewMetric!.EnvelopeInternal))
                {
                    var baseFeature = ctx.Projected(layer)[b];
                    if (!gone.Contains(baseFeature.Id))
                    {
                        Against($"{layer.Layer.Id}/{baseFeature.Id}", baseFeature.Metric);
                    }
                }

                // New features against each other, each pair from both sides so each names the other.
                foreach (var other in own.Where(o => o != move && o.NewMetric!.EnvelopeInternal.Intersects(move.NewMetric!.EnvelopeInternal)))
                {
                    Against(other.Key, other.NewMetric!);
                }

                findings[move] = (problems, largest, others);
            }
        }

        // A new feature without area (no geometry, or collapsed) is reported outside every province.
        foreach (var province in Provinces(findings.Keys.SelectMany(m => m.NewAreas.Count == 0 ? [Context.Outside] : m.NewAreas.Keys)))
        {
            var here = findings.Where(f => f.Key.New(province) > 0 || (province is null && f.Key.NewAreas.Count == 0)).ToList();
            var bad = here.Where(f => f.Value.Problems.Count > 0).ToList();
            var features = bad.SelectMany(f => f.Value.Others.Prepend(f.Key.Key)).Distinct(StringComparer.Ordinal).ToList();
            var largest = here.Select(f => f.Value.Overlap).DefaultIfEmpty(0).Max();
            yield return Line(rule, bad.Count == 0, 0, largest, rule.ToleranceM2, features, province, ctx,
                string.Join(" ", bad.SelectMany(f => f.Value.Problems)), 0, largest);
        }
    }

    private static BalanceLine Line(BalanceRule rule, bool ok, double before, double after, double allowed, List<string> features, string? province,
        Context ctx, string problem, double taken, double added)
    {
        var message = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["province"] = ctx.ProvinceName(province),
            ["before"] = Format(before),
            ["after"] = Format(after),
            ["allowed"] = Format(allowed),
            ["taken"] = Format(taken),
            ["added"] = Format(added),
            ["features"] = features.Count == 0 ? "no feature" : string.Join(", ", features),
            ["problem"] = problem,
        }.Aggregate(rule.Message, (text, kv) => text.Replace("{" + kv.Key + "}", kv.Value, StringComparison.Ordinal)).Trim();
        return new BalanceLine(rule.Id, ok, before, after, allowed, features, province, rule.Overridable, message);
    }

    /// <summary>The provinces a set of moves has area in, old or new, in ordinal order with "outside every province" (null) last.</summary>
    private static IEnumerable<string?> Touched(IEnumerable<Move> moves) => Provinces(moves.SelectMany(m => m.OldAreas.Keys.Concat(m.NewAreas.Keys)));

    private static IEnumerable<string?> Provinces(IEnumerable<string> keys) => keys.Distinct(StringComparer.Ordinal)
        .Select(k => k == Context.Outside ? null : k).OrderBy(p => p is null).ThenBy(p => p, StringComparer.Ordinal);

    /// <summary>Area-weighted mean grade of the moves that carry one; null when none does.</summary>
    private static double? Grade(IEnumerable<Move> moves, string property, Func<Move, JsonObject?> props, Func<Move, double> weight)
    {
        var (sum, total) = (0.0, 0.0);
        foreach (var m in moves)
        {
            if (Number(props(m), property) is { } grade && weight(m) > 0)
            {
                sum += grade * weight(m);
                total += weight(m);
            }
        }

        return total > 0 ? sum / total : null;
    }

    // Through the JSON text: a value built in memory from an int does not read as a double.
    private static double? Number(JsonObject? props, string name) =>
        props?[name] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;

    private static double OverlapM2(Geometry a, Geometry b) =>
        a.EnvelopeInternal.Intersects(b.EnvelopeInternal) && a.Intersects(b) ? OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection).Area : 0;

    private static string Format(double m2) => Math.Round(m2).ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>One feature a change set moves: its geometry before (change, retire) and after (add, change), and their area per province.</summary>
    private sealed class Move
    {
        public required BalanceLayer Layer { get; init; }

        public required string Id { get; init; }

        public required ChangeOp Op { get; init; }

        public string Key => $"{Layer.Layer.Id}/{Id}";

        public JsonObject? OldProps { get; init; }

        public JsonObject? NewProps { get; init; }

        public Geometry? NewMetric { get; init; }

        public bool NewValid { get; init; } = true;

        public string? NewInvalidReason { get; init; }

        public IReadOnlyDictionary<string, double> OldAreas { get; init; } = new Dictionary<string, double>();

        public IReadOnlyDictionary<string, double> NewAreas { get; init; } = new Dictionary<string, double>();

        public double Old(string? province) => OldAreas.GetValueOrDefault(province ?? Context.Outside);

        public double New(string? province) => NewAreas.GetValueOrDefault(province ?? Context.Outside);
    }

    private sealed record ProjectedFeature(string Id, Geometry Metric, IReadOnlyDictionary<string, double> Areas);

    /// <summary>The input projected once: provinces, base features of the layers a rule asks about, and the moves.</summary>
    private sealed class Context(BalanceInput input)
    {
        // Area outside every province is keyed by a name no province id has; Touched turns it back into null.
        public const string Outside = "\0outside";

        private readonly List<(string Id, string Name, Geometry Metric, IPreparedGeometry Prepared)> _provinces = [.. input.Provinces
            .Where(p => p.Geometry is not null)
            .Select(p =>
            {
                var metric = Fix(input.Projection.Project(p.Geometry!));
                var name = p.Properties["nameEn"] is JsonValue v && v.TryGetValue<string>(out var en) ? en : p.Id;
                return (p.Id, name, metric, PreparedGeometryFactory.Prepare(metric));
            })];

        private readonly Dictionary<BalanceLayer, List<ProjectedFeature>> _projected = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<BalanceLayer, STRtree<int>> _indexes = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<BalanceLayer, List<Move>> _moves = new(ReferenceEqualityComparer.Instance);

        public string ProvinceName(string? id) => id is null || id == Outside ? "outside every province"
            : _provinces.FirstOrDefault(p => p.Id == id).Name ?? id;

        public List<ProjectedFeature> Projected(BalanceLayer layer)
        {
            if (!_projected.TryGetValue(layer, out var list))
            {
                var items = new ProjectedFeature[layer.Features.Count];
                Parallel.For(0, items.Length, i =>
                {
                    var f = layer.Features[i];
                    var metric = f.Geometry is null ? null : Fix(input.Projection.Project(f.Geometry));
                    items[i] = new ProjectedFeature(f.Id, metric ?? GeometryFactory.Default.CreatePolygon(), metric is null ? new Dictionary<string, double>() : Areas(metric));
                });
                _projected[layer] = list = [.. items];
            }

            return list;
        }

        public STRtree<int> Index(BalanceLayer layer)
        {
            if (!_indexes.TryGetValue(layer, out var tree))
            {
                tree = new STRtree<int>();
                var items = Projected(layer);
                for (var i = 0; i < items.Count; i++)
                {
                    if (!items[i].Metric.IsEmpty)
                    {
                        tree.Insert(items[i].Metric.EnvelopeInternal, i);
                    }
                }

                tree.Build();
                _indexes[layer] = tree;
            }

            return tree;
        }

        public double Total(BalanceLayer layer, string? province) => Projected(layer).Sum(f => f.Areas.GetValueOrDefault(province ?? Outside));

        public List<Move> Moves(BalanceLayer layer)
        {
            if (_moves.TryGetValue(layer, out var known))
            {
                return known;
            }

            var moves = new List<Move>();
            var changes = input.Changes.Where(c => c.LayerId == layer.Layer.Id).ToList();
            if (changes.Count > 0)
            {
                var byId = layer.Features.Select((f, i) => (f.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
                foreach (var change in changes)
                {
                    ProjectedFeature? old = null;
                    JsonObject? oldProps = null;
                    if (change.Op != ChangeOp.Add)
                    {
                        var index = byId.TryGetValue(change.FeatureId, out var i) ? i
                            : throw new ArgumentException($"{FeatureChange.Name(change.Op)} of {layer.Layer.Id}/{change.FeatureId}: the base version has no such feature", nameof(input));
                        old = Projected(layer)[index];
                        oldProps = layer.Features[index].Properties;
                    }

                    var geometry = change.Op == ChangeOp.Retire ? null : change.Feature?.Geometry;
                    var (valid, reason) = Validity(geometry, change.Op);
                    var metric = geometry is null ? null : Fix(input.Projection.Project(geometry));
                    moves.Add(new Move
                    {
                        Layer = layer,
                        Id = change.FeatureId,
                        Op = change.Op,
                        OldProps = oldProps,
                        NewProps = change.Feature?.Properties,
                        NewMetric = metric,
                        NewValid = valid,
                        NewInvalidReason = reason,
                        OldAreas = old?.Areas ?? new Dictionary<string, double>(),
                        NewAreas = metric is null ? new Dictionary<string, double>() : Areas(metric),
                    });
                }
            }

            _moves[layer] = moves;
            return moves;
        }

        /// <summary>The area of a projected geometry in each province it lies in; a remainder of more than a square metre outside them all under <see cref="Outside"/>.</summary>
        private Dictionary<string, double> Areas(Geometry metric)
        {
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            var total = metric.Area;
            if (total <= 0)
            {
                return result;
            }

            var inside = 0.0;
            foreach (var (id, _, shape, prepared) in _provinces)
            {
                if (!shape.EnvelopeInternal.Intersects(metric.EnvelopeInternal) || !prepared.Intersects(metric))
                {
                    continue;
                }

                var area = prepared.Covers(metric) ? total : OverlayNGRobust.Overlay(metric, shape, SpatialFunction.Intersection).Area;
                if (area > 0)
                {
                    result[id] = area;
                    inside += area;
                }
            }

            if (total - inside > 1)
            {
                result[Outside] = total - inside;
            }

            return result;
        }

        private static (bool Valid, string? Reason) Validity(Geometry? geometry, ChangeOp op)
        {
            if (op == ChangeOp.Retire)
            {
                return (true, null);
            }

            if (geometry is null || geometry.IsEmpty)
            {
                return (false, "it has no geometry");
            }

            if (geometry is not (Polygon or MultiPolygon))
            {
                return (false, $"it is a {geometry.GeometryType}");
            }

            var check = new NetTopologySuite.Operation.Valid.IsValidOp(geometry);
            if (check.IsValid)
            {
                return (true, null);
            }

            var at = check.ValidationError.Coordinate;
            return (false, string.Create(CultureInfo.InvariantCulture, $"{check.ValidationError.Message.ToLowerInvariant()} at {at.X:0.######} {at.Y:0.######}"));
        }

        private static Geometry Fix(Geometry g) => g.IsValid ? g : GeometryFixer.Fix(g);
    }
}
