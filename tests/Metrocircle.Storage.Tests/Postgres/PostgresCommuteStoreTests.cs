using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The commuting-flow contract against PostgreSQL; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresCommuteStoreTests(PostgresFixture fixture) : CommuteStoreContract
{
    protected override async Task<IPlanStore> CreateStoreAsync()
    {
        var database = await fixture.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new PostgresPlanStore(fixture.Server.Url(database));
    }
}
