using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tiles;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Tiles;

/// <summary>How a tile snapshot keeps its coordinates (in chunks) and its distinct values (packed, indexed in first-seen order).</summary>
public sealed class TileSnapshotStorageTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    // The z8 tile 210/96 spans lon 115.3125–116.71875, lat 39.9097–40.9799.
    private static readonly TileId Beijing8 = new(8, 210, 96);

    [Fact]
    public void every_range_of_pairs_reads_back_in_order_across_chunk_boundaries_before_and_after_freezing()
    {
        const int chunk = CoordinateChunks.PairsPerChunk;
        const int n = (2 * chunk) + 3;
        var coords = new CoordinateChunks();
        for (var i = 0; i < n; i++)
        {
            coords.Add(i, -i - 0.5);
        }

        var random = new Random(15);
        var ranges = Enumerable.Range(0, 100).Select(_ => random.Next(n)).Select(from => (from, to: Math.Min(n, from + random.Next(70_000))))
            .Concat(Enumerable.Range(0, 20).Select(_ => chunk - random.Next(1, 1000)).Select(from => (from, to: from + random.Next(1000, 5000))))
            .Concat([(0, n), (chunk - 8, chunk + 12), (chunk, chunk + 1), ((2 * chunk) - 1, (2 * chunk) + 1), (n - 1, n), (5, 5)]).ToList();
        foreach (var frozen in new[] { false, true })
        {
            if (frozen)
            {
                coords.Freeze();
            }

            Assert.Equal(n, coords.Count);
            foreach (var (from, to) in ranges)
            {
                var read = new List<double>();
                for (var at = from; at < to;)
                {
                    var segment = coords.Segment(at, to);
                    Assert.True(segment.Length > 0, $"an empty segment at {at} of {from}..{to}");
                    read.AddRange(segment.ToArray());
                    at += segment.Length / 2;
                }

                Assert.Equal(Enumerable.Range(from, to - from).SelectMany(i => new[] { (double)i, -i - 0.5 }), read);
            }

            foreach (var i in new[] { 0, 1, chunk - 1, chunk, 2 * chunk, n - 1 })
            {
                Assert.Equal((i, -i - 0.5), (coords.X(i), coords.Y(i)));
            }
        }
    }

    [Fact]
    public void a_few_pairs_stay_small_and_none_read_back_empty()
    {
        var empty = new CoordinateChunks().Freeze();
        Assert.Equal(0, empty.Count);

        var few = new CoordinateChunks();
        for (var i = 0; i < 40; i++)
        {
            few.Add(i, i);
        }

        few.Freeze();
        Assert.Equal(80, few.Segment(0, 40).Length);
        Assert.Equal((39.0, 39.0), (few.X(39), few.Y(39)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(1 << 20)]
    [InlineData((2 << 20) + 1)]
    public void a_chunked_array_keeps_every_item_in_order_while_appending_frozen_and_moved_into_one_array(int n)
    {
        var items = new ChunkedArray<int>();
        for (var i = 0; i < n; i++)
        {
            items.Add((i * 7) + 1);
            if (i % 9_973 == 0)
            {
                // Read while appending, as the builder reads back what it wrote.
                Assert.Equal((i * 7) + 1, items[i]);
            }
        }

        Assert.Equal(n, items.Count);
        Assert.True(Enumerable.Range(0, n).All(i => items[i] == (i * 7) + 1), "an item was lost or moved while appending");
        items.Freeze();
        Assert.Equal(n, items.Count);
        Assert.True(Enumerable.Range(0, n).All(i => items[i] == (i * 7) + 1), "an item was lost or moved by freezing");

        var moved = new ChunkedArray<int>();
        for (var i = 0; i < n; i++)
        {
            moved.Add((i * 7) + 1);
        }

        var array = moved.MoveToArray();
        Assert.Equal(n, array.Length);
        Assert.True(Enumerable.Range(0, n).All(i => array[i] == (i * 7) + 1), "an item was lost or moved into the array");
        Assert.Equal(0, moved.Count);

        // Appended in runs, as a snapshot copies its rings into their stored order: short runs that fill the first
        // chunk while it grows, and long ones that cross from one chunk into the next.
        var runs = new ChunkedArray<int>();
        var random = new Random(n);
        for (var at = 0; at < n;)
        {
            var length = Math.Min(n - at, random.Next(3) switch { 0 => random.Next(0, 20), 1 => random.Next(20, 5_000), _ => random.Next(100_000, 700_000) });
            runs.AddRange(array.AsSpan(at, length));
            at += length;
        }

        Assert.Equal(n, runs.Count);
        Assert.True(Enumerable.Range(0, n).All(i => runs[i] == (i * 7) + 1), "an item was lost or moved by appending runs");
        runs.Freeze();
        Assert.True(n == 0 || runs[n - 1] == ((n - 1) * 7) + 1, "the last item was lost by freezing after runs");
    }

    [Fact]
    public void distinct_values_get_their_index_in_first_seen_order_as_a_dictionary_would_give_it()
    {
        // Integers, doubles, strings and flags from small pools, so that most values repeat and the table rehashes often.
        var random = new Random(7);
        var texts = Enumerable.Range(0, 3000).Select(i => i % 7 == 0 ? $"名称{i}" : i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var values = Enumerable.Range(0, 200_000).Select(_ => random.Next(4) switch
        {
            0 => new TileValue(TileValueKind.Integer, Integer: random.Next(-5000, 50_000)),
            1 => new TileValue(TileValueKind.Double, Number: random.Next(20_000) + 0.25),
            2 => new TileValue(TileValueKind.String, Text: texts[random.Next(texts.Length)]),
            _ => new TileValue(TileValueKind.Boolean, Flag: random.Next(2) == 1),
        }).ToList();
        values.Add(new TileValue(TileValueKind.String, Text: ""));
        values.Add(new TileValue(TileValueKind.Integer, Integer: long.MinValue));

        var builder = new TileValueTable.Builder();
        var reference = new Dictionary<TileValue, int>();
        foreach (var value in values)
        {
            if (!reference.TryGetValue(value, out var expected))
            {
                reference[value] = expected = reference.Count;
            }

            Assert.Equal(expected, builder.IndexOf(value));
        }

        var table = builder.Build();
        Assert.Equal(reference.Count, table.Count);
        Assert.All(reference, kv => Assert.Equal(kv.Key, table[kv.Value]));
    }

    [Fact]
    public void a_ring_that_crosses_from_one_chunk_into_the_next_gives_the_tile_it_gives_alone()
    {
        // A far-away ring fills the first chunk up to 8 pairs short, so the parcel's ring after it starts in the first
        // chunk and ends in the second.
        const int chunk = CoordinateChunks.PairsPerChunk;
        var far = Polygon(100, 30, 1, chunk - 7);
        var parcel = Polygon(116.1, 40.4, 0.05, 65);
        var provenance = new Provenance("test", Certainty.Synthetic);
        PlanFeature F(string id, string wkt) => new("test", id, Wkt.Read(wkt), new JsonObject { ["name"] = $"feature {id}" }, provenance);

        var together = TileSnapshot.Build("test", [F("1", far), F("2", parcel)]);
        var alone = TileSnapshot.Build("test", [F("2", parcel)]);

        Assert.Equal(chunk - 8, together.RingStart[1]);
        Assert.Equal(chunk - 8 + 64, together.RingStart[2]);
        Assert.Equal(alone.BoundsOf(0), together.BoundsOf(1));
        foreach (var options in new[] { TileOptions.Default, new TileOptions(Buffer: 0, Generalize: false) })
        {
            var expected = MvtEncoder.Encode(alone, Beijing8, options);
            Assert.Equal(1, expected.FeatureCount);
            Assert.Equal(expected.Bytes, MvtEncoder.Encode(together, Beijing8, options).Bytes);
        }
    }

    [Fact]
    public async Task a_snapshot_read_from_a_stream_ahead_of_its_build_is_the_one_built_in_order_from_a_list()
    {
        // 5,000 parcels over the z8 tile, each with its own values: more than four batches of 1,024, the last one short.
        var provenance = new Provenance("test", Certainty.Synthetic);
        var random = new Random(19);
        var features = Enumerable.Range(0, 5_000).Select(i => new PlanFeature("test", i % 7 == 0 ? $"p-{i}" : i.ToString(CultureInfo.InvariantCulture),
            Wkt.Read(Polygon(115.4 + (random.NextDouble() * 1.2), 40 + (random.NextDouble() * 0.9), 0.02, 5 + random.Next(8))),
            new JsonObject { ["n"] = i, ["kind"] = $"k{i % 13}" }, provenance)).ToList();

        var listed = TileSnapshot.Build("test", features);
        var streamed = await TileSnapshot.BuildAsync("test", Stream(features, throwAfter: null), TestContext.Current.CancellationToken);

        Assert.Equal(listed.Count, streamed.Count);
        Assert.Equal(5_000, streamed.Count);
        Assert.Equal(Enumerable.Range(0, listed.Count).Select(listed.BoundsOf), Enumerable.Range(0, streamed.Count).Select(streamed.BoundsOf));
        foreach (var tile in new[] { Beijing8, new TileId(10, 843, 387), new TileId(12, 3367, 1543) })
        {
            var expected = MvtEncoder.Encode(listed, tile, TileOptions.Default);
            Assert.True(expected.FeatureCount > (tile == Beijing8 ? 1_000 : 10), $"{tile}: {expected.FeatureCount} features");
            Assert.Equal(expected.Bytes, MvtEncoder.Encode(streamed, tile, TileOptions.Default).Bytes);
        }

        // A stream that fails part-way fails the build with its own error; a cancelled build stops with a cancellation.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => TileSnapshot.BuildAsync("test", Stream(features, throwAfter: 2_500), TestContext.Current.CancellationToken));
        Assert.Equal("row 2500 is unreadable", failed.Message);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TileSnapshot.BuildAsync("test", Stream(features, throwAfter: null), cancelled.Token));

        static async IAsyncEnumerable<PlanFeature> Stream(IEnumerable<PlanFeature> features, int? throwAfter)
        {
            var n = 0;
            foreach (var f in features)
            {
                if (n == throwAfter)
                {
                    throw new InvalidOperationException($"row {n} is unreadable");
                }

                n++;
                await Task.Yield();
                yield return f;
            }
        }
    }

    /// <summary>A closed ring of <paramref name="points"/> points (the last repeating the first) around a centre, as WKT.</summary>
    private static string Polygon(double x, double y, double radius, int points)
    {
        var text = new StringBuilder("POLYGON ((");
        for (var i = 0; i < points; i++)
        {
            var angle = 2 * Math.PI * (i % (points - 1)) / (points - 1);
            text.Append(CultureInfo.InvariantCulture, $"{x + (radius * Math.Cos(angle)):R} {y + (radius * Math.Sin(angle)):R}");
            text.Append(i < points - 1 ? ", " : "))");
        }

        return text.ToString();
    }
}
