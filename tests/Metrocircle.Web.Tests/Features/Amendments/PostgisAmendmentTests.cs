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

            var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning, Time: Clock, Security: SeededServer.Unlimited));
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
/// The whole amendment loop on PostGIS, through one instance, with its effective date checked on a second instance
/// that shares only the database (it switches within the catalogue's 250 ms recheck; the wait is bounded, not timed).
/// </summary>
public sealed class PostgisAmendmentTests(PostgisPair pair) : IClassFixture<PostgisPair>
{
    [Fact]
    public async Task the_amendment_loop_on_postgis_blocks_the_unbalanced_publishes_the_balanced_and_a_second_instance_serves_it_on_its_date()
    {
        var p = pair.Require();
        var (one, two) = (p.Clients[0], p.Clients[1]);
        try
        {
            await AmendmentScenario.RunAsync(one, user => FreshAsync(one.BaseAddress!, one, user), p.Clock, p.Store, second: two);
        }
        finally
        {
            p.Clock.Offset = TimeSpan.Zero;
        }
    }
}
