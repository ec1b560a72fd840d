using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteLedgerStoreTests : LedgerStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-ledger-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    protected override Task TamperAsync(IPlanStore store, string sql) => SqliteTempStores.ExecuteAsync(store, sql);

    public void Dispose() => _stores.Dispose();
}
