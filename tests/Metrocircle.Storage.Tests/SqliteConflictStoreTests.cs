using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteConflictStoreTests : ConflictStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-conflicts-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
