using Metrocircle.Storage.Sqlite;
using Metrocircle.Web;
using Metrocircle.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>
/// A Kestrel host of a test's own over a migrated SQLite store that holds the <see cref="TestAccounts"/> and no plan:
/// quick to start, for tests of accounts, limits and proxies that need their own settings or clock.
/// </summary>
public sealed class LightServer : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mc-light-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    private LightServer(SecuritySettings security) => Security = security;

    public SecuritySettings Security { get; }

    public ShiftedClock Clock { get; } = new();

    public SqlitePlanStore Store { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Starts a host; <paramref name="map"/> adds endpoints of the test's own (before the host starts); with
    /// <paramref name="logs"/> the host logs from Information up into it (else only critical lines, to the console).
    /// </summary>
    public static async Task<LightServer> StartAsync(SecuritySettings security, Action<WebApplication>? map = null, ILoggerProvider? logs = null)
    {
        var server = new LightServer(security);
        server.Store = new SqlitePlanStore(Path.Combine(server._folder, "metrocircle.sqlite"));
        await server.Store.MigrateAsync(CancellationToken.None);
        await TestAccounts.AddAsync(server.Store, CancellationToken.None);
        server._app = MetrocircleWebApp.Build(server.Store, new WebHostSettings(["http://127.0.0.1:0"],
            MinimumLogLevel: logs is null ? LogLevel.Critical : LogLevel.Information, Time: server.Clock, Security: security, Logs: logs));
        map?.Invoke(server._app);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
