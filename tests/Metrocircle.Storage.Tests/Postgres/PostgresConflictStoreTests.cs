using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The conflict acceptance contract against PostgreSQL; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresConflictStoreTests(PostgresFixture fixture) : ConflictStoreContract
{
    protected override async Task<IPlanStore> CreateStoreAsync()
    {
        var database = await fixture.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new PostgresPlanStore(fixture.Server.Url(database));
    }
}
