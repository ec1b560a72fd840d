using System.Collections.Concurrent;

namespace Metrocircle.Core.Storage;

/// <summary>
/// Bytes kept per (shard, stored row key), bounded in total. A stored row never changes what it holds (a new version
/// adds rows and retires old ones), so bytes derived from a row stay right for as long as they are kept. Two users:
/// the items pages' encoded features (shard = the items CRS) and the PostGIS store's edge candidates' WKB (issue 15).
/// A hit is two dictionary lookups without allocation (the shard's map by reference-equal string first, then the row
/// by its number) and a store of the reader's tick in the entry; MemoryCache, which this replaces, boxed a composite
/// key, compared its string on every lookup and read the clock on every hit, 7% of a bbox items request's CPU.
/// Past the limit, a background pass drops the least recently read entries until a quarter of the room is free again.
/// </summary>
public sealed class RowBytesCache(long limitBytes)
{
    /// <summary>Roughly what an entry costs beside its bytes (dictionary node, entry object, array header).</summary>
    public const int EntryOverhead = 96;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, Entry>> _byShard = new(StringComparer.Ordinal);
    private long _bytes;
    private long _clock;
    private int _evicting;

    /// <summary>The most bytes kept, overhead included, before a pass drops the least recently read.</summary>
    public long LimitBytes { get; } = limitBytes;

    /// <summary>Bytes held now, overhead included.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The last eviction pass started, for tests that wait for it.</summary>
    internal Task Evicting { get; private set; } = Task.CompletedTask;

    /// <summary>The rows of one shard; a reader asks once and then looks up each of its rows there.</summary>
    public Shard For(string shard) => new(this, _byShard.GetOrAdd(shard, _ => new ConcurrentDictionary<long, Entry>()), Interlocked.Increment(ref _clock));

    private void Added(long size)
    {
        if (Interlocked.Add(ref _bytes, size) > LimitBytes && Interlocked.Exchange(ref _evicting, 1) == 0)
        {
            using (ExecutionContext.SuppressFlow())
            {
                Evicting = Task.Run(Evict);
            }
        }
    }

    private void Evict()
    {
        try
        {
            var target = LimitBytes - (LimitBytes / 4);
            var entries = _byShard.Values.SelectMany(map => map.Select(kv => (Map: map, Row: kv.Key, kv.Value.LastUse))).ToList();
            entries.Sort((a, b) => a.LastUse.CompareTo(b.LastUse));
            foreach (var (map, row, _) in entries)
            {
                if (Interlocked.Read(ref _bytes) <= target)
                {
                    break;
                }

                if (map.TryRemove(row, out var removed))
                {
                    Interlocked.Add(ref _bytes, -(removed.Bytes.Length + EntryOverhead));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }

        // Rows added while the pass ran may have gone past the limit again: another pass, now rather than at the next add.
        if (Interlocked.Read(ref _bytes) > LimitBytes)
        {
            Added(0);
        }
    }

    /// <summary>One shard's rows, as read by one reader (whose reads all count as used at its tick).</summary>
    public readonly struct Shard
    {
        private readonly RowBytesCache _owner;
        private readonly ConcurrentDictionary<long, Entry> _rows;
        private readonly long _tick;

        internal Shard(RowBytesCache owner, ConcurrentDictionary<long, Entry> rows, long tick) => (_owner, _rows, _tick) = (owner, rows, tick);

        public byte[]? Get(long row)
        {
            if (!_rows.TryGetValue(row, out var entry))
            {
                return null;
            }

            entry.LastUse = _tick;
            return entry.Bytes;
        }

        /// <summary>Keeps the bytes of a row (not when they alone exceed the limit); a row another reader has just added keeps theirs, the same bytes.</summary>
        public void Set(long row, byte[] bytes)
        {
            var size = bytes.Length + EntryOverhead;
            if (size <= _owner.LimitBytes && _rows.TryAdd(row, new Entry(bytes, _tick)))
            {
                _owner.Added(size);
            }
        }
    }

    internal sealed class Entry(byte[] bytes, long lastUse)
    {
        public byte[] Bytes { get; } = bytes;

        public long LastUse { get; set; } = lastUse;
    }
}
