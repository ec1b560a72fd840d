using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteApprovalStoreTests : ApprovalStoreContract, IDisposable
{
    private readonly SqliteTempStores _stores = new("mc-sqlite-appr-");

    protected override Task<IPlanStore> CreateStoreAsync() => _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
