using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary><c>metrocircle ledger</c> on a seeded store: the ledger opens from the plan, reads, exports, verifies, and a corrupted balance fails verification by name.</summary>
public sealed class LedgerVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task balances_transactions_export_and_verify_work_and_a_balance_broken_behind_the_ledgers_back_fails_verify_naming_the_account()
    {
        var (code, output, error) = await S.RunAsync("ledger", "balances", "--kind", "new-construction-land", "--period", "2026-2030", "--json", "--store", S.Store);
        Assert.True(code == 0, error);
        var balances = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        var grant = balances.Single(b => b.GetProperty("role").GetString() == "grant");
        Assert.Equal(-1_500_000_000, grant.GetProperty("balance").GetInt64());
        Assert.Equal(1_500_000_000, balances.Where(b => b.GetProperty("role").GetString() != "grant").Sum(b => b.GetProperty("balance").GetInt64()));
        var county = balances.First(b => b.GetProperty("role").GetString() == "jurisdiction" && b.GetProperty("balance").GetInt64() > 0).GetProperty("account").GetString()!;

        var (t, transactions, _) = await S.RunAsync("ledger", "transactions", "--account", county, "--store", S.Store);
        Assert.Equal(0, t);
        Assert.Contains("\topening\t", transactions, StringComparison.Ordinal);

        var export = Path.Combine(S.Folder, "ledger.jsonl");
        Assert.Equal(0, (await S.RunAsync("ledger", "export", "--out", export, "--store", S.Store)).Code);
        var lines = await File.ReadAllLinesAsync(export, Ct);
        Assert.Contains(lines, l => l.Contains("\"type\":\"transaction\"", StringComparison.Ordinal));
        Assert.Equal(balances.Count * 6, lines.Count(l => l.Contains("\"type\":\"account\"", StringComparison.Ordinal)));

        var (v, verified, verifyError) = await S.RunAsync("ledger", "verify", "--store", S.Store);
        Assert.True(v == 0, verifyError);
        Assert.Matches(@"ledger intact: 6 transactions, \d+ postings", verified);

        await using (var connection = new SqliteConnection($"Data Source={S.StorePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE ledger_account SET balance = balance + 10 WHERE id = $id";
            command.Parameters.AddWithValue("$id", county);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var (broken, _, brokenError) = await S.RunAsync("ledger", "verify", "--store", S.Store);
        Assert.Equal(1, broken);
        Assert.Contains($"ledger broken: account {county} has balance", brokenError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_subverb_or_date_is_a_usage_error()
    {
        Assert.Equal(2, (await S.RunAsync("ledger", "balance", "--store", S.Store)).Code);
        Assert.Equal(2, (await S.RunAsync("ledger", "balances", "--as-of", "last week", "--store", S.Store)).Code);
    }
}
