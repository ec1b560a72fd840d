namespace Metrocircle.Core.Tiles;

/// <summary>
/// An append-only array kept in chunks of 65,536 items, for building a large tile snapshot. Appending never copies
/// what is already there, and the chunks become the snapshot's storage as they are. A growing <see cref="List{T}"/>
/// leaves each outgrown copy behind as garbage until a full collection, holds up to twice its items, and is copied
/// once more into an exact array at the end: together several times the items, for a while, at ten million parcels.
/// Only the first chunk grows (from 16 items), so a small layer stays small.
/// </summary>
internal sealed class ChunkedArray<T>
{
    private const int Shift = 16;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private readonly List<T[]> _building = [];
    private T[][] _chunks = [];

    public int Count { get; private set; }

    public T this[int i] => _chunks.Length > 0 ? _chunks[i >> Shift][i & Mask] : _building[i >> Shift][i & Mask];

    public void Add(T item)
    {
        var offset = Count & Mask;
        if (offset == 0 && Count > 0)
        {
            _building.Add(new T[ChunkSize]);
        }
        else if (_building.Count == 0)
        {
            _building.Add(new T[16]);
        }
        else if (_building[0].Length == offset)
        {
            var grown = _building[0];
            Array.Resize(ref grown, Math.Min(2 * offset, ChunkSize));
            _building[0] = grown;
        }

        _building[^1][offset] = item;
        Count++;
    }

    /// <summary>Ends the appending: the last chunk is cut to what it holds, and the items are from then on only read.</summary>
    public ChunkedArray<T> Freeze()
    {
        if (_building.Count > 0)
        {
            var used = Count - ((_building.Count - 1) << Shift);
            var last = _building[^1];
            if (last.Length != used)
            {
                Array.Resize(ref last, used);
                _building[^1] = last;
            }
        }

        _chunks = [.. _building];
        _building.Clear();
        return this;
    }
}
