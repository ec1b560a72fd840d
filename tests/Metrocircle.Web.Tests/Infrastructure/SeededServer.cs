using Metrocircle.Core.Dataset;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web;
using Metrocircle.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Metrocircle.Web.Tests.Infrastructure.SeededServer))]

namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>
/// One real Kestrel server on a free loopback port over a SQLite store seeded with the default dataset,
/// shared by the whole test assembly (seeding takes several seconds).
/// </summary>
public sealed class SeededServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mc-web-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public SqlitePlanStore Store { get; private set; } = null!;

    /// <summary>The server's clock: tests that need deadlines to pass move it forward and back.</summary>
    public ShiftedClock Clock { get; } = new();

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signIn = new(1, 1);

    /// <summary>A client signed in as one of <see cref="TestAccounts"/> (bearer token; one sign-in per account per run).</summary>
    public async Task<HttpClient> ClientAsAsync(string userName)
    {
        await _signIn.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(userName, out var token))
            {
                if (TestAccounts.OnDemand(userName) is { } account && await Store.GetAccountAsync(userName, CancellationToken.None) is null)
                {
                    await Store.AddAccountAsync(account, new Core.Audit.AuditRecord("test-fixture", "account.added", userName, "{}"), CancellationToken.None);
                }

                token = await TestAccounts.SignInAsync(Client, userName);
                _tokens[userName] = token;
            }

            var client = new HttpClient { BaseAddress = BaseAddress };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        finally
        {
            _signIn.Release();
        }
    }

    public string StorePath => Store.Path;

    /// <summary>Default security settings with the per-address rate limits out of reach.</summary>
    public static SecuritySettings Unlimited { get; } = new() { SignInPermits = 1_000_000, AnonymousWritePermits = 1_000_000 };

    public async ValueTask InitializeAsync()
    {
        Store = new SqlitePlanStore(Path.Combine(_folder, "metrocircle.sqlite"));
        await Store.MigrateAsync(CancellationToken.None);
        var dataset = Metrocircle.Testing.TestPaths.Dataset();
        await Seeder.SeedAsync(Store, dataset, CancellationToken.None);
        await TestAccounts.AddAsync(Store, CancellationToken.None);
        // Every test signs in from 127.0.0.1, so the per-address limits are lifted here; RateLimitTests runs hosts of its own with low ones.
        _app = MetrocircleWebApp.Build(Store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning, Time: Clock, Security: Unlimited));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

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
