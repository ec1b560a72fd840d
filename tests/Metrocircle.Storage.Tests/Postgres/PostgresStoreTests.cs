using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>The storage contract against PostGIS; each store gets a fresh database on the shared server.</summary>
public sealed class PostgresStoreTests(PostgresFixture fixture) : PlanStoreContract
{
    protected override async Task<IPlanStore> CreateStoreAsync()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new PostgresPlanStore(server.Url(database));
    }
}
