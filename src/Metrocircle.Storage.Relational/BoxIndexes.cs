using System.Globalization;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The in-memory box indexes of the large layers bbox pages are asked of, one per (plan, version sequence, layer),
/// built in the background the first time a page is asked of the layer at that version: until one is ready (and for a
/// layer under the size that pays), pages come from the store's own spatial index (SQLite's R*Tree, PostGIS's GiST) as before. The most recently used
/// <see cref="Keep"/> indexes are kept; a version is committed before it can be asked of, and its rows never change
/// after, so an index never goes stale. With the indexes goes the cache of the edge candidates' WKB that their pages
/// read (<see cref="EdgeBlobs"/>).
/// </summary>
/// <param name="buildInline">Whether the page that starts a build waits for it (tests that must know which path answered).</param>
/// <param name="edgeCacheMegabytes">How many MiB of edge candidates' WKB are kept; 0 reads it every time.</param>
internal sealed class BoxIndexes(Func<(string PlanId, int Seq), string, CancellationToken, Task<KeyBoxIndex?>> build, Action<StoreNotice> notice,
    bool buildInline, int edgeCacheMegabytes) : IAsyncDisposable
{
    /// <summary>How many indexes are kept (a million-parcel layer's is about 28 MiB).</summary>
    public const int Keep = 8;

    /// <summary>How long a failed build is left before a page asks for it again.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string PlanId, int Seq, string LayerId), Entry> _entries = [];
    private readonly CancellationTokenSource _lifetime = new();
    private long _clock;

    /// <summary>Whether the page that starts a build waits for it.</summary>
    public bool BuildInline { get; } = buildInline;

    /// <summary>The WKB of edge candidates read so far (a row's geometry never changes), or null when none is kept.</summary>
    public RowBytesCache? EdgeBlobs { get; } = edgeCacheMegabytes >= 0
        ? edgeCacheMegabytes > 0 ? new RowBytesCache(edgeCacheMegabytes * 1024L * 1024L) : null
        : throw new ArgumentOutOfRangeException(nameof(edgeCacheMegabytes), edgeCacheMegabytes, "must not be negative");

    /// <summary>
    /// The ready index of the layer at the version, or null: while it is built, when the layer is under the size that
    /// pays, and the first time, when the build this starts is returned as well.
    /// </summary>
    public (KeyBoxIndex? Index, Task? Started) Find((string PlanId, int Seq) version, string layerId)
    {
        lock (_gate)
        {
            var key = (version.PlanId, version.Seq, layerId);
            if (_entries.TryGetValue(key, out var known) && !(known.FailedAt is { } at && DateTime.UtcNow - at > RetryAfter))
            {
                known.LastUse = ++_clock;
                return (known.Index, null);
            }

            if (_lifetime.IsCancellationRequested)
            {
                return (null, null);
            }

            var entry = new Entry { LastUse = ++_clock };
            _entries[key] = entry;
            // The build is the store's work, not the asking request's: it carries none of the request's context (its log scope, its activity).
            using (ExecutionContext.SuppressFlow())
            {
                entry.Building = Task.Run(() => BuildAsync(version, layerId, entry));
            }

            return (null, entry.Building);
        }
    }

    /// <summary>Every build under way, for tests that need an index in place before they compare.</summary>
    internal Task WhenBuiltAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_entries.Values.Select(e => e.Building).OfType<Task>());
        }
    }

    /// <summary>Indexes held now, and their bytes.</summary>
    internal (int Count, long Bytes) Held()
    {
        lock (_gate)
        {
            var ready = _entries.Values.Where(e => e.Index is not null).ToList();
            return (ready.Count, ready.Sum(e => e.Index!.Bytes));
        }
    }

    private async Task BuildAsync((string PlanId, int Seq) version, string layerId, Entry entry)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var index = await build(version, layerId, _lifetime.Token);
            lock (_gate)
            {
                entry.Index = index;
                Evict();
            }

            if (index is not null)
            {
                notice(new StoreNotice(string.Create(CultureInfo.InvariantCulture,
                    $"Box index of {layerId} at {version.PlanId} #{version.Seq}: {index.Count:N0} rows, {index.Bytes / 1048576.0:F1} MiB, built in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"),
                    index.Count));
            }
        }
        catch (Exception) when (_lifetime.IsCancellationRequested)
        {
            // The store is closing.
        }
        catch (Exception e)
        {
            // A page is still answered from the store's spatial index; the build is tried again a minute later.
            lock (_gate)
            {
                entry.FailedAt = DateTime.UtcNow;
            }

            notice(new StoreNotice($"Box index of {layerId} at {version.PlanId} #{version.Seq} failed (pages come from the store's spatial index; tried again in a minute): {e.Message}"));
        }
    }

    private void Evict()
    {
        var ready = _entries.Where(kv => kv.Value.Index is not null).OrderByDescending(kv => kv.Value.LastUse).Skip(Keep).Select(kv => kv.Key).ToList();
        foreach (var key in ready)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Stops the builds under way and waits for them; a store may be disposed more than once, and this with it.</summary>
    public async ValueTask DisposeAsync()
    {
        // The source has no timer and no linked token, so it is cancelled and left for the collector, never disposed:
        // a second dispose, or a page asking after the first, finds it cancelled rather than gone.
        await _lifetime.CancelAsync();
        try
        {
            await WhenBuiltAsync();
        }
        catch (Exception)
        {
            // Each build has recorded its own end; a cancelled one has nothing to keep.
        }
    }

    private sealed class Entry
    {
        /// <summary>The index, or null while it is built, when the layer is under the size that pays, or after a failure.</summary>
        public KeyBoxIndex? Index { get; set; }

        public Task? Building { get; set; }

        public DateTime? FailedAt { get; set; }

        public long LastUse { get; set; }
    }
}
