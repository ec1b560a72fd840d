using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Testing;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>
/// The default dataset seeded into PostGIS and served on a second port must answer exactly as the SQLite server does:
/// same documents, byte for byte, apart from <c>timeStamp</c>, a problem's <c>traceId</c> and the host part of links.
/// </summary>
public sealed class StoreParityTests(SeededServer sqlite, PostgisServer postgis) : IClassFixture<PostgisServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/collections")]
    [InlineData("/collections/counties")]
    [InlineData("/collections/counties/items?limit=200")]
    [InlineData("/collections/circles/items")]
    [InlineData("/collections/counties/items?bbox=116.2,39.6,116.9,40.1&limit=50")]
    [InlineData("/collections/counties/items?bbox=116.2,39.6,116.9,40.1&limit=3&offset=2")]
    [InlineData("/collections/counties/items/110112")]
    [InlineData("/collections/counties/items/no-such-county")]
    [InlineData("/collections/goals/items")]
    [InlineData("/collections/counties/items?limit=30&crs=http://www.opengis.net/def/crs/EPSG/0/4527")]
    [InlineData("/collections/counties/items/110112?crs=http://www.opengis.net/def/crs/EPSG/0/4490")]
    [InlineData("/collections/counties/items?limit=5&filter=areaKm2%20%3E%201000%20AND%20province%20%3C%3E%20%27%E5%8C%97%E4%BA%AC%E5%B8%82%27")]
    [InlineData("/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=4&offset=2&filter=areaKm2%20BETWEEN%20300%20AND%201500")]
    [InlineData("/collections/counties/queryables")]
    public async Task the_postgis_server_answers_exactly_as_the_sqlite_server(string path)
    {
        var server = postgis.Require();
        var (sqliteStatus, expected) = await GetAsync(sqlite.Client, path);
        var (postgisStatus, actual) = await GetAsync(server.Client, path);
        Assert.Equal(sqliteStatus, postgisStatus);
        Assert.True(expected == actual, $"{path} differs at {FirstDifference(expected, actual)}");
    }

    [Theory]
    [InlineData("/collections/counties/items?bbox=116.2,39.6,116.9,40.1&limit=4")]
    [InlineData("/collections/counties/items?limit=60")]
    [InlineData("/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=7&offset=3")]
    [InlineData("/collections/counties/items?limit=6&filter=areaKm2%20%3C%20900%20OR%20name%20LIKE%20%27%25%E5%8E%BF%27")]
    [InlineData("/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=5&filter=NOT%20areaKm2%20%3E%201200")]
    public async Task following_next_links_pages_through_the_same_features_on_postgis_as_on_sqlite(string path)
    {
        var server = postgis.Require();
        var expected = await PagesAsync(sqlite.Client, path);
        var actual = await PagesAsync(server.Client, path);
        Assert.True(expected.Count > 1, $"{path} fits on one page");
        Assert.Equal(expected, actual);
    }

    /// <summary>The feature ids of each page reached from <paramref name="path"/> by next links.</summary>
    private static async Task<List<string>> PagesAsync(HttpClient client, string path)
    {
        var pages = new List<string>();
        string? url = path;
        while (url is not null)
        {
            var page = JsonNode.Parse(await client.GetStringAsync(url, Ct))!;
            pages.Add(string.Join(',', page["features"]!.AsArray().Select(f => f!["id"]!.ToString())) + $" of {page["numberMatched"]}");
            url = page["links"]!.AsArray().FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next")?["href"]!.GetValue<string>();
        }

        return pages;
    }

    [Fact]
    public async Task every_geometry_comes_back_from_postgis_with_the_same_wkb()
    {
        var server = postgis.Require();
        var version = (await sqlite.Store.GetCurrentVersionAsync(Ct))!;
        Assert.Equal(version.Id, (await server.Store.GetCurrentVersionAsync(Ct))!.Id);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: true);
        var compared = 0;
        foreach (var layer in await sqlite.Store.GetLayersAsync(version.Id, Ct))
        {
            var expected = await ReadAllAsync(sqlite.Store, version.Id, layer.Id);
            var actual = await ReadAllAsync(server.Store, version.Id, layer.Id);
            Assert.Equal(expected.Select(f => f.Id), actual.Select(f => f.Id));
            for (var i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i].Geometry, actual[i].Geometry);
                Assert.True(e is null ? a is null : a is not null && wkb.Write(e).AsSpan().SequenceEqual(wkb.Write(a)),
                    $"{layer.Id}/{expected[i].Id}: the geometry read from PostGIS differs from the one read from SQLite: {Difference(e, a)}");
                compared++;
            }
        }

        Assert.True(compared > 200, $"only {compared} features compared");
    }

    private static string Difference(NetTopologySuite.Geometries.Geometry? expected, NetTopologySuite.Geometries.Geometry? actual)
    {
        if (expected is null || actual is null)
        {
            return $"{expected?.GeometryType ?? "null"} / {actual?.GeometryType ?? "null"}";
        }

        var (e, a) = (expected.Coordinates, actual.Coordinates);
        for (var i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            if (!e[i].Equals2D(a[i]) || e[i].GetType() != a[i].GetType())
            {
                return FormattableString.Invariant($"coordinate {i}: {e[i].X:R} {e[i].Y:R} {e[i].GetType().Name} / {a[i].X:R} {a[i].Y:R} {a[i].GetType().Name}");
            }
        }

        var (x, y) = (new WKBWriter(ByteOrder.LittleEndian, handleSRID: true).Write(expected), new WKBWriter(ByteOrder.LittleEndian, handleSRID: true).Write(actual));
        var at = 0;
        while (at < Math.Min(x.Length, y.Length) && x[at] == y[at])
        {
            at++;
        }

        return $"byte {at} of {x.Length}/{y.Length}: {Convert.ToHexString(x.AsSpan(Math.Max(0, at - 16), Math.Min(40, x.Length - Math.Max(0, at - 16))))} / {Convert.ToHexString(y.AsSpan(Math.Max(0, at - 16), Math.Min(40, y.Length - Math.Max(0, at - 16))))} "
            + $"{expected.GeometryType} {expected.NumGeometries} parts {e.Length} points SRID {expected.SRID} / {actual.GeometryType} {actual.NumGeometries} parts {a.Length} points SRID {actual.SRID}";
    }

    private static async Task<List<Core.Model.PlanFeature>> ReadAllAsync(IPlanStore store, string versionId, string layerId)
    {
        var result = new List<Core.Model.PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(versionId, layerId, Ct))
        {
            result.Add(f);
        }

        return result;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct));
        Normalise(body, client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        return (response.StatusCode, body?.ToJsonString() ?? "null");
    }

    /// <summary>Drops <c>timeStamp</c>, <c>traceId</c> and the server's own origin, the only parts that may differ.</summary>
    private static void Normalise(JsonNode? node, string origin)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("timeStamp");
                o.Remove("traceId");
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith(origin, StringComparison.Ordinal))
                    {
                        o[key] = "http://server" + text[origin.Length..];
                    }
                    else
                    {
                        Normalise(value, origin);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Normalise(item, origin);
                }

                break;
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        var from = Math.Max(0, i - 120);
        return $"character {i}:\n  sqlite:  …{expected[from..Math.Min(expected.Length, i + 120)]}\n  postgis: …{actual[from..Math.Min(actual.Length, i + 120)]}";
    }
}

