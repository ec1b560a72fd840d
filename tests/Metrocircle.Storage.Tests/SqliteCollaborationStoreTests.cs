using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteCollaborationStoreTests : CollaborationStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mc-sqlite-tasks-" + Guid.NewGuid().ToString("N"));

    protected override Task<IPlanStore> CreateStoreAsync() =>
        Task.FromResult<IPlanStore>(new SqlitePlanStore(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".sqlite")));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was created.
        }
    }
}
