namespace Metrocircle.Core.Tiles;

/// <summary>
/// An append-only array for building a large tile snapshot. It doubles while it is small and grows by an eighth once
/// it holds a million items, and a large one becomes the snapshot's storage as it is, its unused tail (at most an
/// eighth) included. A <see cref="List{T}"/> holds up to twice its items, and copying it to an exact array at the end
/// needs room for a third copy beside that: at ten million parcels about a gigabyte more than the snapshot, for a moment.
/// </summary>
internal sealed class GrowingArray<T>
{
    private const int Steady = 1 << 20;

    private T[] _items = [];

    public int Count { get; private set; }

    public T this[int i] => _items[i];

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count < Steady ? Math.Max(16, 2 * Count) : Count + (Count / 8));
        }

        _items[Count++] = item;
    }

    /// <summary>
    /// The items at 0 .. <see cref="Count"/> - 1 of the returned array: cut to their number when small (the copy is
    /// cheap), kept with their tail when large (a copy would need the room this class exists to save).
    /// </summary>
    public T[] Freeze()
    {
        if (Count < Steady && _items.Length != Count)
        {
            Array.Resize(ref _items, Count);
        }

        return _items;
    }
}
