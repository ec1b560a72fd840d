using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests;

/// <summary>The whole store contract on a SQLite store that answers every bbox page from an in-memory box index.</summary>
public sealed class SqliteBoxIndexStoreTests : PlanStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-index-");

    protected override Task<IPlanStore> CreateStoreAsync() =>
        Task.FromResult<IPlanStore>(new SqlitePlanStore(_stores.NewPath(), SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: 0, buildInline: true));

    protected override Task TamperAsync(IPlanStore store, string sql) => SqliteTempStores.ExecuteAsync(store, sql);

    public void Dispose() => _stores.Dispose();
}

/// <summary>
/// Issue 15: a bbox page from a layer's in-memory box index holds what the R*Tree page holds (keys, count and cursor),
/// at every version, for random boxes, limits, offsets, cursors and caps; two stores over one file answer each query.
/// </summary>
public sealed class SqliteBoxIndexTests : IDisposable
{
    private static readonly Plan TestPlan = new("p", "规划", "Plan", "A test plan");
    private static readonly PlanLayer Parcels = new("parcels", LayerKinds.Circle, "地块", "Parcels", "random parcels", LayerGeometry.Polygon, 1, []);
    private static readonly PlanLayer Small = new("small", LayerKinds.Circle, "小", "Small", "a small layer", LayerGeometry.Polygon, 2, []);
    private readonly SqliteTempStores _stores = new("mc-sqlite-boxes-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task pages_from_the_box_index_equal_pages_from_the_rtree_at_every_version()
    {
        var path = _stores.NewPath();
        var random = new SplitMix64(15);
        var parcels = Enumerable.Range(0, 2500).Select(i => BoxPages.Parcel(random, "parcels", $"f{i}")).ToList();
        var small = Enumerable.Range(0, 40).Select(i => BoxPages.Parcel(random, "small", $"s{i}")).ToList();
        await using (var writer = new SqlitePlanStore(path))
        {
            await writer.MigrateAsync(Ct);
            await writer.PublishAsync(TestPlan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow),
                [Parcels, Small], [.. parcels, .. small], new ImportReport("test"), Ct);
            // Version 2 keeps most parcels, moves every fifth, drops every seventh and adds 300: both versions must page alike.
            var next = parcels.Where((_, i) => i % 7 != 0).Select((f, i) => i % 5 == 0 ? BoxPages.Parcel(random, "parcels", f.Id) : f)
                .Concat(Enumerable.Range(0, 300).Select(i => BoxPages.Parcel(random, "parcels", $"g{i}"))).ToList();
            await writer.ReplaceLayerAsync("p", Parcels, next.ToAsyncEnumerable(), new ImportReport("test"), null, Ct);
        }

        await using var plain = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: int.MaxValue);
        await using var indexed = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: 1000, buildInline: true);
        await using var uncached = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: 1000, buildInline: true, edgeCacheMegabytes: 0);
        var notices = new System.Collections.Concurrent.ConcurrentQueue<StoreNotice>();
        indexed.Notice += notices.Enqueue;
        var asked = new List<FeatureQuery>();
        var compared = 0;
        for (var q = 0; q < 240; q++)
        {
            var x = random.Between(115.3, 117.2);
            var y = random.Between(38.8, 40.7);
            var box = new Envelope(x, x + random.LogUniform(0.005, 2), y, y + random.LogUniform(0.005, 2));
            var version = q % 2 == 0 ? "p@1" : "p@2";
            var layer = q % 6 == 5 ? "small" : "parcels";
            var cap = (q % 3) switch { 0 => FeatureQuery.DefaultMatchedCap, 1 => 40, _ => 3 };
            var query = new FeatureQuery(version, layer, box, Offset: q % 4 == 1 ? (int)random.Between(0, 60) : 0, Limit: 1 + (int)random.Between(0, 80), MatchedCap: cap);
            // A query and then the page its cursor leads to.
            asked.Add(query);
            await BoxPages.AssertAlikeAsync(plain, uncached, query, Ct);
            (var keys, query) = await BoxPages.AssertAlikeAsync(plain, indexed, query, Ct);
            compared += keys;

            if (q % 20 == 0)
            {
                var expected = await plain.GetFeaturesAsync(query, Ct);
                var actual = await indexed.GetFeaturesAsync(query, Ct);
                Assert.Equal(expected.Features.Select(f => (f.Id, f.Geometry!.AsText())), actual.Features.Select(f => (f.Id, f.Geometry!.AsText())));
            }
        }

        // Pages were not all empty, the two parcel versions got an index each, and the small layer (under 1000 rows) none.
        Assert.True(compared > 2000, $"only {compared} keys compared");
        Assert.Equal(2, indexed.BoxIndexesHeld().Count);
        Assert.Equal(0, plain.BoxIndexesHeld().Count);
        // The host logs what the store built in the background, one line an index.
        Assert.Equal(["Box index of parcels at p #1: 2,500 rows", "Box index of parcels at p #2: 2,442 rows"],
            notices.Select(n => n.Text[..n.Text.IndexOf(" rows", StringComparison.Ordinal)] + " rows").Order(StringComparer.Ordinal));
        Assert.Equal([2442L, 2500L], notices.Select(n => n.Rows).Order());

        // Asked again, the pages take the edge rows' WKB from the cache: the same keys, counts and cursors.
        Assert.True(indexed.EdgeBlobsHeld > 0, "no edge candidate's WKB was kept");
        Assert.Equal(0, uncached.EdgeBlobsHeld);
        var before = new List<FeatureKeyPage>();
        foreach (var query in asked)
        {
            await BoxPages.AssertAlikeAsync(plain, indexed, query, Ct);
            before.Add(await plain.GetFeatureKeysAsync(query, Ct));
        }

        // Warm pages of the indexed layer read no geometry from the file: with every stored shape taken away they still answer as before,
        // while the store without the cache (its edge candidates now without a shape) answers some other way.
        await SqliteTempStores.ExecuteAsync(plain, "UPDATE feature SET geom = NULL");
        var changed = 0;
        for (var i = 0; i < asked.Count; i++)
        {
            if (asked[i].LayerId != "parcels")
            {
                continue; // the small layer has no index: its pages come from the R*Tree and the rows
            }

            var warm = await indexed.GetFeatureKeysAsync(asked[i], Ct);
            Assert.Equal(before[i].Keys, warm.Keys);
            Assert.Equal(before[i].NumberMatched, warm.NumberMatched);
            var cold = await uncached.GetFeatureKeysAsync(asked[i], Ct);
            changed += cold.Keys.SequenceEqual(before[i].Keys) && cold.NumberMatched == before[i].NumberMatched ? 0 : 1;
        }

        Assert.True(changed > 20, $"only {changed} pages changed without the cache");
    }

    [Fact]
    public async Task a_query_with_validity_dates_is_answered_from_the_rtree_and_agrees()
    {
        var path = _stores.NewPath();
        var random = new SplitMix64(16);
        var parcels = Enumerable.Range(0, 600).Select(i => BoxPages.Parcel(random, "parcels", $"f{i}") with
        {
            ValidFrom = new DateOnly(2020 + (i % 10), 1, 1),
            ValidTo = i % 3 == 0 ? new DateOnly(2031 + (i % 5), 1, 1) : null,
        }).ToList();
        await using (var writer = new SqlitePlanStore(path))
        {
            await writer.MigrateAsync(Ct);
            await writer.PublishAsync(TestPlan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow),
                [Parcels], parcels, new ImportReport("test"), Ct);
        }

        await using var plain = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: int.MaxValue);
        await using var indexed = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: 0, buildInline: true);
        var box = new Envelope(115.5, 116.8, 39.0, 40.3);
        var dated = new FeatureQuery("p@1", "parcels", box, Limit: 500, ValidFrom: new DateOnly(2032, 6, 1), ValidTo: new DateOnly(2033, 1, 1));
        var expected = await plain.GetFeatureKeysAsync(dated, Ct);
        Assert.Equal(expected.Keys, (await indexed.GetFeatureKeysAsync(dated, Ct)).Keys);
        Assert.Equal(0, indexed.BoxIndexesHeld().Count);
        var undated = dated with { ValidFrom = null, ValidTo = null };
        var all = await indexed.GetFeatureKeysAsync(undated, Ct);
        Assert.Equal((await plain.GetFeatureKeysAsync(undated, Ct)).Keys, all.Keys);
        Assert.Equal(1, indexed.BoxIndexesHeld().Count);
        Assert.True(expected.Keys.Count > 0 && expected.Keys.Count < all.Keys.Count, $"{expected.Keys.Count} dated of {all.Keys.Count}");
    }

    [Fact]
    public async Task a_store_disposed_twice_stops_its_builds_and_starts_none_after()
    {
        var path = _stores.NewPath();
        var random = new SplitMix64(17);
        var store = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: 0);
        await store.MigrateAsync(Ct);
        await store.PublishAsync(TestPlan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow), [Parcels, Small],
            [.. Enumerable.Range(0, 50).Select(i => BoxPages.Parcel(random, "parcels", $"f{i}")), .. Enumerable.Range(0, 5).Select(i => BoxPages.Parcel(random, "small", $"s{i}"))],
            new ImportReport("test"), Ct);
        var everything = new Envelope(115, 118, 38, 41);
        Assert.Equal(50, (await store.GetFeatureKeysAsync(new FeatureQuery("p@1", "parcels", everything, Limit: 100), Ct)).NumberMatched);
        await store.DisposeAsync();
        await store.DisposeAsync();
        await store.WhenBoxIndexesBuiltAsync();
        // The parcels' build may have ended before the store closed or been stopped by it; a layer first asked after starts none.
        var held = store.BoxIndexesHeld().Count;
        Assert.Equal(5, (await store.GetFeatureKeysAsync(new FeatureQuery("p@1", "small", everything, Limit: 100), Ct)).NumberMatched);
        await store.WhenBoxIndexesBuiltAsync();
        Assert.Equal(held, store.BoxIndexesHeld().Count);
        await store.DisposeAsync();
    }

    public void Dispose() => _stores.Dispose();
}
