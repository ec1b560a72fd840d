using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The storage contract against PostGIS; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresStoreTests(PostgresFixture fixture) : PlanStoreContract
{
    private readonly Dictionary<IPlanStore, string> _databases = [];

    protected override async Task<IPlanStore> CreateStoreAsync()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var store = new PostgresPlanStore(server.Url(database));
        lock (_databases)
        {
            _databases[store] = database;
        }

        return store;
    }

    protected override Task TamperAsync(IPlanStore store, string sql)
    {
        string database;
        lock (_databases)
        {
            database = _databases[store];
        }

        return fixture.Server.ExecuteAsync(database, sql, TestContext.Current.CancellationToken);
    }
}
