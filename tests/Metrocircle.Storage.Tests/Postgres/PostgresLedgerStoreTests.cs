using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The land ledger contract against PostgreSQL; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresLedgerStoreTests(PostgresFixture fixture) : LedgerStoreContract
{
    private readonly PostgresStores _stores = new(fixture);

    protected override (int Sequences, int MaxSteps) PropertySize => (6, 25);

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync(url => new PostgresPlanStore(url));

    protected override Task TamperAsync(IPlanStore store, string sql) => _stores.TamperAsync(store, sql);
}
