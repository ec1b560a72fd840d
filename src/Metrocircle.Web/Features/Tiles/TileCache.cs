using System.Collections.Concurrent;
using System.Diagnostics;
using Metrocircle.Core.Storage;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Features.Operations;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Features.Tiles;

/// <summary>
/// Snapshots and encoded tiles, both keyed by the plan version id. A new version is a new key, so a publish can never
/// serve a tile cut from the version before it; old entries simply stop being asked for. Snapshots are kept for at
/// most two versions (they are large): the one asked for and the one served without parameters, so reading an old
/// version (<c>version=</c>, <c>asOf=</c>) does not throw away the current plan's; encoded tiles live in a
/// size-bounded memory cache.
/// </summary>
internal sealed class TileCache(IPlanStore store, TileOptions options, long maxTileBytes, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<(string Version, string Layer), Lazy<Task<TileSnapshot>>> _snapshots = new();
    private readonly MemoryCache _tiles = new(new MemoryCacheOptions { SizeLimit = maxTileBytes, CompactionPercentage = 0.25 });

    public TileOptions Options => options;

    /// <param name="servedVersionId">The version served without parameters, whose snapshots are kept while another is read.</param>
    public async Task<EncodedTile> GetTileAsync(string versionId, string layerId, TileId tile, string? servedVersionId, CancellationToken ct)
    {
        var key = new TileKey(versionId, layerId, tile.Z, tile.X, tile.Y);
        if (_tiles.TryGetValue(key, out EncodedTile? cached) && cached is not null)
        {
            ServiceMetrics.TileRequests.WithLabels("hit").Inc();
            return cached;
        }

        ServiceMetrics.TileRequests.WithLabels("miss").Inc();

        var snapshot = await GetSnapshotAsync(versionId, layerId, servedVersionId, ct);
        var encoded = MvtEncoder.Encode(snapshot, tile, options);

        // The fixed part approximates the key and entry overhead, so that a flood of empty tiles is bounded too.
        _tiles.Set(key, encoded, new MemoryCacheEntryOptions { Size = encoded.Bytes.Length + 128 });
        return encoded;
    }

    /// <summary>The layer at the version, read from the store once; concurrent first requests share one build.</summary>
    public Task<TileSnapshot> GetSnapshotAsync(string versionId, string layerId, string? servedVersionId, CancellationToken ct)
    {
        var key = (versionId, layerId);
        var lazy = _snapshots.GetOrAdd(key, k => new Lazy<Task<TileSnapshot>>(() => BuildAsync(k.Version, k.Layer)));
        if (lazy.IsValueCreated && lazy.Value.IsFaulted)
        {
            // A failed read (store down) is not remembered: the next request tries again.
            _snapshots.TryRemove(new KeyValuePair<(string, string), Lazy<Task<TileSnapshot>>>(key, lazy));
            lazy = _snapshots.GetOrAdd(key, k => new Lazy<Task<TileSnapshot>>(() => BuildAsync(k.Version, k.Layer)));
        }

        // Snapshots of other versions are no longer served; dropping them frees the memory of the old plan.
        foreach (var old in _snapshots.Keys.Where(k => k.Version != versionId && k.Version != servedVersionId))
        {
            _snapshots.TryRemove(old, out _);
        }

        return lazy.Value.WaitAsync(ct);
    }

    public void Dispose() => _tiles.Dispose();

    private async Task<TileSnapshot> BuildAsync(string versionId, string layerId)
    {
        // Not the first caller's token: other requests wait on the same build, and it is cancelled with none of them.
        var watch = Stopwatch.StartNew();
        var snapshot = await TileSnapshot.BuildAsync(layerId, store.StreamFeaturesAsync(versionId, layerId, CancellationToken.None), CancellationToken.None);
        var built = watch.ElapsedMilliseconds;
        Plan.LargeBuilds.ReturnMemory(snapshot.Count);
        logger.LogInformation("Tile snapshot of {Layer} at {Version}: {Count} features in {Ms} ms (then {GcMs} ms returning the build's memory)",
            layerId, versionId, snapshot.Count, built, watch.ElapsedMilliseconds - built);
        return snapshot;
    }

    private readonly record struct TileKey(string Version, string Layer, int Z, int X, int Y);
}
