using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;

namespace Metrocircle.Storage.Tests;

/// <summary>Issue 11, item 4: counts stop at a cap, pages follow a key cursor, and both engines agree on what a page holds.</summary>
public abstract partial class PlanStoreContract
{
    /// <summary>The box of the paging tests: it cuts through rows and columns 2 and 17 of <see cref="ManySquares"/>.</summary>
    private static readonly Envelope PagingBox = new(115.25, 116.75, 38.25, 39.75);

    /// <summary>
    /// A 30 × 30 grid of 0.1° squares from 115,38 (ids s{row}_{col}), with ten triangles (tri0…tri9) spread through it
    /// whose bounding box overlaps <see cref="PagingBox"/>'s corner while their shape stays clear of it.
    /// </summary>
    private static List<PlanFeature> ManySquares()
    {
        var features = new List<PlanFeature>();
        for (var r = 0; r < 30; r++)
        {
            for (var c = 0; c < 30; c++)
            {
                var (x, y) = (115 + (c / 10.0), 38 + (r / 10.0));
                features.Add(Zone($"s{r}_{c}", FormattableString.Invariant($"POLYGON (({x} {y}, {x + 0.1} {y}, {x + 0.1} {y + 0.1}, {x} {y + 0.1}, {x} {y}))")));
            }

            if (r % 3 == 0)
            {
                features.Add(Zone($"tri{r / 3}", "POLYGON ((116.9 39.65, 116.9 39.9, 116.65 39.9, 116.9 39.65))"));
            }
        }

        return features;
    }

    private static List<string> Intersecting(IEnumerable<PlanFeature> features, Envelope box)
    {
        var shape = new GeometryFactory(new PrecisionModel(), 4326).ToGeometry(box);
        return [.. features.Where(f => f.Geometry!.Intersects(shape)).Select(f => f.Id)];
    }

    [Fact]
    public async Task pages_a_bbox_over_many_features_by_cursor_returning_every_match_once_in_order()
    {
        var features = ManySquares();
        await using var store = await SeededAsync(features);
        var expected = Intersecting(features, PagingBox);
        Assert.Equal(16 * 16, expected.Count);
        Assert.DoesNotContain(expected, id => id.StartsWith("tri", StringComparison.Ordinal));

        // Under the cap the count is exact on every page; with a cap of 10 it is left out, and the pages are the same.
        foreach (var cap in new[] { FeatureQuery.DefaultMatchedCap, 10 })
        {
            var seen = new List<string>();
            long? cursor = null;
            var pages = 0;
            do
            {
                var page = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", PagingBox, Limit: 7, After: cursor, MatchedCap: cap), Ct);
                Assert.Equal(cap > expected.Count ? expected.Count : null, page.NumberMatched);
                Assert.True(page.Features.Count == 7 || page.Next is null, $"page {pages} holds {page.Features.Count} features and says more follow");
                seen.AddRange(page.Features.Select(f => f.Id));
                Assert.True(page.Next is null || page.Next > (cursor ?? 0), "the cursor must move forward");
                cursor = page.Next;
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(expected, seen);
            Assert.Equal((expected.Count + 6) / 7, pages);
        }
    }

    [Fact]
    public async Task pages_a_bbox_whose_edge_crosses_more_candidates_than_one_read_of_their_shapes()
    {
        // 300 thin squares across the box's lower edge (all match) interleaved with 200 triangles at its lower left
        // corner whose bounding box overlaps the box while their shape stays clear of it: 500 candidates on the edge,
        // more than the SQLite store reads in one batch, in an order that mixes matches and misses.
        var box = new Envelope(116.0, 117.0, 38.0, 39.0);
        var features = new List<PlanFeature>();
        for (var i = 0; i < 300; i++)
        {
            var x = 116.1 + (i * 0.002);
            features.Add(Zone($"edge{i}", FormattableString.Invariant($"POLYGON (({x} 37.99, {x + 0.001} 37.99, {x + 0.001} 38.01, {x} 38.01, {x} 37.99))")));
            if (i % 3 != 2)
            {
                features.Add(Zone($"corner{i}", "POLYGON ((115.95 37.95, 116.04 37.95, 115.95 38.04, 115.95 37.95))"));
            }
        }

        await using var store = await SeededAsync(features);
        var expected = Intersecting(features, box);
        Assert.Equal(300, expected.Count);
        Assert.Equal(300, (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Limit: 1000), Ct)).NumberMatched);
        var seen = new List<string>();
        long? cursor = null;
        do
        {
            var page = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Limit: 45, After: cursor), Ct);
            seen.AddRange(page.Features.Select(f => f.Id));
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        var byOffset = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Offset: 250, Limit: 60), Ct);
        Assert.Equal(expected.Skip(250), byOffset.Features.Select(f => f.Id));
        Assert.Null(byOffset.Next);
    }

    [Fact]
    public async Task pages_a_whole_layer_by_cursor_in_the_order_of_one_read()
    {
        await using var store = await SeededAsync(ManySquares());
        var all = (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Limit: 10_000), Ct)).Features.Select(f => f.Id).ToList();
        Assert.Equal(910, all.Count);
        var seen = new List<string>();
        long? cursor = null;
        do
        {
            var page = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Limit: 100, After: cursor, MatchedCap: 50), Ct);
            Assert.Null(page.NumberMatched);
            seen.AddRange(page.Features.Select(f => f.Id));
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task a_page_read_by_offset_carries_the_cursor_that_continues_it()
    {
        await using var store = await SeededAsync(ManySquares());
        var byOffset = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", PagingBox, Offset: 20, Limit: 10), Ct);
        var following = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", PagingBox, Offset: 30, Limit: 10), Ct);
        var byCursor = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", PagingBox, Limit: 10, After: byOffset.Next), Ct);
        Assert.NotNull(byOffset.Next);
        Assert.Equal(following.Features.Select(f => f.Id), byCursor.Features.Select(f => f.Id));
    }

    [Fact]
    public async Task counts_matches_exactly_up_to_the_cap_and_leaves_the_count_out_above_it()
    {
        await using var store = await SeededAsync();
        var box = new Envelope(115.5, 117.5, 38.5, 40.5);
        foreach (var bbox in new Envelope?[] { box, null })
        {
            Assert.Equal(9, (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", bbox, Limit: 4, MatchedCap: 9), Ct)).NumberMatched);
            var over = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", bbox, Limit: 4, MatchedCap: 8), Ct);
            Assert.Null(over.NumberMatched);
            Assert.Equal(4, over.Features.Count);
            Assert.NotNull(over.Next);
            var farOver = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", bbox, Limit: 4, MatchedCap: 2), Ct);
            Assert.Null(farOver.NumberMatched);
            Assert.Equal(4, farOver.Features.Count);
            Assert.NotNull(farOver.Next);
        }
    }

    [Fact]
    public async Task the_last_page_has_no_cursor_even_when_it_is_full()
    {
        await using var store = await SeededAsync();
        var box = new Envelope(115.5, 117.5, 38.5, 40.5);
        var first = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Limit: 3, Offset: 3), Ct);
        var last = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Limit: 3, After: first.Next), Ct);
        Assert.Equal(3, last.Features.Count);
        Assert.Null(last.Next);
        Assert.Empty((await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Limit: 3, After: long.MaxValue - 1), Ct)).Features);
    }
}
