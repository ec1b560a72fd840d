using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

/// <summary>Fresh SQLite stores in one temporary folder, removed when the test class is done.</summary>
internal sealed class SqliteTempStores(string prefix) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public Task<IPlanStore> CreateAsync() =>
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
