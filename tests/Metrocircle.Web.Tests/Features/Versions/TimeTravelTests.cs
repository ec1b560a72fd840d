using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Testing;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Versions;

/// <summary>
/// Versions and time travel through HTTP on a small plan of its own (publishing into the shared server would change
/// what other tests read): version 1 in force since 2020, version 2 (an amendment) since 2021, version 3 published
/// now but effective a year ahead. The same body runs on SQLite and on PostGIS.
/// </summary>
public abstract class TimeTravelContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new NetTopologySuite.Geometries.PrecisionModel(), 4326));
    private static readonly Core.Model.Plan Plan = new("p", "规划", "Plan", "time travel");
    private static readonly PlanLayer Zones = new("zones", LayerKinds.Control, "区", "Zones", "zones", LayerGeometry.Polygon, 1,
        [new AttributeDefinition("name", AttributeType.String, Required: true)]);

    private const string Tile = "/collections/zones/tiles/WebMercatorQuad/8/96/210";

    protected abstract Task<IPlanStore> OpenStoreAsync();

    private static PlanFeature Zone(string id, string name, string wkt) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = name }, new Provenance("test", Certainty.Synthetic));

    private static ChangeSetPublish Changes(int baseSeq, DateOnly effective, string amendment, params FeatureChange[] changes) =>
        new("p", baseSeq, $"amendment {amendment}", effective, VersionSource.Amendment, amendment, $"because of {amendment}", changes,
            v => [new AuditRecord("tester", "amendment.published", v.Id, "{}")]);

    private static async Task<(HttpStatusCode Status, byte[] Body, string? ETag)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(Ct), response.Headers.ETag?.Tag);
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        var (status, body, _) = await GetAsync(client, path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {System.Text.Encoding.UTF8.GetString(body)}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string query) =>
        [.. (await JsonAsync(client, $"/collections/zones/items{query}")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task an_old_version_reads_byte_for_byte_as_before_asOf_picks_the_plan_of_a_day_and_a_future_version_is_served_only_when_asked_for()
    {
        await using var store = await OpenStoreAsync();
        await store.PublishAsync(Plan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2020, 1, 1), DateTimeOffset.UtcNow.AddDays(-3)), [Zones],
            [Zone("1", "first", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))"),
             Zone("2", "second", "POLYGON ((115.5 40.6, 115.7 40.6, 115.7 40.8, 115.5 40.8, 115.5 40.6))")], new ImportReport("v1") { Rationale = "the first plan" }, Ct);
        var clock = new ShiftedClock();
        await using var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning, Time: clock));
        await app.StartAsync(Ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            var itemsBefore = await GetAsync(client, "/collections/zones/items?version=p@1");
            var itemBefore = await GetAsync(client, "/collections/zones/items/1?version=p%401");
            var tileBefore = await GetAsync(client, Tile + "?version=p@1");
            Assert.Equal((HttpStatusCode.OK, "\"p@1\""), (itemsBefore.Status, itemsBefore.ETag));
            Assert.Equal((HttpStatusCode.OK, "\"p@1\""), (tileBefore.Status, tileBefore.ETag));

            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            await store.ApplyChangesAsync(Changes(1, new DateOnly(2021, 6, 1), "am-1",
                new FeatureChange(ChangeOp.Change, "zones", "1", Zone("1", "first, amended", "POLYGON ((116.2 40.2, 116.4 40.2, 116.4 40.4, 116.2 40.4, 116.2 40.2))")),
                new FeatureChange(ChangeOp.Add, "zones", "3", Zone("3", "third", "POLYGON ((116.3 40.25, 116.35 40.25, 116.35 40.3, 116.3 40.3, 116.3 40.25))"))), Ct);
            await store.ApplyChangesAsync(Changes(2, today.AddYears(1), "am-2", new FeatureChange(ChangeOp.Retire, "zones", "2", null)), Ct);
            await Task.Delay(Metrocircle.Web.Plan.PlanCatalog.RecheckInterval * 2, Ct);

            // Version 1 is what it was, to the byte, ETag included.
            Assert.Equal(itemsBefore, await GetAsync(client, "/collections/zones/items?version=p@1"), Same.Instance);
            Assert.Equal(itemBefore, await GetAsync(client, "/collections/zones/items/1?version=p%401"), Same.Instance);
            Assert.Equal(tileBefore, await GetAsync(client, Tile + "?version=p@1"), Same.Instance);

            // asOf gives the plan in force on the day; without parameters, today's plan, not the one effective next year.
            Assert.Equal(["first", "second"], await NamesAsync(client, "?asOf=2021-05-31"));
            Assert.Equal(["first, amended", "second", "third"], await NamesAsync(client, "?asOf=2021-06-01"));
            Assert.Equal(["first, amended", "second", "third"], await NamesAsync(client, ""));
            Assert.Equal(["first, amended", "third"], await NamesAsync(client, "?version=p@3"));
            Assert.Equal(["first, amended", "third"], await NamesAsync(client, $"?asOf={today.AddYears(1):yyyy-MM-dd}"));
            Assert.Equal("p@2", (await JsonAsync(client, "/?f=json")).GetProperty("metrocircle").GetProperty("planVersion").GetString());
            var (_, _, tileNow) = await GetAsync(client, Tile);
            Assert.Equal("\"p@2\"", tileNow);
            Assert.Equal("p@1", (await JsonAsync(client, "/collections/zones/tiles/WebMercatorQuad/tilejson.json?asOf=2020-02-02")).GetProperty("version").GetString());

            // The versions, newest first, with what produced each and what it changed; only p@2 is in force today.
            var versions = (await JsonAsync(client, "/versions")).GetProperty("versions").EnumerateArray().ToList();
            Assert.Equal(["p@3", "p@2", "p@1"], versions.Select(v => v.GetProperty("id").GetString()));
            Assert.Equal([false, true, false], versions.Select(v => v.GetProperty("inForce").GetBoolean()));
            Assert.Equal(["amendment", "amendment", "seed"], versions.Select(v => v.GetProperty("source").GetString()));
            Assert.Equal("am-1", versions[1].GetProperty("amendmentId").GetString());
            Assert.False(versions[2].TryGetProperty("amendmentId", out _));
            Assert.Equal("2021-06-01", versions[1].GetProperty("effectiveFrom").GetString());
            Assert.Equal(2, versions[1].GetProperty("sequence").GetInt32());
            var layers = versions[1].GetProperty("layers").EnumerateArray().Single();
            Assert.Equal(("zones", 1, 1, 0), (layers.GetProperty("id").GetString(), layers.GetProperty("added").GetInt32(), layers.GetProperty("changed").GetInt32(),
                layers.GetProperty("retired").GetInt32()));
            var detail = await JsonAsync(client, "/versions/p@3");
            Assert.Equal("because of am-2", detail.GetProperty("rationale").GetString());
            Assert.Equal((0, 0, 1), (detail.GetProperty("summary").GetProperty("added").GetInt32(), detail.GetProperty("summary").GetProperty("changed").GetInt32(),
                detail.GetProperty("summary").GetProperty("retired").GetInt32()));
            Assert.Equal("the first plan", (await JsonAsync(client, "/versions/p@1")).GetProperty("rationale").GetString());
            Assert.Contains("p@3", (await HttpAssertions.GetProblemAsync(client, "/versions/p@9", HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);

            // A feature's history: every version that added, changed or retired it.
            var history = (await JsonAsync(client, "/collections/zones/items/2/history")).GetProperty("history").EnumerateArray().ToList();
            Assert.Equal([("p@1", "added"), ("p@3", "retired")], history.Select(h => (h.GetProperty("version").GetString(), h.GetProperty("change").GetString())));
            Assert.Equal("second", history[0].GetProperty("feature").GetProperty("properties").GetProperty("name").GetString());
            Assert.False(history[1].TryGetProperty("feature", out _));
            var changed = (await JsonAsync(client, "/collections/zones/items/1/history")).GetProperty("history").EnumerateArray().ToList();
            Assert.Equal(["added", "changed"], changed.Select(h => h.GetProperty("change").GetString()));
            Assert.Equal("first, amended", changed[1].GetProperty("feature").GetProperty("properties").GetProperty("name").GetString());
            await HttpAssertions.GetProblemAsync(client, "/collections/zones/items/nope/history", HttpStatusCode.NotFound);
            await HttpAssertions.GetProblemAsync(client, "/collections/ghost/items/1/history", HttpStatusCode.NotFound);

            // Links carry the selection, so paging through an old version stays on it.
            var page = await JsonAsync(client, "/collections/zones/items?version=p@1&limit=1");
            Assert.Contains("version=p%401", HttpAssertions.Link(page, "next"), StringComparison.Ordinal);
            Assert.Contains("version=p%401", HttpAssertions.Link(page, "collection"), StringComparison.Ordinal);
            var collection = await JsonAsync(client, "/collections/zones?asOf=2020-02-02");
            Assert.Equal("p@1", collection.GetProperty("metrocircle").GetProperty("planVersion").GetString());
            Assert.EndsWith("/collections/zones/items?f=json&asOf=2020-02-02", HttpAssertions.Link(collection, "items"), StringComparison.Ordinal);
            var tileJson = await JsonAsync(client, "/collections/zones/tiles/WebMercatorQuad/tilejson.json?version=p@1");
            Assert.EndsWith("/{z}/{y}/{x}?version=p%401", tileJson.GetProperty("tiles")[0].GetString(), StringComparison.Ordinal);
            Assert.Contains("asOf=2020-02-02", HttpAssertions.Link(await JsonAsync(client, "/?f=json&asOf=2020-02-02"), "data"), StringComparison.Ordinal);

            // When the year has passed, the waiting version comes into force on its own, without restart.
            clock.Offset = TimeSpan.FromDays(367);
            await Task.Delay(Metrocircle.Web.Plan.PlanCatalog.RecheckInterval * 2, Ct);
            Assert.Equal(["first, amended", "third"], await NamesAsync(client, ""));
            var (_, _, tileLater) = await GetAsync(client, Tile);
            Assert.Equal("\"p@3\"", tileLater);
            Assert.True((await JsonAsync(client, "/versions")).GetProperty("versions")[0].GetProperty("inForce").GetBoolean());
        }
        finally
        {
            await app.StopAsync(Ct);
        }
    }

    /// <summary>Two reads are the same when status, bytes and ETag are.</summary>
    private sealed class Same : IEqualityComparer<(HttpStatusCode Status, byte[] Body, string? ETag)>
    {
        public static readonly Same Instance = new();

        public bool Equals((HttpStatusCode Status, byte[] Body, string? ETag) x, (HttpStatusCode Status, byte[] Body, string? ETag) y) =>
            x.Status == y.Status && x.ETag == y.ETag && x.Body.AsSpan().SequenceEqual(y.Body);

        public int GetHashCode((HttpStatusCode Status, byte[] Body, string? ETag) obj) => obj.Body.Length;
    }
}

public sealed class SqliteTimeTravelTests : TimeTravelContract, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mc-versions-{Guid.NewGuid():N}");

    protected override async Task<IPlanStore> OpenStoreAsync()
    {
        var store = new SqlitePlanStore(Path.Combine(_folder, "store.sqlite"));
        await store.MigrateAsync(Ct);
        return store;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgisTimeTravelTests : TimeTravelContract, IAsyncLifetime
{
    private PostgresServer? _server;

    protected override async Task<IPlanStore> OpenStoreAsync()
    {
        if (PostgresServer.Unavailable() is { } reason)
        {
            if (Requirements.InCi)
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        _server = await PostgresServer.StartAsync(Ct);
        var store = new PostgresPlanStore(_server.Url(await _server.CreateDatabaseAsync(Ct)));
        await store.MigrateAsync(Ct);
        return store;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
