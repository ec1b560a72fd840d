using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteCommuteStoreTests : CommuteStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-od-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
