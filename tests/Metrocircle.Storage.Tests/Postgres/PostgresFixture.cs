using Metrocircle.Testing;

[assembly: AssemblyFixture(typeof(Metrocircle.Storage.Tests.Postgres.PostgresFixture))]

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>
/// One throwaway PostgreSQL server for the whole test assembly. Without the binaries the PostgreSQL tests are skipped
/// on a developer machine and fail under CI (CI=true), so that CI never passes by skipping.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _problem;

    public async ValueTask InitializeAsync()
    {
        _problem = PostgresServer.Unavailable();
        if (_problem is not null)
        {
            return;
        }

        try
        {
            _server = await PostgresServer.StartAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or Npgsql.NpgsqlException)
        {
            // Recorded rather than thrown: a failing assembly fixture would also fail the SQLite tests.
            _problem = "the test PostgreSQL server did not start: " + e.Message;
        }
    }

    /// <summary>The server, or a skip (fail under CI) with the reason there is none.</summary>
    public PostgresServer Server
    {
        get
        {
            if (_server is not null)
            {
                return _server;
            }

            var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
            if (inCi || PostgresServer.Unavailable() is null)
            {
                // Installed but broken is a failure anywhere; missing is one only under CI.
                Assert.Fail(_problem ?? "the test PostgreSQL server is not running");
            }

            Assert.Skip(_problem ?? "PostgreSQL is not available");
            return null!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
