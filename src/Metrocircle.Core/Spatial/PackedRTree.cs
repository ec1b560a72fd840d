using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Metrocircle.Core.Spatial;

/// <summary>
/// A static R-tree over item bounds, packed in Sort-Tile-Recursive order with 16 entries per node. Each node keeps
/// its 16 children's boxes as four runs of 16 floats (min x, min y, max x, max y): one query step is a few vector
/// compares over four cache lines, without a branch per child, and the whole tree of a million parcels is 21 MB.
/// Float boxes are rounded outwards, so a query returns every item whose exact box meets the query box, and rarely
/// one that only comes within float rounding (centimetres at these coordinates); callers test candidates exactly.
/// Items are addressed by their slot (position in packed order), so that callers can store per-item data in the
/// same order and read the candidates of one query from neighbouring memory.
/// </summary>
internal sealed class PackedRTree
{
    private const int NodeSize = 16;
    private const int Block = 4 * NodeSize;

    // Node blocks, level 0 (whose children are items) first, the root last. Node n of level k has children
    // 16n .. 16n + 15 of level k - 1 (items for level 0); unused children hold an empty box that meets nothing.
    private readonly float[] _blocks;
    private readonly int[] _levelStart;

    public PackedRTree(ReadOnlySpan<double> itemBounds)
        : this(itemBounds, null)
    {
    }

    /// <param name="order">The packed order to use (slot → item), when the caller has one already (a layer changed in a
    /// few places keeps its neighbours together); null to compute the Sort-Tile-Recursive order. Any order gives a
    /// correct tree; a good one gives a fast tree.</param>
    public PackedRTree(ReadOnlySpan<double> itemBounds, int[]? order)
    {
        Count = itemBounds.Length / 4;
        Order = order ?? StrOrder(itemBounds, Count);
        if (Order.Length != Count)
        {
            throw new ArgumentException($"an order of {Order.Length} items for {Count} items", nameof(order));
        }

        var starts = new List<int>();
        var total = 0;
        var entries = Count;
        do
        {
            var nodes = Math.Max(1, (entries + NodeSize - 1) / NodeSize);
            starts.Add(total);
            total += nodes;
            entries = nodes;
        }
        while (entries > 1);

        _levelStart = [.. starts];
        _blocks = new float[Block * total];
        for (var node = 0; node < total; node++)
        {
            var b = _blocks.AsSpan(Block * node, Block);
            b[..(2 * NodeSize)].Fill(float.PositiveInfinity);
            b[(2 * NodeSize)..].Fill(float.NegativeInfinity);
        }

        // Level 0 from the items' exact bounds, each level above from the boxes of the one below.
        var boxes = new double[4 * Count];
        for (var s = 0; s < Count; s++)
        {
            itemBounds.Slice(4 * Order[s], 4).CopyTo(boxes.AsSpan(4 * s, 4));
        }

        for (var level = 0; level < _levelStart.Length; level++)
        {
            var children = boxes.Length / 4;
            var nodes = (level + 1 < _levelStart.Length ? _levelStart[level + 1] : total) - _levelStart[level];
            var parents = new double[4 * nodes];
            for (var node = 0; node < nodes; node++)
            {
                double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
                var block = _blocks.AsSpan(Block * (_levelStart[level] + node), Block);
                for (var c = 0; c < NodeSize && (NodeSize * node) + c < children; c++)
                {
                    var o = 4 * ((NodeSize * node) + c);
                    block[c] = Down(boxes[o]);
                    block[NodeSize + c] = Down(boxes[o + 1]);
                    block[(2 * NodeSize) + c] = Up(boxes[o + 2]);
                    block[(3 * NodeSize) + c] = Up(boxes[o + 3]);
                    minX = Math.Min(minX, boxes[o]);
                    minY = Math.Min(minY, boxes[o + 1]);
                    maxX = Math.Max(maxX, boxes[o + 2]);
                    maxY = Math.Max(maxY, boxes[o + 3]);
                }

                (parents[4 * node], parents[(4 * node) + 1], parents[(4 * node) + 2], parents[(4 * node) + 3]) = (minX, minY, maxX, maxY);
            }

            boxes = parents;
        }
    }

    public int Count { get; }

    /// <summary>The item (index into the bounds given) held in each slot.</summary>
    public int[] Order { get; }

