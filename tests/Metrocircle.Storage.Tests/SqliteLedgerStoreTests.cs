using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteLedgerStoreTests : LedgerStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-ledger-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    protected override async Task TamperAsync(IPlanStore store, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={((SqlitePlanStore)store).Path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose() => _stores.Dispose();
}
