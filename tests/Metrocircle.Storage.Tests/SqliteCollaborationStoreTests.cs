using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteCollaborationStoreTests : CollaborationStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-tasks-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
