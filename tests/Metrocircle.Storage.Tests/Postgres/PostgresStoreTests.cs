using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The storage contract against PostGIS; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresStoreTests(PostgresFixture fixture) : PlanStoreContract
{
    private readonly PostgresStores _stores = new(fixture);

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync(url => new PostgresPlanStore(url));

    protected override Task TamperAsync(IPlanStore store, string sql) => _stores.TamperAsync(store, sql);
}
