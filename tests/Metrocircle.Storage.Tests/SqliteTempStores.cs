using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

/// <summary>Fresh SQLite stores in one temporary folder, removed when the test class is done.</summary>
internal sealed class SqliteTempStores(string prefix) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public Task<IPlanStore> CreateAsync() => Task.FromResult<IPlanStore>(new SqlitePlanStore(NewPath()));

    /// <summary>A new file's path in the folder.</summary>
    public string NewPath() => Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".sqlite");

    /// <summary>Runs SQL straight against a SQLite store's file, outside the store, as someone tampering with it would.</summary>
    public static async Task ExecuteAsync(IPlanStore store, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={((SqlitePlanStore)store).Path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

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