/// <summary>
/// A throwaway PostgreSQL server with the default dataset seeded into a fresh PostGIS database and served by
/// <see cref="MetrocircleWebApp"/> on its own port. Without PostgreSQL the tests are skipped, or fail under CI.
/// </summary>
public sealed class PostgisServer : IAsyncLifetime
{
    private PostgresServer? _server;
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public PostgresPlanStore Store { get; private set; } = null!;

    /// <summary>The seeded database, for tests that compare with PostGIS's own SQL.</summary>
    public string ConnectionString { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (PostgresServer.Unavailable() is not null)
        {
            return;
        }

        _server = await PostgresServer.StartAsync(CancellationToken.None);
        var database = await _server.CreateDatabaseAsync(CancellationToken.None);
        ConnectionString = _server.ConnectionString(database);
        Store = new PostgresPlanStore(_server.Url(database));
        await Store.MigrateAsync(CancellationToken.None);
        await Seeder.SeedAsync(Store, TestPaths.Dataset(), CancellationToken.None);
        await TestAccounts.AddAsync(Store, CancellationToken.None);
        _app = MetrocircleWebApp.Build(Store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    /// <summary>A client signed in as one of <see cref="TestAccounts"/>.</summary>
    public async Task<HttpClient> ClientAsAsync(string userName)
    {
        if (TestAccounts.OnDemand(userName) is { } account && await Store.GetAccountAsync(userName, CancellationToken.None) is null)
        {
            try
            {
                await Store.AddAccountAsync(account, new Core.Audit.AuditRecord("test-fixture", "account.added", userName, "{}"), CancellationToken.None);
            }
            catch (Core.Storage.StoreConflictException)
            {
                // Another test made it first.
            }
        }

        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(Client, userName));
        return client;
    }

    /// <summary>This fixture, or a skip (a failure under CI) when PostgreSQL is not installed.</summary>
    public PostgisServer Require()
    {
        if (_server is null)
        {
            var reason = PostgresServer.Unavailable() ?? "the PostgreSQL server did not start";
            if (Requirements.InCi)
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
