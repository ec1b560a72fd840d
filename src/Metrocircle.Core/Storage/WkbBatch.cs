using System.Buffers;
using System.Runtime.CompilerServices;

namespace Metrocircle.Core.Storage;

/// <summary>
/// Consecutive features' geometries from a whole-layer geometry stream, as OGC WKB packed end to end in one buffer (a
/// feature without geometry has an empty span). The buffers are rented from the shared array pool and go back when the
/// batch is disposed, so that a million-row stream reuses a few buffers where it allocated an array a row: whoever
/// finishes with a batch disposes it. A batch is filled by one thread and then read by one at a time.
/// </summary>
public sealed class WkbBatch : IDisposable
{
    private readonly int _capacity;
    private byte[] _bytes;
    private int[] _ends;
    private int _length;

    /// <param name="capacity">Features the batch holds at most.</param>
    /// <param name="bytesPerFeature">Bytes first set aside a feature; the buffer grows when they are not enough.</param>
    public WkbBatch(int capacity, int bytesPerFeature = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ends = ArrayPool<int>.Shared.Rent(capacity);
        _bytes = ArrayPool<byte>.Shared.Rent(capacity * Math.Max(16, bytesPerFeature));
    }

    /// <summary>Features in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the batch holds as many features as it may.</summary>
    public bool IsFull => Count == _capacity;

    /// <summary>Feature <paramref name="index"/>'s WKB; empty when it has no geometry.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>Appends a feature's WKB (empty for none).</summary>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    public void Add(ReadOnlySpan<byte> wkb)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"the batch already holds its {_capacity} features");
        }

        if (_length + wkb.Length > _bytes.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * _bytes.Length, _length + wkb.Length));
            _bytes.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }

        wkb.CopyTo(_bytes.AsSpan(_length));
        _length += wkb.Length;
        _ends[Count++] = _length;
    }

    /// <summary>
    /// Gathers the WKB of a stream's items (<paramref name="wkb"/>; null for no geometry) into batches of
    /// <paramref name="batchSize"/>, the last holding the rest. A batch not yet handed over when the enumeration stops
    /// (the caller stopped early, or the stream failed) goes back to the pool.
    /// </summary>
    public static async IAsyncEnumerable<WkbBatch> PackAsync<T>(IAsyncEnumerable<T> items, Func<T, byte[]?> wkb, int batchSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        WkbBatch? batch = null;
        try
        {
            await foreach (var item in items.WithCancellation(ct))
            {
                batch ??= new WkbBatch(batchSize);
                batch.Add(wkb(item));
                if (batch.IsFull)
                {
                    var full = batch;
                    batch = null;
                    yield return full;
                }
            }

            if (batch is { Count: > 0 } last)
            {
                batch = null;
                yield return last;
            }
        }
        finally
        {
            batch?.Dispose();
        }
    }

    /// <summary>Gives the buffers back to the pool; the batch is empty afterwards and must not be filled again.</summary>
    public void Dispose()
    {
        if (_ends.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<int>.Shared.Return(_ends);
        (_bytes, _ends, _length, Count) = ([], [], 0, 0);
    }
}
