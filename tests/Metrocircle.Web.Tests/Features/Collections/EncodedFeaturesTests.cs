using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web.Features.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>
/// Issue 15: items pages assembled from cached feature encodings. The cache is keyed by stored row, so an amendment
/// (new rows for what changed) must show its changes at once while the version before reads as it did; a server with
/// the cache switched off answers the same bytes.
/// </summary>
public sealed class EncodedFeaturesTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new NetTopologySuite.Geometries.PrecisionModel(), 4326));
    private static readonly PlanLayer Zones = new("zones", LayerKinds.Control, "区", "Zones", "zones", LayerGeometry.Polygon, 1,
        [new AttributeDefinition("name", AttributeType.String, Required: true)]);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mc-encoded-" + Guid.NewGuid().ToString("N"));
    private SqlitePlanStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = new SqlitePlanStore(Path.Combine(_folder, "m.sqlite"));
        await _store.MigrateAsync(CancellationToken.None);
        await _store.PublishAsync(new Core.Model.Plan("p", "规划", "Plan", "cache"), new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2020, 1, 1), DateTimeOffset.UtcNow.AddDays(-3)),
            [Zones], [Zone("1", "first", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))"),
                Zone("2", "second", "POLYGON ((115.5 40.6, 115.7 40.6, 115.7 40.8, 115.5 40.8, 115.5 40.6))")], new ImportReport("v1"), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static PlanFeature Zone(string id, string name, string wkt) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = name }, new Provenance("test", Certainty.Synthetic));

    private const string Gk = "http://www.opengis.net/def/crs/EPSG/0/4527";

    private static readonly string[] Reads =
    [
        "/collections/zones/items?version=p@1",
        "/collections/zones/items?version=p@1&crs=" + Gk,
        "/collections/zones/items?version=p@2",
        "/collections/zones/items?version=p@2&crs=" + Gk,
        "/collections/zones/items?version=p@2&bbox=116.1,40.1,116.45,40.45",
        "/collections/zones/items?version=p@2&limit=1",
    ];

    [Fact]
    public async Task an_amendment_shows_at_once_on_a_warm_cache_and_every_page_is_the_bytes_of_a_server_without_cache()
    {
        await using var cached = await StartAsync(new ItemsPaging());
        await using var uncached = await StartAsync(new ItemsPaging(FeatureCacheMegabytes: 0));
        var before = await GetAsync(cached.Client, Reads[0]);
        var beforeGk = await GetAsync(cached.Client, Reads[1]);

        await _store.ApplyChangesAsync(new ChangeSetPublish("p", 1, "amendment", new DateOnly(2021, 1, 1), VersionSource.Amendment, "am-1", "because",
            [new FeatureChange(ChangeOp.Change, "zones", "1", Zone("1", "first, amended", "POLYGON ((116.2 40.2, 116.4 40.2, 116.4 40.4, 116.2 40.4, 116.2 40.2))"))],
            v => [new AuditRecord("tester", "amendment.published", v.Id, "{}")]), Ct);
        await Task.Delay(Metrocircle.Web.Plan.PlanCatalog.RecheckInterval * 2, Ct);

        Assert.Equal(before, await GetAsync(cached.Client, Reads[0]));
        Assert.Equal(beforeGk, await GetAsync(cached.Client, Reads[1]));
        var amended = JsonNode.Parse(await GetAsync(cached.Client, Reads[2]))!["features"]!.AsArray();
        Assert.Equal(["first, amended", "second"], amended.Select(f => f!["properties"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var first = amended.Single(f => f!["id"]!.GetValue<string>() == "1")!;
        Assert.Equal("116.4", first["geometry"]!["coordinates"]![0]![1]![0]!.ToJsonString());
        foreach (var read in Reads)
        {
            Assert.Equal(Normalise(await GetAsync(uncached.Client, read), uncached), Normalise(await GetAsync(cached.Client, read), cached));
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("2000000")]
    public void a_malformed_cache_size_stops_the_host_naming_its_variable(string text)
    {
        var e = Assert.Throws<FormatException>(() => ItemsPaging.FromEnvironment(name => name == ItemsPaging.FeatureCacheVariable ? text : null));
        Assert.Contains(ItemsPaging.FeatureCacheVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_cache_size_is_read_from_its_variable_and_zero_turns_it_off()
    {
        Assert.Equal(ItemsPaging.DefaultFeatureCacheMegabytes, ItemsPaging.FromEnvironment(_ => null).FeatureCacheMegabytes);
        Assert.Equal(0, ItemsPaging.FromEnvironment(name => name == ItemsPaging.FeatureCacheVariable ? "0" : null).FeatureCacheMegabytes);
        Assert.Equal(64, ItemsPaging.FromEnvironment(name => name == ItemsPaging.FeatureCacheVariable ? "64" : null).FeatureCacheMegabytes);
    }

    private static string Normalise(string body, Host host) => body.Replace(host.Client.BaseAddress!.GetLeftPart(UriPartial.Authority), "http://server", StringComparison.Ordinal);

    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {body}");
        return body;
    }

    private async Task<Host> StartAsync(ItemsPaging paging)
    {
        var app = MetrocircleWebApp.Build(_store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning, Paging: paging));
        await app.StartAsync(Ct);
        return new Host(app, new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) });
    }

    private sealed record Host(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
