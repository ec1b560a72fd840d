namespace Metrocircle.Core.Tiles;

/// <summary>
/// A static R-tree packed by Sort-Tile-Recursive order: items are sorted into vertical slices by x and within a slice
/// by y, then grouped 16 to a node, level by level. Bounds live in flat arrays (no object per item), which keeps a
/// million-item tree near 40 MB and its queries free of allocation beyond the result list.
/// </summary>
internal sealed class PackedStrTree
{
    private const int NodeSize = 16;

    // _levels[0] holds the items' bounds in STR order; _levels[k] the bounds of the nodes grouping 16 entries of level k-1.
    // Bounds are minX, minY, maxX, maxY per entry.
    private readonly double[][] _levels;
    private readonly int[] _itemOrder;

    public PackedStrTree(double[] itemBounds, int count)
    {
        Count = count;
        _itemOrder = StrOrder(itemBounds, count);
        var leaf = new double[count * 4];
        for (var i = 0; i < count; i++)
        {
            Array.Copy(itemBounds, _itemOrder[i] * 4, leaf, i * 4, 4);
        }

        var levels = new List<double[]> { leaf };
        var below = leaf;
        var belowCount = count;
        while (belowCount > NodeSize)
        {
            var nodes = (belowCount + NodeSize - 1) / NodeSize;
            var level = new double[nodes * 4];
            for (var n = 0; n < nodes; n++)
            {
                double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
                for (var c = n * NodeSize; c < Math.Min(belowCount, (n + 1) * NodeSize); c++)
                {
                    minX = Math.Min(minX, below[c * 4]);
                    minY = Math.Min(minY, below[(c * 4) + 1]);
                    maxX = Math.Max(maxX, below[(c * 4) + 2]);
                    maxY = Math.Max(maxY, below[(c * 4) + 3]);
                }

                level[n * 4] = minX;
                level[(n * 4) + 1] = minY;
                level[(n * 4) + 2] = maxX;
                level[(n * 4) + 3] = maxY;
            }

            levels.Add(level);
            below = level;
            belowCount = nodes;
        }

        _levels = [.. levels];
    }

    public int Count { get; }

    /// <summary>Adds to <paramref name="result"/> the index of every item whose bounds intersect the box.</summary>
    public void Query(double minX, double minY, double maxX, double maxY, List<int> result)
    {
        if (Count == 0)
        {
            return;
        }

        var stack = new Stack<(int Level, int Index)>();
        var top = _levels.Length - 1;
        for (var i = 0; i < _levels[top].Length / 4; i++)
        {
            stack.Push((top, i));
        }

        while (stack.TryPop(out var entry))
        {
            var b = _levels[entry.Level];
            var o = entry.Index * 4;
            if (b[o] > maxX || b[o + 2] < minX || b[o + 1] > maxY || b[o + 3] < minY)
            {
                continue;
            }

            if (entry.Level == 0)
            {
                result.Add(_itemOrder[entry.Index]);
                continue;
            }

            var childCount = _levels[entry.Level - 1].Length / 4;
            for (var c = entry.Index * NodeSize; c < Math.Min(childCount, (entry.Index + 1) * NodeSize); c++)
            {
                stack.Push((entry.Level - 1, c));
            }
        }
    }

    private static int[] StrOrder(double[] bounds, int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        double CenterX(int i) => (bounds[i * 4] + bounds[(i * 4) + 2]) / 2;
        double CenterY(int i) => (bounds[(i * 4) + 1] + bounds[(i * 4) + 3]) / 2;
        var keys = new double[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = CenterX(i);
        }

        Array.Sort(keys, order);
        var leaves = (count + NodeSize - 1) / NodeSize;
        var slices = (int)Math.Ceiling(Math.Sqrt(leaves));
        var perSlice = slices == 0 ? count : slices * NodeSize;
        for (var start = 0; start < count; start += perSlice)
        {
            var length = Math.Min(perSlice, count - start);
            var sliceKeys = new double[length];
            var slice = new int[length];
            for (var i = 0; i < length; i++)
            {
                slice[i] = order[start + i];
                sliceKeys[i] = CenterY(slice[i]);
            }

            Array.Sort(sliceKeys, slice);
            Array.Copy(slice, 0, order, start, length);
        }

        return order;
    }
}
