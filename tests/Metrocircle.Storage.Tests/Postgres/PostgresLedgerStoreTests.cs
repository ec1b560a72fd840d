using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The land ledger contract against PostgreSQL; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresLedgerStoreTests(PostgresFixture fixture) : LedgerStoreContract
{
    private readonly Dictionary<IPlanStore, string> _databases = [];

    protected override (int Sequences, int MaxSteps) PropertySize => (6, 25);

    protected override async Task<IPlanStore> CreateStoreAsync()
    {
        var database = await fixture.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var store = new PostgresPlanStore(fixture.Server.Url(database));
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
