using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>Stores of a contract test class, each on a fresh database of the shared server, and SQL run straight against a store's database.</summary>
internal sealed class PostgresStores(PostgresFixture fixture)
{
    private readonly Dictionary<IPlanStore, string> _databases = [];

    public async Task<IPlanStore> CreateAsync(Func<string, PostgresPlanStore> open)
    {
        var database = await fixture.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var store = open(fixture.Server.Url(database));
        lock (_databases)
        {
            _databases[store] = database;
        }

        return store;
    }

    public Task TamperAsync(IPlanStore store, string sql)
    {
        string database;
        lock (_databases)
        {
            database = _databases[store];
        }

        return fixture.Server.ExecuteAsync(database, sql, TestContext.Current.CancellationToken);
    }
}
