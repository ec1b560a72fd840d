using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Conflicts;

/// <summary>
/// Finds every conflict patch of a plan version: for each rule, the features of kind A whose projected envelope
/// (grown by the rule's distance) meets a feature of kind B in B's packed R-tree, their exact intersection, cut by
/// the finest jurisdiction layer (counties), measured in the plan's equal-area projection. Pure: the same snapshot
/// and rules give the same patches, ids and order.
/// </summary>
public static class ConflictDetector
{
    public static ConflictReport Detect(PlanSnapshot snapshot, IReadOnlyList<ConflictRule> rules, CancellationToken ct = default) =>
        Detect(snapshot, rules, [], ct);

    /// <param name="lines">Line layers of the version (<see cref="LineLayersAsync"/>): the snapshot holds polygon layers only, and a rule may name a kind of lines (rail, roads).</param>
    public static ConflictReport Detect(PlanSnapshot snapshot, IReadOnlyList<ConflictRule> rules, IReadOnlyList<SnapshotLayer> lines, CancellationToken ct = default)
    {
        IReadOnlyList<SnapshotLayer> all = lines.Count == 0 ? snapshot.Layers : [.. snapshot.Layers, .. lines];
        var hashes = new ConcurrentDictionary<SnapshotFeature, string>(ReferenceEqualityComparer.Instance);
        var patches = new List<ConflictPatch>();
        var summaries = new List<ConflictRuleSummary>();
        foreach (var rule in rules)
        {
            var layersA = all.Where(l => ConflictRule.Matches(rule.KindA, l.Layer.Kind)).ToList();
            var layersB = all.Where(l => ConflictRule.Matches(rule.KindB, l.Layer.Kind)).ToList();
            var missing = new[] { (rule.KindA, layersA.Count), (rule.KindB, layersB.Count) }.Where(k => k.Count == 0).Select(k => k.Item1).Distinct().ToList();
            if (missing.Count > 0)
            {
                summaries.Add(new ConflictRuleSummary(rule.Id, rule.Title, rule.Severity, false,
                    $"not applicable: this plan version has no polygon or line layer of kind {string.Join(" or ", missing)}", 0, 0, 0, 0, 0));
                continue;
            }

            var found = new ConcurrentBag<ConflictPatch>();
            var slivers = new ConcurrentBag<double>();
            var contacts = 0;
            foreach (var layerA in layersA)
            {
                foreach (var layerB in layersB)
                {
                    Parallel.For(0, layerA.Features.Count, new ParallelOptions { CancellationToken = ct }, () => new List<int>(), (i, _, slots) =>
                    {
                        var a = layerA.Features[i];
                        if (a.IsEmpty || (rule.WhereA.Count > 0 && !ConflictRule.Selects(rule.WhereA, a)))
                        {
                            return slots;
                        }

                        var box = new Envelope(a.Envelope);
                        box.ExpandBy(rule.WithinM);
                        slots.Clear();
                        layerB.Query(box, slots);
                        foreach (var slot in slots)
                        {
                            var b = layerB.Feature(slot);
                            // One layer against itself: each unordered pair once, never a feature with itself.
                            if (ReferenceEquals(layerA, layerB) && string.CompareOrdinal(a.Id, b.Id) >= 0)
                            {
                                continue;
                            }

                            if (rule.WhereB.Count > 0 && !ConflictRule.Selects(rule.WhereB, b))
                            {
                                continue;
                            }

                            if (!b.Envelope.Intersects(box) || ConflictOverlap.Of(a, b, rule.WithinM) is not { } overlap)
                            {
                                continue;
                            }

                            foreach (var (county, piece) in ByCounty(snapshot.Jurisdictions, overlap))
                            {
                                var polygonal = piece.Dimension == Dimension.Surface;
                                var size = polygonal ? piece.Area : piece.Length;
                                if (polygonal && size < snapshot.Settings.EdgeToleranceM * piece.Length / 2)
                                {
                                    // Thinner than the plan's edge tolerance on average: two edges that meet, not an overlap.
                                    Interlocked.Increment(ref contacts);
                                    continue;
                                }

                                if (size < (polygonal ? rule.MinAreaM2 : rule.MinLengthM))
                                {
                                    slivers.Add(polygonal ? size : 0);
                                    continue;
                                }

                                var exemption = rule.ExemptionProperty is { } property && a.Text(property) is { Length: > 0 } text ? text : null;
                                var countyId = county?.Id;
                                found.Add(new ConflictPatch(
                                    PatchId(rule.Id, layerA.Layer.Id, a, layerB.Layer.Id, b, countyId, hashes),
                                    rule.Id, rule.Severity, layerA.Layer.Id, a.Id, layerB.Layer.Id, b.Id, countyId, county?.Text("provinceId"),
                                    polygonal ? size : null, polygonal ? null : size,
                                    exemption is null ? ConflictStatus.Open : ConflictStatus.Exempt, exemption, null, piece));
                            }
                        }

                        return slots;
                    }, _ => { });
                }
            }

            var listed = found.OrderBy(p => p.LayerA, StringComparer.Ordinal).ThenBy(p => p.FeatureA, StringComparer.Ordinal)
                .ThenBy(p => p.LayerB, StringComparer.Ordinal).ThenBy(p => p.FeatureB, StringComparer.Ordinal)
                .ThenBy(p => p.County, StringComparer.Ordinal).ToList();
            patches.AddRange(listed);
            var note = contacts == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{contacts} edge contacts (thinner than the plan's edge tolerance) were not counted as conflicts");
            summaries.Add(new ConflictRuleSummary(rule.Id, rule.Title, rule.Severity, true, note, listed.Count,
                listed.Sum(p => p.AreaM2 ?? 0), listed.Sum(p => p.LengthM ?? 0), slivers.Count, slivers.Sum()));
        }

        return new ConflictReport(snapshot.Version.Id, patches, summaries);
    }

    /// <summary>The line layers of a version whose kind a rule names, projected as the snapshot's polygons are.</summary>
    public static async Task<IReadOnlyList<SnapshotLayer>> LineLayersAsync(IPlanStore store, PlanSnapshot snapshot, IReadOnlyList<ConflictRule> rules, CancellationToken ct)
    {
        var layers = new List<SnapshotLayer>();
        foreach (var layer in await store.GetLayersAsync(snapshot.Version.Id, ct))
        {
            if (layer.Geometry != LayerGeometry.LineString || !rules.Any(r => ConflictRule.Matches(r.KindA, layer.Kind) || ConflictRule.Matches(r.KindB, layer.Kind)))
            {
                continue;
            }

            var features = new List<SnapshotFeature>();
            await foreach (var f in store.StreamFeaturesAsync(snapshot.Version.Id, layer.Id, ct))
            {
                if (f.Geometry is { IsEmpty: false } g)
                {
                    features.Add(new SnapshotFeature(f.Id, snapshot.Projection.Project(g), f.Properties));
                }
            }

            layers.Add(new SnapshotLayer(layer, features));
        }

        return layers;
    }

    /// <summary>
    /// The pieces of a patch per county of <paramref name="counties"/>; the whole patch without a county when the plan
    /// has none or it lies outside them all. Every candidate county is tested, even after one covers the patch: a
    /// county layer need not be a clean partition (overlapping boundaries), and each county it meets gets its piece.
    /// </summary>
    private static IEnumerable<(SnapshotFeature? County, Geometry Piece)> ByCounty(SnapshotLayer? counties, Geometry overlap)
    {
        if (counties is null)
        {
            yield return (null, overlap);
            yield break;
        }

        var inAny = false;
        foreach (var county in counties.Candidates(overlap.EnvelopeInternal))
        {
            if (county.AnyPrepared.Covers(overlap))
            {
                inAny = true;
                yield return (county, overlap);
                continue;
            }

            if (!county.AnyPrepared.Intersects(overlap))
            {
                continue;
            }

            var piece = ConflictOverlap.Keep(OverlayNGRobust.Overlay(overlap, county.Metric, SpatialFunction.Intersection), overlap.Dimension);
            if (!piece.IsEmpty)
            {
                inAny = true;
                yield return (county, piece);
            }
        }

        if (!inAny)
        {
            yield return (null, overlap);
        }
    }

    private static string PatchId(string rule, string layerA, SnapshotFeature a, string layerB, SnapshotFeature b, string? county,
        ConcurrentDictionary<SnapshotFeature, string> hashes)
    {
        var key = string.Join('\n', rule, layerA, a.Id, hashes.GetOrAdd(a, ContentHash), layerB, b.Id, hashes.GetOrAdd(b, ContentHash), county ?? string.Empty);
        return "cp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 10));
    }

    /// <summary>A hash of a feature's geometry and attributes: it changes when, and only when, the feature does.</summary>
    internal static string ContentHash(SnapshotFeature feature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(new WKBWriter().Write(feature.Metric));
        hash.AppendData(Encoding.UTF8.GetBytes(feature.Properties.ToJsonString()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
