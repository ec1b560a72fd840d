namespace Metrocircle.Core.Alignment;

/// <summary>
/// A static R-tree over item bounds, packed in Sort-Tile-Recursive order with 16 entries per node and every level in
/// flat arrays. A query touches a few cache lines per level and allocates nothing: for a million parcels an STR-tree
/// of node objects costs a chain of dependent pointer loads per candidate, which dominated a check.
/// Items are addressed by their slot (position in packed order), so that callers can store per-item data in the same
/// order and read the candidates of one query from neighbouring memory.
/// </summary>
internal sealed class PackedRTree
{
    private const int NodeSize = 16;

    // Bounds of every entry, leaves first, then each level of nodes: minX, minY, maxX, maxY per entry. A node n of
    // level k groups entries [16n, 16n + 16) of level k - 1.
    private readonly double[] _bounds;
    private readonly int[] _levelStart;
    private readonly int[] _levelCount;

    public PackedRTree(ReadOnlySpan<double> itemBounds)
    {
        Count = itemBounds.Length / 4;
        Order = StrOrder(itemBounds, Count);
        var starts = new List<int> { 0 };
        var counts = new List<int> { Count };
        var total = Count;
        for (var n = Count; n > 1;)
        {
            n = (n + NodeSize - 1) / NodeSize;
            starts.Add(total);
            counts.Add(n);
            total += n;
        }

        _levelStart = [.. starts];
        _levelCount = [.. counts];
        _bounds = new double[4 * total];
        for (var s = 0; s < Count; s++)
        {
            itemBounds.Slice(4 * Order[s], 4).CopyTo(_bounds.AsSpan(4 * s, 4));
        }

        for (var level = 1; level < _levelStart.Length; level++)
        {
            var below = _levelStart[level - 1];
            var belowCount = _levelCount[level - 1];
            for (var node = 0; node < _levelCount[level]; node++)
            {
                double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
                for (var c = node * NodeSize; c < Math.Min(belowCount, (node + 1) * NodeSize); c++)
                {
                    var o = 4 * (below + c);
                    minX = Math.Min(minX, _bounds[o]);
                    minY = Math.Min(minY, _bounds[o + 1]);
                    maxX = Math.Max(maxX, _bounds[o + 2]);
                    maxY = Math.Max(maxY, _bounds[o + 3]);
                }

                var t = 4 * (_levelStart[level] + node);
                (_bounds[t], _bounds[t + 1], _bounds[t + 2], _bounds[t + 3]) = (minX, minY, maxX, maxY);
            }
        }
    }

    public int Count { get; }

    /// <summary>The item (index into the bounds given) held in each slot.</summary>
    public int[] Order { get; }

    /// <summary>Appends to <paramref name="slots"/> the slot of every item whose bounds meet the box (closed intervals).</summary>
    public void Query(double minX, double minY, double maxX, double maxY, List<int> slots)
    {
        if (Count == 0)
        {
            return;
        }

        // Depth-first over (level, node) pairs; at most 16 entries per level wait on the stack.
        Span<int> stack = stackalloc int[2 * NodeSize * _levelStart.Length];
        var top = 0;
        stack[top++] = _levelStart.Length - 1;
        stack[top++] = 0;
        var bounds = _bounds;
        while (top > 0)
        {
            var node = stack[--top];
            var level = stack[--top];
            var childLevel = level - 1;
            if (childLevel < 0)
            {
                // Only the root can be a leaf: a tree of one item.
                if (Meets(bounds, 0, minX, minY, maxX, maxY))
                {
                    slots.Add(0);
                }

                continue;
            }

            var first = node * NodeSize;
            var end = Math.Min(_levelCount[childLevel], first + NodeSize);
            var offset = _levelStart[childLevel];
            for (var c = first; c < end; c++)
            {
                if (!Meets(bounds, offset + c, minX, minY, maxX, maxY))
                {
                    continue;
                }

                if (childLevel == 0)
                {
                    slots.Add(c);
                }
                else
                {
                    stack[top++] = childLevel;
                    stack[top++] = c;
                }
            }
        }
    }

    /// <summary>Whether any item's bounds meet the box; stops at the first.</summary>
    public bool Any(double minX, double minY, double maxX, double maxY)
    {
        if (Count == 0)
        {
            return false;
        }

        Span<int> stack = stackalloc int[2 * NodeSize * _levelStart.Length];
        var top = 0;
        stack[top++] = _levelStart.Length - 1;
        stack[top++] = 0;
        var bounds = _bounds;
        while (top > 0)
        {
            var node = stack[--top];
            var level = stack[--top];
            var childLevel = level - 1;
            if (childLevel < 0)
            {
                return Meets(bounds, 0, minX, minY, maxX, maxY);
            }

            var first = node * NodeSize;
            var end = Math.Min(_levelCount[childLevel], first + NodeSize);
            var offset = _levelStart[childLevel];
            for (var c = first; c < end; c++)
            {
                if (!Meets(bounds, offset + c, minX, minY, maxX, maxY))
                {
                    continue;
                }

                if (childLevel == 0)
                {
                    return true;
                }

                stack[top++] = childLevel;
                stack[top++] = c;
            }
        }

        return false;
    }

    private static bool Meets(double[] bounds, int entry, double minX, double minY, double maxX, double maxY)
    {
        var o = 4 * entry;
        return bounds[o] <= maxX && bounds[o + 2] >= minX && bounds[o + 1] <= maxY && bounds[o + 3] >= minY;
    }

    private static int[] StrOrder(ReadOnlySpan<double> bounds, int count)
    {
        var order = new int[count];
        var keys = new double[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
            keys[i] = bounds[4 * i] + bounds[(4 * i) + 2];
        }

        Array.Sort(keys, order);
        var leaves = (count + NodeSize - 1) / NodeSize;
        var perSlice = (int)Math.Ceiling(Math.Sqrt(leaves)) * NodeSize;
        for (var start = 0; start < count; start += perSlice)
        {
            var length = Math.Min(perSlice, count - start);
            for (var i = 0; i < length; i++)
            {
                keys[start + i] = bounds[(4 * order[start + i]) + 1] + bounds[(4 * order[start + i]) + 3];
            }

            Array.Sort(keys, order, start, length);
        }

        return order;
    }
}
