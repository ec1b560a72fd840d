using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Spatial;

/// <summary>The summed equal-area area (m²) and number of the features assigned to one group feature (a county, say).</summary>
public sealed record GroupArea(string Id, double AreaM2, long Count);

/// <summary>
/// Areas of a layer's features by group: every group feature in the group layer's order (those with no feature
/// included, at zero), how many features were read, and those whose point on surface fell in no group.
/// </summary>
public sealed record AreaByGroupResult(IReadOnlyList<GroupArea> Groups, long Features, long UnassignedCount, double UnassignedAreaM2);

/// <summary>
/// Area of a layer by the polygons of another (farmland by county): each feature's whole area, in the plan's
/// equal-area projection, goes to every group polygon that contains its point on surface (boundary included) — the
/// form of PostGIS's <c>ST_Intersects(group, ST_PointOnSurface(feature))</c> join, so a feature lying where two
/// groups overlap counts in both, and one outside every group is reported as unassigned. A feature is not split at
/// group boundaries: this is an assignment, not an overlay.
/// Sums are made per batch of features and the batches added in reading order, so the result does not depend on the
/// number of threads.
/// A polygon read as WKB is measured from its bytes (<see cref="PolygonWkb"/>), and when its envelope lies wholly inside
/// or wholly outside each group near it (<see cref="GroupGrid"/>) it is assigned without its point on surface, which
/// lies in that envelope; any other feature is decoded and tested exactly. Both give the same answer to the bit.
/// </summary>
public sealed class AreaByGroup
{
    private const int BatchSize = 4096;

    private readonly EqualAreaProjection _projection;
    private readonly string[] _ids;
    private readonly PackedRTree _tree;
    // Per tree slot: the group's index and its point locator (null for a group without area, which matches nothing).
    private readonly int[] _groupOfSlot;
    private readonly IndexedPointInAreaLocator?[] _locatorOfSlot;
    private readonly GroupGrid?[] _gridOfSlot;

    /// <param name="groups">The group features with their lon/lat geometry; one without polygonal area is listed but receives nothing.</param>
    public AreaByGroup(EqualAreaProjection projection, IReadOnlyList<(string Id, Geometry? Geometry)> groups)
    {
        _projection = projection;
        _ids = [.. groups.Select(g => g.Id)];
        var metric = new Geometry?[groups.Count];
        var bounds = new double[4 * groups.Count];
        Parallel.For(0, groups.Count, i =>
        {
            var g = groups[i].Geometry;
            metric[i] = g is Polygon or MultiPolygon && !g.IsEmpty ? projection.Project(g) : null;
            var e = metric[i]?.EnvelopeInternal;
            (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]) = e is null || e.IsNull
                ? (double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity)
                : (e.MinX, e.MinY, e.MaxX, e.MaxY);
        });

