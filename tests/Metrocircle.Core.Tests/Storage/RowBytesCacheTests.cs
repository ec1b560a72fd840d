using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Tests.Storage;

/// <summary>The bounded store of encoded features: per CRS, within its limit, dropping the least recently read first.</summary>
public sealed class RowBytesCacheTests
{
    [Fact]
    public void keeps_a_row_per_crs_and_not_bytes_larger_than_the_whole_limit()
    {
        var cache = new RowBytesCache(10_000);
        cache.For("crs84").Set(7, [1, 2, 3]);
        Assert.Equal([1, 2, 3], cache.For("crs84").Get(7));
        Assert.Null(cache.For("epsg4527").Get(7));
        Assert.Null(cache.For("crs84").Get(8));
        // A second add of the same row keeps the first (the bytes of a row never differ) and counts once.
        cache.For("crs84").Set(7, [9]);
        Assert.Equal([1, 2, 3], cache.For("crs84").Get(7));
        Assert.Equal(3 + RowBytesCache.EntryOverhead, cache.Bytes);
        cache.For("crs84").Set(8, new byte[10_000]);
        Assert.Null(cache.For("crs84").Get(8));
        Assert.Equal(3 + RowBytesCache.EntryOverhead, cache.Bytes);
    }

    [Fact]
    public async Task past_its_limit_drops_the_least_recently_read_rows_first()
    {
        var entry = 1000 + RowBytesCache.EntryOverhead;
        var cache = new RowBytesCache(200_000);
        for (var row = 0; row < 100; row++)
        {
            cache.For("crs84").Set(row, new byte[1000]);
        }

        // Rows 0-9 are read again, after rows 10-99 were added: they are now more recent than those.
        var page = cache.For("crs84");
        for (var row = 0; row < 10; row++)
        {
            Assert.NotNull(page.Get(row));
        }

        for (var row = 100; row < 200; row++)
        {
            cache.For("crs84").Set(row, new byte[1000]);
        }

        Task pass;
        do
        {
            pass = cache.Evicting;
            await pass;
        }
        while (pass != cache.Evicting);

        Assert.True(cache.Bytes <= cache.LimitBytes, $"{cache.Bytes} bytes held over a limit of {cache.LimitBytes}");
        Assert.True(cache.Bytes < 200 * entry, "nothing was dropped");
        var reader = cache.For("crs84");
        Assert.All(Enumerable.Range(0, 10), row => Assert.NotNull(reader.Get(row)));
        Assert.Null(reader.Get(10));
        Assert.NotNull(reader.Get(199));
        var held = Enumerable.Range(0, 200).Count(row => reader.Get(row) is not null);
        Assert.Equal(cache.Bytes, (long)held * entry);
    }
}
