using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Tests.Storage;

public sealed class WkbBatchTests
{
    private static byte[] Bytes(int length, byte seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(seed + i))];

    [Fact]
    public void holds_each_feature_s_bytes_as_given_growing_past_what_it_first_set_aside()
    {
        // 16 bytes set aside a feature; the third feature alone needs more than the whole first buffer.
        using var batch = new WkbBatch(4, bytesPerFeature: 16);
        byte[][] given = [Bytes(21, 1), [], Bytes(300, 7), Bytes(5, 200)];
        foreach (var wkb in given)
        {
            Assert.False(batch.IsFull);
            batch.Add(wkb);
        }

        Assert.True(batch.IsFull);
        Assert.Equal(4, batch.Count);
        for (var i = 0; i < given.Length; i++)
        {
            Assert.Equal(given[i], batch[i].ToArray());
        }
    }

    [Fact]
    public void refuses_a_feature_past_its_capacity_and_an_index_past_its_count()
    {
        using var batch = new WkbBatch(2);
        batch.Add(Bytes(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[1].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[-1].Length);
        batch.Add(Bytes(3, 0));
        var full = Assert.Throws<InvalidOperationException>(() => batch.Add(Bytes(3, 0)));
        Assert.Contains("2 features", full.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WkbBatch(0));
    }

    [Fact]
    public void is_empty_once_disposed_and_may_be_disposed_twice()
    {
        var batch = new WkbBatch(2);
        batch.Add(Bytes(10, 3));
        batch.Dispose();
        Assert.Equal(0, batch.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[0].Length);
        batch.Dispose();
    }
}