        _tree = new PackedRTree(bounds);
        _groupOfSlot = new int[groups.Count];
        _locatorOfSlot = new IndexedPointInAreaLocator?[groups.Count];
        _gridOfSlot = new GroupGrid?[groups.Count];
        Parallel.For(0, groups.Count, s =>
        {
            var i = _tree.Order[s];
            _groupOfSlot[s] = i;
            if (metric[i] is { } m)
            {
                var locator = new IndexedPointInAreaLocator(m);
                // The locator builds its index on first use; build it here, before threads share it.
                locator.Locate(m.EnvelopeInternal.Centre);
                _locatorOfSlot[s] = locator;
                _gridOfSlot[s] = new GroupGrid(m, locator);
            }
        });
    }

    /// <summary>
    /// Why a stats request cannot be answered from these layers (an unknown layer or a group layer without polygons),
    /// as a sentence naming what is wrong; null when it can.
    /// </summary>
    public static string? Problem(string versionId, IReadOnlyList<PlanLayer> layers, string layerId, string groupLayerId)
    {
        var known = string.Join(", ", layers.Select(l => l.Id));
        if (layers.All(l => l.Id != layerId))
        {
            return $"plan version {versionId} has no layer \"{layerId}\"; layers: {known}";
        }

        if (layers.FirstOrDefault(l => l.Id == groupLayerId) is not { } by)
        {
            return $"plan version {versionId} has no group layer \"{groupLayerId}\"; layers: {known}";
        }

        return by.Geometry == LayerGeometry.Polygon
            ? null
            : $"group layer \"{groupLayerId}\" holds {by.Geometry} features; grouping needs a layer of polygons "
              + $"({string.Join(", ", layers.Where(l => l.Geometry == LayerGeometry.Polygon).Select(l => l.Id))})";
    }

    /// <summary>Reads the group layer and the layer from a store at a version, and sums the layer's areas by group.</summary>
    /// <exception cref="InvalidOperationException">The version has no settings record (no projection).</exception>
    public static async Task<AreaByGroupResult> ComputeAsync(IPlanStore store, PlanVersion version, string layerId, string groupLayerId, CancellationToken ct)
    {
        var settings = await store.GetFeatureAsync(version.Id, PlanSettings.LayerId, PlanSettings.FeatureId, ct)
            ?? throw new InvalidOperationException($"plan version {version.Id} has no settings record ({PlanSettings.LayerId}/{PlanSettings.FeatureId}); re-seed it");
        var groups = new List<(string, Geometry?)>();
        await foreach (var g in store.StreamFeaturesAsync(version.Id, groupLayerId, ct))
        {
            groups.Add((g.Id, g.Geometry));
        }

        var byGroup = new AreaByGroup(PlanSettings.FromFeature(settings).Projection, groups);
        return await byGroup.SumWkbBatchesAsync(store.StreamGeometryBatchesAsync(version.Id, layerId, BatchSize, ct), ct);
    }

    /// <summary>
    /// Sums the areas of lon/lat geometries (null or empty ones count as features of no group and no area) while they
    /// are read: one thread reads, every core projects and assigns batches of features.
    /// </summary>
    public Task<AreaByGroupResult> SumAsync(IAsyncEnumerable<Geometry?> geometries, CancellationToken ct) =>
        SumBatchesAsync(AheadBatches.ReadAsync(geometries, BatchSize, 2, ct), (batch, sums, scratch) =>
        {
            foreach (var g in batch)
            {
                Add(g, sums, scratch.Slots);
            }
        }, ct);

    /// <summary>As <see cref="SumAsync(IAsyncEnumerable{Geometry?}, CancellationToken)"/>, for geometries as OGC WKB, decoded on the workers.</summary>
    public Task<AreaByGroupResult> SumWkbAsync(IAsyncEnumerable<byte[]?> wkbs, CancellationToken ct) => SumWkbBatchesAsync(WkbBatch.PackAsync(wkbs, w => w, BatchSize, ct), ct);

    /// <summary>As <see cref="SumWkbAsync"/>, for the batches of a store's geometry stream; each batch is disposed once summed.</summary>
    public Task<AreaByGroupResult> SumWkbBatchesAsync(IAsyncEnumerable<WkbBatch> batches, CancellationToken ct) =>
        SumBatchesAsync(batches, (batch, sums, scratch) =>
        {
            using (batch)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    AddWkb(batch[i], sums, scratch);
                }
            }
        }, ct);

    private async Task<AreaByGroupResult> SumBatchesAsync<TBatch>(IAsyncEnumerable<TBatch> source, Action<TBatch, Sums, Scratch> add, CancellationToken ct)
    {
        // The reader's share of the work is small next to decoding and testing, so every core works on batches.
        var workers = Math.Max(1, Environment.ProcessorCount);
        var batches = Channel.CreateBounded<(int Index, TBatch Batch)>(new BoundedChannelOptions(2 * workers) { SingleWriter = true });
        var done = new List<Sums>();
        var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            var scratch = new Scratch();
            try
            {
                await foreach (var (index, batch) in batches.Reader.ReadAllAsync(ct))
                {
                    var sums = new Sums(index, _ids.Length);
                    add(batch, sums, scratch);
                    lock (done)
                    {
                        done.Add(sums);
                    }
                }
            }
            catch (Exception e)
            {
                // The reader must not wait on a channel nobody empties any more.
                batches.Writer.TryComplete(e);
                throw;
            }
        }, ct)).ToList();

        try
        {
            var next = 0;
            await foreach (var batch in source.WithCancellation(ct))
            {
                if (!await Write(batches.Writer, (next++, batch), ct))
                {
                    break;
                }
            }
        }
        finally
        {
            batches.Writer.TryComplete();
        }

        await Task.WhenAll(consumers);
        var area = new double[_ids.Length];
        var count = new long[_ids.Length];
        long features = 0, unassigned = 0;
        double unassignedArea = 0;
        foreach (var sums in done.OrderBy(s => s.Index))
        {
            for (var i = 0; i < area.Length; i++)
            {
                area[i] += sums.Area[i];
                count[i] += sums.Count[i];
            }

            features += sums.Features;
            unassigned += sums.Unassigned;
            unassignedArea += sums.UnassignedArea;
        }

        return new AreaByGroupResult([.. _ids.Select((id, i) => new GroupArea(id, area[i], count[i]))], features, unassigned, unassignedArea);
    }

    /// <summary>Writes a batch; false when a worker failed and closed the channel (its exception is rethrown by the caller's wait).</summary>
    private static async Task<bool> Write<TBatch>(ChannelWriter<(int, TBatch)> writer, (int, TBatch) batch, CancellationToken ct)
    {
        try
        {
            await writer.WriteAsync(batch, ct);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <param name="wkb">A feature's WKB; empty when it has no geometry.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddWkb(ReadOnlySpan<byte> wkb, Sums sums, Scratch scratch)
    {
        if (wkb.IsEmpty)
        {
            Add(null, sums, scratch.Slots);
            return;
        }

        if (!PolygonWkb.TryMeasure(wkb, _projection, out var area, out var box) || !TryDecide(box, scratch))
        {
            Add(scratch.Wkb.Read(wkb.ToArray()), sums, scratch.Slots);
            return;
        }

        sums.Features++;
        foreach (var s in scratch.Inside)
        {
            var group = _groupOfSlot[s];
            sums.Area[group] += area;
            sums.Count[group]++;
        }

        if (scratch.Inside.Count == 0)
        {
            sums.Unassigned++;
            sums.UnassignedArea += area;
        }
    }

    /// <summary>
    /// Whether every group whose envelope meets the feature's box holds the box wholly or not at all; if so, those that
    /// hold it (in slot order, as the exact test adds them) are left in <see cref="Scratch.Inside"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryDecide(PolygonWkb.Box box, Scratch scratch)
    {
        scratch.Slots.Clear();
        scratch.Inside.Clear();
        _tree.Query(box.MinX, box.MinY, box.MaxX, box.MaxY, scratch.Slots);
        foreach (var s in scratch.Slots)
        {
            if (_gridOfSlot[s] is not { } grid)
            {
                continue;
            }

            if (grid.Contains(box.MinX, box.MinY, box.MaxX, box.MaxY) is not { } inside)
            {
                return false;
            }

            if (inside)
            {
                scratch.Inside.Add(s);
            }
        }

        return true;
    }

    private void Add(Geometry? lonLat, Sums sums, List<int> slots)
    {
        sums.Features++;
        if (lonLat is null || lonLat.IsEmpty)
        {
            sums.Unassigned++;
            return;
        }

        var metric = _projection.Project(lonLat);
        var area = metric.Area;
        var point = metric.InteriorPoint.Coordinate;
        var assigned = false;
        if (point is not null)
        {
            slots.Clear();
            _tree.Query(point.X, point.Y, point.X, point.Y, slots);
            foreach (var s in slots)
            {
                if (_locatorOfSlot[s] is { } locator && locator.Locate(point) != Location.Exterior)
                {
                    var group = _groupOfSlot[s];
                    sums.Area[group] += area;
                    sums.Count[group]++;
                    assigned = true;
                }
            }
        }

        if (!assigned)
        {
            sums.Unassigned++;
            sums.UnassignedArea += area;
        }
    }

    /// <summary>A worker's reusable state.</summary>
    private sealed class Scratch
    {
        public List<int> Slots { get; } = new(4);

        public List<int> Inside { get; } = new(4);

        public WKBReader Wkb { get; } = new(GeoJsonGeometry.Services);
    }

    private sealed class Sums(int index, int groups)
    {
        public int Index { get; } = index;

        public double[] Area { get; } = new double[groups];

        public long[] Count { get; } = new long[groups];

        public long Features { get; set; }

        public long Unassigned { get; set; }

        public double UnassignedArea { get; set; }
    }
}
