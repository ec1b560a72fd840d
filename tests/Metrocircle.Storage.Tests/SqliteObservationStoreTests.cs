using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteObservationStoreTests : ObservationStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-obs-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
