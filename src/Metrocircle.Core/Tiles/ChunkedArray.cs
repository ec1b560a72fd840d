using System.Runtime.CompilerServices;

namespace Metrocircle.Core.Tiles;

/// <summary>
/// An append-only array kept in chunks of 1,048,576 items, for building a large tile snapshot. Appending never copies
/// what is already there; the chunks are then either the snapshot's storage as they are (<see cref="Freeze"/>: the
/// coordinates, the value table) or moved into one exact array, each let go as it is copied (<see cref="MoveToArray"/>:
/// the arrays the tile encoder reads in its inner loop). A growing <see cref="List{T}"/> leaves each outgrown copy
/// behind as garbage until a full collection, holds up to twice its items, and is copied once more into an exact array
/// at the end: together several times the items, for a while, at ten million parcels. Only the first chunk grows
/// (from 16 items), so a small layer stays small.
/// </summary>
internal sealed class ChunkedArray<T>
{
    private const int Shift = 20;
    internal const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private T[][] _chunks = [];
    private int _chunkCount;

    public int Count { get; private set; }

    public T this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _chunks[i >> Shift][i & Mask];
    }

    public void Add(T item)
    {
        var offset = Count & Mask;
        if (_chunkCount == 0 || (offset == 0 && Count > 0))
        {
            if (_chunkCount == _chunks.Length)
            {
                Array.Resize(ref _chunks, Math.Max(4, 2 * _chunkCount));
            }

            var size = _chunkCount == 0 ? 16 : ChunkSize;
            _chunks[_chunkCount++] = new T[size];
        }
        else if (_chunkCount == 1 && _chunks[0].Length == offset)
        {
            // Only the first chunk is ever short: it doubles until it holds a whole chunk's items.
            Array.Resize(ref _chunks[0], Math.Min(2 * offset, ChunkSize));
        }

        _chunks[_chunkCount - 1][offset] = item;
        Count++;
    }

    /// <summary>Appends the items in order, a chunk's worth at a time.</summary>
    public void AddRange(ReadOnlySpan<T> items)
    {
        while (items.Length > 0)
        {
            var offset = Count & Mask;
            if (_chunkCount == 0 || _chunks[_chunkCount - 1].Length == offset || (offset == 0 && Count > 0))
            {
                // No room in the last chunk: one item the usual way opens (or grows) a chunk.
                Add(items[0]);
                items = items[1..];
                continue;
            }

            var chunk = _chunks[_chunkCount - 1];
            var n = Math.Min(items.Length, chunk.Length - offset);
            items[..n].CopyTo(chunk.AsSpan(offset));
            Count += n;
            items = items[n..];
        }
    }

    /// <summary>
    /// The items from <paramref name="from"/> up to <paramref name="to"/> (exclusive) or to the end of
    /// <paramref name="from"/>'s chunk, whichever comes first; read on from the item after it.
    /// </summary>
    public ReadOnlySpan<T> Segment(int from, int to)
    {
        var offset = from & Mask;
        return _chunks[from >> Shift].AsSpan(offset, Math.Min(to - from, ChunkSize - offset));
    }

    /// <summary>
    /// The items in one array of their exact length; the chunks are let go as they are copied (the array is empty
    /// afterwards), so that a collection can take them back while the next array is made.
    /// </summary>
    public T[] MoveToArray()
    {
        var result = new T[Count];
        for (var c = 0; c < _chunkCount; c++)
        {
            var n = Math.Min(ChunkSize, Count - (c << Shift));
            Array.Copy(_chunks[c], 0, result, c << Shift, n);
            _chunks[c] = [];
        }

        _chunks = [];
        _chunkCount = 0;
        Count = 0;
        return result;
    }

    /// <summary>Ends the appending: the last chunk is cut to what it holds, and so is the list of chunks.</summary>
    public ChunkedArray<T> Freeze()
    {
        if (_chunkCount > 0)
        {
            var used = Count - ((_chunkCount - 1) << Shift);
            if (_chunks[_chunkCount - 1].Length != used)
            {
                Array.Resize(ref _chunks[_chunkCount - 1], used);
            }
        }

        Array.Resize(ref _chunks, _chunkCount);
        return this;
    }
}