    /// <summary>
    /// Appends to <paramref name="slots"/> the slot of every item whose bounds meet the box (closed intervals), plus
    /// possibly an item within float rounding of it.
    /// </summary>
    public void Query(double minX, double minY, double maxX, double maxY, List<int> slots)
    {
        if (Count == 0)
        {
            return;
        }

        var query = new Box(Down(minX), Down(minY), Up(maxX), Up(maxY));
        Span<int> stack = stackalloc int[2 * NodeSize * _levelStart.Length];
        var top = 0;
        stack[top++] = _levelStart.Length - 1;
        stack[top++] = 0;
        while (top > 0)
        {
            var node = stack[--top];
            var level = stack[--top];
            var mask = Children(level, node, query);
            while (mask != 0)
            {
                var child = (NodeSize * node) + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (level == 0)
                {
                    slots.Add(child);
                }
                else
                {
                    stack[top++] = level - 1;
                    stack[top++] = child;
                }
            }
        }
    }

    /// <summary>Whether any item's bounds meet the box, or come within float rounding of it; stops at the first.</summary>
    public bool Any(double minX, double minY, double maxX, double maxY)
    {
        if (Count == 0)
        {
            return false;
        }

        var query = new Box(Down(minX), Down(minY), Up(maxX), Up(maxY));
        Span<int> stack = stackalloc int[2 * NodeSize * _levelStart.Length];
        var top = 0;
        stack[top++] = _levelStart.Length - 1;
        stack[top++] = 0;
        while (top > 0)
        {
            var node = stack[--top];
            var level = stack[--top];
            var mask = Children(level, node, query);
            if (mask != 0 && level == 0)
            {
                return true;
            }

            while (mask != 0)
            {
                stack[top++] = level - 1;
                stack[top++] = (NodeSize * node) + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
        }

        return false;
    }

    /// <summary>Bytes the tree holds (its node boxes and its slot order).</summary>
    public long Bytes => (4L * _blocks.Length) + (4L * Order.Length);

    /// <summary>Whether the float box of the item in <paramref name="slot"/> lies within the given box; as the float box
    /// contains the item's exact bounds, true means the exact bounds do too.</summary>
    public bool SlotWithin(int slot, double minX, double minY, double maxX, double maxY)
    {
        var at = (Block * (slot / NodeSize)) + (slot % NodeSize);
        return _blocks[at] >= minX && _blocks[at + NodeSize] >= minY && _blocks[at + (2 * NodeSize)] <= maxX && _blocks[at + (3 * NodeSize)] <= maxY;
    }

    private readonly record struct Box(float MinX, float MinY, float MaxX, float MaxY);

    /// <summary>A bit per child of the node whose box meets the query box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Children(int level, int node, Box q)
    {
        ref var block = ref MemoryMarshal.GetArrayDataReference(_blocks);
        block = ref Unsafe.Add(ref block, Block * (_levelStart[level] + node));
        if (Vector256.IsHardwareAccelerated)
        {
            return Half(ref block, q) | (Half(ref Unsafe.Add(ref block, 8), q) << 8);
        }

        var mask = 0u;
        for (var c = 0; c < NodeSize; c++)
        {
            if (Unsafe.Add(ref block, c) <= q.MaxX && Unsafe.Add(ref block, NodeSize + c) <= q.MaxY
                && Unsafe.Add(ref block, (2 * NodeSize) + c) >= q.MinX && Unsafe.Add(ref block, (3 * NodeSize) + c) >= q.MinY)
            {
                mask |= 1u << c;
            }
        }

        return mask;
    }

    // Eight children at once: min x ≤ query max x, min y ≤ query max y, max x ≥ query min x, max y ≥ query min y.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Half(ref float at, Box q)
    {
        var meets = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref at), Vector256.Create(q.MaxX))
            & Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref at, NodeSize), Vector256.Create(q.MaxY))
            & Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref at, 2 * NodeSize), Vector256.Create(q.MinX))
            & Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref at, 3 * NodeSize), Vector256.Create(q.MinY));
        return meets.ExtractMostSignificantBits();
    }

    // The float at or below / at or above a double, so that float boxes contain the exact ones.
    private static float Down(double value)
    {
        var f = (float)value;
        return f > value ? MathF.BitDecrement(f) : f;
    }

    private static float Up(double value)
    {
        var f = (float)value;
        return f < value ? MathF.BitIncrement(f) : f;
    }

    /// <summary>Indices of the boxes (min x, min y, max x, max y each) in Sort-Tile-Recursive order: neighbours in space end up near each other.</summary>
    internal static int[] StrOrder(ReadOnlySpan<double> bounds, int count)
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
        var perSlice = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(leaves))) * NodeSize;
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
