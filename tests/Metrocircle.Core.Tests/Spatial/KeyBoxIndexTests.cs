using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tests.Spatial;

/// <summary>The in-memory box index of a layer's row keys against a scan of the same boxes.</summary>
public sealed class KeyBoxIndexTests
{
    [Theory]
    [InlineData(0, 1UL)]
    [InlineData(1, 2UL)]
    [InlineData(3000, 3UL)]
    public void returns_every_key_whose_box_meets_the_query_in_key_order_and_says_which_lie_inside(int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        // Keys with gaps, as a layer's rows are among other layers' rows; boxes of parcels to counties around Beijing.
        var keys = new long[count];
        var bounds = new double[4 * count];
        long key = 0;
        for (var i = 0; i < count; i++)
        {
            key += 1 + (long)random.Between(0, 5);
            keys[i] = key;
            var x = random.Between(115.5, 117.5);
            var y = random.Between(39.0, 41.0);
            var w = random.LogUniform(1e-5, 0.5);
            var h = random.LogUniform(1e-5, 0.5);
            (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]) = (x, y, x + w, y + h);
        }

        var index = new KeyBoxIndex(keys, bounds);
        Assert.Equal(count, index.Count);
        for (var q = 0; q < 200; q++)
        {
            var x = random.Between(115.0, 118.0);
            var y = random.Between(38.5, 41.5);
            var box = new Envelope(x, x + random.LogUniform(1e-4, 3), y, y + random.LogUniform(1e-4, 3));
            var found = index.Candidates(box);
            Assert.Equal(found.Select(c => c.Key).Order(), found.Select(c => c.Key));
            Assert.Equal(found.Count, found.Select(c => c.Key).Distinct().Count());
            var byKey = found.ToDictionary(c => c.Key, c => c.Inside);
            for (var i = 0; i < count; i++)
            {
                var (minX, minY, maxX, maxY) = (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]);
                var meets = minX <= box.MaxX && maxX >= box.MinX && minY <= box.MaxY && maxY >= box.MinY;
                var inside = minX >= box.MinX && maxX <= box.MaxX && minY >= box.MinY && maxY <= box.MaxY;
                if (meets)
                {
                    Assert.True(byKey.ContainsKey(keys[i]), $"query {q}: key {keys[i]} meets the box and was not returned");
                }

                // Inside is what the caller trusts without an exact test: it must never be said of a box that is not.
                if (byKey.TryGetValue(keys[i], out var said) && said)
                {
                    Assert.True(inside, $"query {q}: key {keys[i]} was said to lie inside the box and does not");
                }

                // Float rounding aside (a box clear of the query's edges by a metre), a box inside is said to be.
                var clear = minX > box.MinX + 1e-5 && maxX < box.MaxX - 1e-5 && minY > box.MinY + 1e-5 && maxY < box.MaxY - 1e-5;
                if (clear)
                {
                    Assert.True(byKey[keys[i]], $"query {q}: key {keys[i]} lies well inside the box and was not said to");
                }
            }
        }
    }

    [Fact]
    public void refuses_keys_out_of_order_and_bounds_of_the_wrong_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new KeyBoxIndex([1, 3, 3], new double[12]));
        Assert.Contains("keys must ascend: 3 follows 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new KeyBoxIndex([1, 2], new double[4]));
        Assert.Contains("4 bounds for 2 keys", e.Message, StringComparison.Ordinal);
    }
}
