using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The whole store contract on a PostGIS store that answers every bbox key page from an in-memory box index.</summary>
public sealed class PostgresBoxIndexStoreTests(PostgresFixture fixture) : PlanStoreContract
{
    private readonly PostgresStores _stores = new(fixture);

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync(url => new PostgresPlanStore(url, boxIndexRows: 0, buildInline: true));

    protected override Task TamperAsync(IPlanStore store, string sql) => _stores.TamperAsync(store, sql);
}

/// <summary>
/// Issue 15: on PostGIS, a bbox key page from a layer's in-memory box index (exact test in process) holds what the GiST
/// query with <c>ST_Intersects</c> returns — keys, count and cursor — at every version, for random boxes, limits,
/// offsets, cursors and caps.
/// </summary>
public sealed class PostgresBoxIndexTests(PostgresFixture fixture)
{
    private static readonly Plan TestPlan = new("p", "规划", "Plan", "A test plan");
    private static readonly PlanLayer Parcels = new("parcels", LayerKinds.Circle, "地块", "Parcels", "random parcels", LayerGeometry.Polygon, 1, []);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task key_pages_from_the_box_index_equal_key_pages_from_gist_and_st_intersects_at_every_version()
    {
        var database = await fixture.Server.CreateDatabaseAsync(Ct);
        var url = fixture.Server.Url(database);
        var random = new SplitMix64(25);
        var parcels = Enumerable.Range(0, 2500).Select(i => BoxPages.Parcel(random, "parcels", $"f{i}")).ToList();
        await using (var writer = new PostgresPlanStore(url))
        {
            await writer.MigrateAsync(Ct);
            await writer.PublishAsync(TestPlan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow),
                [Parcels], parcels, new ImportReport("test"), Ct);
            var next = parcels.Where((_, i) => i % 7 != 0).Select((f, i) => i % 5 == 0 ? BoxPages.Parcel(random, "parcels", f.Id) : f)
                .Concat(Enumerable.Range(0, 300).Select(i => BoxPages.Parcel(random, "parcels", $"g{i}"))).ToList();
            await writer.ReplaceLayerAsync("p", Parcels, next.ToAsyncEnumerable(), new ImportReport("test"), null, Ct);
        }

        await using var plain = new PostgresPlanStore(url, boxIndexRows: int.MaxValue);
        await using var indexed = new PostgresPlanStore(url, boxIndexRows: 1000, buildInline: true);
        await using var uncached = new PostgresPlanStore(url, boxIndexRows: 1000, buildInline: true, edgeCacheMegabytes: 0);
        var notices = new System.Collections.Concurrent.ConcurrentQueue<StoreNotice>();
        indexed.Notice += notices.Enqueue;
        var asked = new List<FeatureQuery>();
        var compared = 0;
        for (var q = 0; q < 200; q++)
        {
            var x = random.Between(115.3, 117.2);
            var y = random.Between(38.8, 40.7);
            // Some boxes are a line or a point: the index and PostGIS must treat a degenerate box alike.
            var w = q % 17 == 3 ? 0 : random.LogUniform(0.005, 2);
            var h = q % 19 == 4 ? 0 : random.LogUniform(0.005, 2);
            var box = new Envelope(x, x + w, y, y + h);
            var cap = (q % 3) switch { 0 => FeatureQuery.DefaultMatchedCap, 1 => 40, _ => 3 };
            var query = new FeatureQuery(q % 2 == 0 ? "p@1" : "p@2", "parcels", box, Offset: q % 4 == 1 ? (int)random.Between(0, 60) : 0,
                Limit: 1 + (int)random.Between(0, 80), MatchedCap: cap);
            compared += (await BoxPages.AssertAlikeAsync(plain, indexed, query, Ct)).Compared;
            await BoxPages.AssertAlikeAsync(plain, uncached, query, Ct);
            asked.Add(query);
        }

        // Asked again, the pages come with the edge rows' WKB from the cache: the same keys, counts and cursors.
        Assert.True(indexed.EdgeBlobsHeld > 0, "no edge candidate's WKB was kept");
        Assert.Equal(0, uncached.EdgeBlobsHeld);
        foreach (var query in asked)
        {
            await BoxPages.AssertAlikeAsync(plain, indexed, query, Ct);
        }

        Assert.True(compared > 2000, $"only {compared} keys compared");
        Assert.Equal(2, indexed.BoxIndexesHeld().Count);
        Assert.Equal(0, plain.BoxIndexesHeld().Count);
        Assert.Equal([2442L, 2500L], notices.Select(n => n.Rows).Order());

        // A query with validity dates is the GiST query's, with or without an index.
        var dated = new FeatureQuery("p@1", "parcels", new Envelope(115.5, 116.8, 39.0, 40.3), Limit: 500, ValidFrom: new DateOnly(2030, 1, 1));
        Assert.Equal((await plain.GetFeatureKeysAsync(dated, Ct)).Keys, (await indexed.GetFeatureKeysAsync(dated, Ct)).Keys);

        // Warm pages read nothing from the feature table: with it renamed away they still answer, and alike; the store
        // without the cache must go to the table and fails.
        var expected = new List<FeatureKeyPage>();
        foreach (var query in asked.Take(40))
        {
            expected.Add(await plain.GetFeatureKeysAsync(query, Ct));
        }

        await fixture.Server.ExecuteAsync(database, "ALTER TABLE feature RENAME TO feature_away", Ct);
        try
        {
            for (var i = 0; i < expected.Count; i++)
            {
                var warm = await indexed.GetFeatureKeysAsync(asked[i], Ct);
                Assert.Equal(expected[i].Keys, warm.Keys);
                Assert.Equal(expected[i].NumberMatched, warm.NumberMatched);
            }

            var edgy = asked.Take(40).First(q => q.Bbox!.Width > 0.05);
            await Assert.ThrowsAnyAsync<Exception>(() => uncached.GetFeatureKeysAsync(edgy, Ct));
        }
        finally
        {
            await fixture.Server.ExecuteAsync(database, "ALTER TABLE feature_away RENAME TO feature", Ct);
        }
    }
}
