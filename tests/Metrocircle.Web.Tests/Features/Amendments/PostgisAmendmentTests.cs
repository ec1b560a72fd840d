using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Dataset;
using Metrocircle.Storage.Postgres;
using Metrocircle.Testing;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Amendments;

/// <summary>Two Metrocircle instances on one PostGIS database, each with its own store, sharing a clock the tests move.</summary>
public sealed class PostgisPair : IAsyncLifetime
{
    private PostgresServer? _server;
    private readonly List<(WebApplication App, PostgresPlanStore Store)> _instances = [];

    public ShiftedClock Clock { get; } = new();

    public IReadOnlyList<HttpClient> Clients { get; private set; } = [];

    public PostgresPlanStore Store => _instances[0].Store;

    public async ValueTask InitializeAsync()
    {
        if (PostgresServer.Unavailable() is not null)
        {
            return;
        }

        _server = await PostgresServer.StartAsync(CancellationToken.None);
        var database = await _server.CreateDatabaseAsync(CancellationToken.None);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 2; i++)
        {
            var store = new PostgresPlanStore(_server.Url(database));
            await store.MigrateAsync(CancellationToken.None);
            if (i == 0)
            {
                await Seeder.SeedAsync(store, TestPaths.Dataset(), CancellationToken.None);
                await TestAccounts.AddAsync(store, CancellationToken.None);
            }

            var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning, Time: Clock));
            await app.StartAsync();
            _instances.Add((app, store));
            clients.Add(new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) });
        }

        Clients = clients;
    }

    public PostgisPair Require()
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
        foreach (var client in Clients)
        {
            client.Dispose();
        }

        foreach (var (app, store) in _instances)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await store.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// An amendment on PostGIS: proposed and decided through one instance, published in one transaction, and in force
/// on the other instance (which shares only the database) within a second of its effective date.
/// </summary>
public sealed class PostgisAmendmentTests(PostgisPair pair) : IClassFixture<PostgisPair>
{
    private const string Farmland = "permanent-farmland";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_approved_amendment_takes_effect_on_its_date_on_a_second_instance_sharing_the_store()
    {
        var p = pair.Require();
        var (one, two) = (p.Clients[0], p.Clients[1]);
        try
        {
            var hebei = await ProvinceAsync(one, "hebei");
            var parcel = await FeatureInAsync(one, Farmland, hebei);
            var spot = await FreeSpotAsync(one, Farmland, parcel.Geometry, hebei);
            var baseVersion = (await p.Store.GetCurrentVersionAsync(Ct))!.Id;
            var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(40));
            var proposer = await FreshAsync(one.BaseAddress!, one, TestAccounts.TianjinReviewer);
            var (created, amendment) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "Move farmland on PostGIS", effective.ToString("yyyy-MM-dd"),
                Retire(Farmland, parcel.Id), Add(Farmland, parcel.Id + "-moved", spot, new JsonObject { ["countyId"] = parcel.Properties["countyId"]!.GetValue<string>() })));
            Assert.True(created == HttpStatusCode.Created, amendment.ToJsonString());
            Assert.True(amendment["balance"]!["ok"]!.GetValue<bool>(), amendment["balance"]!.ToJsonString());
            var id = amendment["id"]!.GetValue<string>();

            // The other instance sees the amendment in notice at once: it shares only the database.
            var (_, onTwo) = await SendAsync(two, HttpMethod.Get, $"/amendments/{id}");
            Assert.Equal("public-notice", onTwo["status"]!.GetValue<string>());

            p.Clock.Offset = TimeSpan.FromDays(31);
            var decisions = await DecideAllAsync(amendment["caseId"]!.GetValue<string>(), user => FreshAsync(one.BaseAddress!, one, user));
            Assert.All(decisions, d => Assert.True(d.Status == HttpStatusCode.OK, d.Body.ToJsonString()));
            var (_, approved) = await SendAsync(two, HttpMethod.Get, $"/amendments/{id}");
            Assert.Equal("approved", approved["status"]!.GetValue<string>());

            // Approved but not yet in force: both instances still serve the parcel.
            foreach (var client in new[] { one, two })
            {
                using var before = await client.GetAsync($"/collections/{Farmland}/items/{parcel.Id}", Ct);
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            // On the effective date the second instance switches to the amended plan within a second.
            p.Clock.Offset = TimeSpan.FromDays(41);
            var watch = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var after = await two.GetAsync($"/collections/{Farmland}/items/{parcel.Id}", Ct);
                status = after.StatusCode;
                if (status == HttpStatusCode.NotFound)
                {
                    break;
                }

                await System.Threading.Tasks.Task.Delay(50, Ct);
            }
            while (watch.Elapsed < TimeSpan.FromSeconds(10));

            Assert.Equal(HttpStatusCode.NotFound, status);
            using var movedHere = await two.GetAsync($"/collections/{Farmland}/items/{parcel.Id}-moved", Ct);
            Assert.Equal(HttpStatusCode.OK, movedHere.StatusCode);
            var (_, inForce) = await SendAsync(two, HttpMethod.Get, $"/amendments/{id}");
            Assert.Equal("in-force", inForce["status"]!.GetValue<string>());
        }
        finally
        {
            p.Clock.Offset = TimeSpan.Zero;
        }
    }
}
