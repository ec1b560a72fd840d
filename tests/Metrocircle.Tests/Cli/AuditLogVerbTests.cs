using Microsoft.Data.Sqlite;

namespace Metrocircle.Tests.Cli;

public sealed class AuditLogVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private const string Site = """{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.45,39.75],[116.46,39.75],[116.46,39.76],[116.45,39.76],[116.45,39.75]]]},"properties":{"category":"housing"}}""";

    [Fact]
    public async Task seeding_and_checks_are_recorded_and_the_chain_verifies_from_the_store_and_from_an_export()
    {
        var file = S.File("site.geojson", Site);
        Assert.Equal(0, (await S.RunAsync("check", file, "--store", S.Store)).Code);
        var (code, output, error) = await S.RunAsync("audit-log", "verify", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Matches(@"audit log intact: \d+ entries", output);

        var export = Path.Combine(S.Folder, "audit.jsonl");
        Assert.Equal(0, (await S.RunAsync("audit-log", "export", "--out", export, "--store", S.Store)).Code);
        var lines = await File.ReadAllLinesAsync(export, TestContext.Current.CancellationToken);
        Assert.Contains("\"action\":\"plan.published\"", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("\"action\":\"check.submitted\"", StringComparison.Ordinal));
        Assert.Equal(0, (await S.RunAsync("audit-log", "verify", "--file", export)).Code);

        // Another party edits one exported line: the file no longer verifies, and the message says where.
        lines[0] = lines[0].Replace("plan.published", "plan.withdrawn", StringComparison.Ordinal);
        var forged = Path.Combine(S.Folder, "forged.jsonl");
        await File.WriteAllLinesAsync(forged, lines, TestContext.Current.CancellationToken);
        var (badCode, _, badError) = await S.RunAsync("audit-log", "verify", "--file", forged);
        Assert.Equal(1, badCode);
        Assert.Contains("broken at entry 1", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_deleted_row_in_the_store_makes_verify_fail_naming_it()
    {
        var store = new StoreFixture();
        try
        {
            Assert.Equal(0, (await store.RunAsync("seed", "--store", store.Store, "--dataset", Metrocircle.Testing.TestPaths.Dataset())).Code);
            var file = store.File("site.geojson", Site);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(0, (await store.RunAsync("check", file, "--store", store.Store)).Code);
            }

            await using (var connection = new SqliteConnection($"Data Source={store.StorePath};Pooling=False"))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM audit_log WHERE seq = 2";
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var (code, _, error) = await store.RunAsync("audit-log", "verify", "--store", store.Store);
            Assert.Equal(1, code);
            Assert.Contains("entry 2 is missing", error, StringComparison.Ordinal);
        }
        finally
        {
            store.Dispose();
        }
    }
}
