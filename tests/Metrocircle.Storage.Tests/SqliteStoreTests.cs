using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Tests;

public sealed class SqliteStoreTests : PlanStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mc-sqlite-" + Guid.NewGuid().ToString("N"));

    protected override Task<IPlanStore> CreateStoreAsync() =>
        Task.FromResult<IPlanStore>(new SqlitePlanStore(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".sqlite")));

    protected override async Task TamperAsync(IPlanStore store, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={((SqlitePlanStore)store).Path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task creates_the_file_and_its_folder_in_wal_mode()
    {
        var path = Path.Combine(_folder, "nested", "store.sqlite");
        await using var store = new SqlitePlanStore(path);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.True(File.Exists(path));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task refuses_a_store_written_by_a_newer_schema()
    {
        var path = Path.Combine(_folder, "newer.sqlite");
        await using (var store = new SqlitePlanStore(path))
        {
            await store.MigrateAsync(TestContext.Current.CancellationToken);
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migration VALUES (999, 'from the future', '2030-01-01')";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var again = new SqlitePlanStore(path);
        var e = await Assert.ThrowsAsync<StoreException>(() => again.MigrateAsync(TestContext.Current.CancellationToken));
        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
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
