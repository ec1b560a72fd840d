using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tiles;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Tiles;

/// <summary>
/// Stale tiles after an edit are the commonest complaint about tile servers. Here a new plan version is published
/// through the store while the server runs, and the very next request for the same tile shows the edit.
/// Its own store and server: publishing into the shared seeded server would change what other tests read.
/// </summary>
public sealed class TileFreshnessTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new NetTopologySuite.Geometries.PrecisionModel(), 4326));
    private static readonly Core.Model.Plan Plan = new("p", "规划", "Plan", "tile freshness");
    private static readonly PlanLayer Zones = new("zones", LayerKinds.Control, "区", "Zones", "zones", LayerGeometry.Polygon, 1,
        [new AttributeDefinition("name", AttributeType.String, Required: true)]);

    private static PlanFeature Zone(string id, string name, string wkt) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = name }, new Provenance("test", Certainty.Synthetic));

    private static async IAsyncEnumerable<PlanFeature> Stream(IEnumerable<PlanFeature> features, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var f in features)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return f;
        }
    }

    [Fact]
    public async Task a_published_edit_shows_in_the_next_tile_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), $"mc-tiles-{Guid.NewGuid():N}");
        await using var store = new SqlitePlanStore(Path.Combine(folder, "store.sqlite"));
        await store.MigrateAsync(ct);
        await store.PublishAsync(Plan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow), [Zones],
            [Zone("1", "before", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))")], new ImportReport("v1"), ct);
        await using var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning));
        await app.StartAsync(ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            const string tile = "/collections/zones/tiles/WebMercatorQuad/8/96/210";
            var before = MvtReader.Read(await client.GetByteArrayAsync(tile, ct))[0].Features;
            Assert.Equal("before", Assert.Single(before).Properties["name"]);

            // Warm the cache a second time, so that the edit has a cached tile to go stale.
            Assert.Equal(before.Count, MvtReader.Read(await client.GetByteArrayAsync(tile, ct))[0].Features.Count);

            await store.ReplaceLayerAsync("p", Zones, Stream([
                Zone("1", "after", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))"),
                Zone("2", "added", "POLYGON ((115.5 40.6, 115.7 40.6, 115.7 40.8, 115.5 40.8, 115.5 40.6))")], ct), new ImportReport("v2"), null, ct);
            app.Services.GetRequiredService<PlanCatalog>().Invalidate();

            using var response = await client.GetAsync(tile, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var after = MvtReader.Read(await response.Content.ReadAsByteArrayAsync(ct))[0].Features;
            Assert.Equal(["added", "after"], after.Select(f => (string)f.Properties["name"]).Order());
            Assert.NotEqual($"\"p@1\"", response.Headers.ETag?.Tag);
        }
        finally
        {
            await app.StopAsync(ct);
            SqliteCleanup(folder);
        }
    }

    private static void SqliteCleanup(string folder)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
