using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary>Issue 11, audit: signed checkpoints of the log's head, kept by another party, catch a cut-off tail and a rewritten history.</summary>
public sealed class AuditCheckpointTests : IDisposable
{
    private readonly StoreFixture _s = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _s.Dispose();

    private string Key => Path.Combine(_s.Folder, "audit-key");

    private string Checkpoint => Path.Combine(_s.Folder, "checkpoint.json");

    /// <summary>A store with <paramref name="entries"/> audit entries, a key pair and a checkpoint of the head.</summary>
    private async Task CheckpointedAsync(int entries = 6)
    {
        await AppendAsync(entries);
        var (keyCode, keyOut, keyError) = await _s.RunAsync("audit-log", "keygen", "--out", Key);
        Assert.True(keyCode == 0, keyError);
        Assert.Contains("key id ed25519:", keyOut, StringComparison.Ordinal);
        var (code, output, error) = await _s.RunAsync("audit-log", "checkpoint", "--out", Checkpoint, "--key", Key, "--store", _s.Store);
        Assert.True(code == 0, error);
        Assert.Contains($"checkpoint of entry {entries}", output, StringComparison.Ordinal);
    }

    private async Task AppendAsync(int entries)
    {
        await using var store = new SqlitePlanStore(_s.StorePath);
        await store.MigrateAsync(Ct);
        for (var i = 0; i < entries; i++)
        {
            await store.AppendAuditAsync($"user{i}", "check.submitted", $"chk-{i}", $$"""{"n":{{i}}}""", Ct);
        }
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_s.StorePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private Task<(int Code, string Out, string Err)> VerifyAsync(params string[] more) =>
        _s.RunAsync(["audit-log", "verify", "--checkpoint", Checkpoint, "--store", _s.Store, .. more]);

    [Fact]
    public async Task an_intact_log_verifies_against_its_checkpoint_also_after_later_entries()
    {
        await CheckpointedAsync();
        var (code, output, error) = await VerifyAsync("--public-key", Key + ".pub");
        Assert.True(code == 0, error);
        Assert.Contains("still holds entry 6", output, StringComparison.Ordinal);

        await AppendAsync(2);
        (code, output, error) = await VerifyAsync();
        Assert.True(code == 0, error);
        Assert.Contains("audit log intact: 8 entries", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task issue_11_a_log_cut_below_its_checkpoint_fails_saying_how_many_entries_are_missing()
    {
        await CheckpointedAsync();
        await SqlAsync("DELETE FROM audit_log WHERE seq > 4");
        Assert.Equal(0, (await _s.RunAsync("audit-log", "verify", "--store", _s.Store)).Code);

        var (code, _, error) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("broken at entry 5", error, StringComparison.Ordinal);
        Assert.Contains("the log ends at entry 4", error, StringComparison.Ordinal);
        Assert.Contains("2 entries are missing from its tail (truncated)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task issue_11_a_rewritten_history_with_recomputed_hashes_fails_against_the_checkpoint()
    {
        await CheckpointedAsync();

        // Entry 3 edited and every hash from it on recomputed: the chain alone still verifies.
        var entries = await ReadAsync();
        var previous = entries[1].Hash;
        foreach (var e in entries.Skip(2))
        {
            var details = e.Sequence == 3 ? """{"n":99}""" : e.Details;
            var hash = AuditEntry.ComputeCanonicalHash(e.Sequence, e.At, e.Actor, e.Action, e.Subject, details, previous);
            await SqlAsync(string.Create(CultureInfo.InvariantCulture, $"UPDATE audit_log SET details = '{details}', prev_hash = '{previous}', hash = '{hash}' WHERE seq = {e.Sequence}"));
            previous = hash;
        }

        Assert.Equal(0, (await _s.RunAsync("audit-log", "verify", "--store", _s.Store)).Code);
        var (code, _, error) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("broken at entry 6", error, StringComparison.Ordinal);
        Assert.Contains("the history up to entry 6 was rewritten", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task issue_11_a_forged_checkpoint_fails_before_the_log_is_read()
    {
        await CheckpointedAsync();
        var original = await File.ReadAllTextAsync(Checkpoint, Ct);

        // The signature altered.
        var json = JsonNode.Parse(original)!.AsObject();
        var signature = Convert.FromBase64String(json["signature"]!.GetValue<string>());
        signature[10] ^= 0x01;
        json["signature"] = Convert.ToBase64String(signature);
        await File.WriteAllTextAsync(Checkpoint, json.ToJsonString(), Ct);
        var (code, _, error) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("signature does not match", error, StringComparison.Ordinal);

        // The sequence lowered to hide a cut tail, signature untouched.
        json = JsonNode.Parse(original)!.AsObject();
        json["sequence"] = 3;
        await File.WriteAllTextAsync(Checkpoint, json.ToJsonString(), Ct);
        (code, _, error) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains("signature does not match", error, StringComparison.Ordinal);

        // Re-signed whole by another key: valid in itself, but not by the key the keeper trusts.
        await File.WriteAllTextAsync(Checkpoint, original, Ct);
        var other = Path.Combine(_s.Folder, "other-key");
        Assert.Equal(0, (await _s.RunAsync("audit-log", "keygen", "--out", other)).Code);
        Assert.Equal(0, (await _s.RunAsync("audit-log", "checkpoint", "--out", Checkpoint, "--key", other, "--store", _s.Store)).Code);
        Assert.Equal(0, (await VerifyAsync()).Code);
        (code, _, error) = await VerifyAsync("--public-key", Key + ".pub");
        Assert.Equal(1, code);
        Assert.Contains("not the trusted key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_checkpoint_without_a_key_says_how_to_make_one_and_keygen_never_overwrites()
    {
        await AppendAsync(1);
        if (Environment.GetEnvironmentVariable("METROCIRCLE_AUDIT_KEY") is null)
        {
            var (code, _, error) = await _s.RunAsync("audit-log", "checkpoint", "--out", Checkpoint, "--store", _s.Store);
            Assert.Equal(1, code);
            Assert.Contains("METROCIRCLE_AUDIT_KEY", error, StringComparison.Ordinal);
            Assert.Contains("metrocircle audit-log keygen --out", error, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await _s.RunAsync("audit-log", "keygen", "--out", Key)).Code);
        var (again, _, againError) = await _s.RunAsync("audit-log", "keygen", "--out", Key);
        Assert.Equal(1, again);
        Assert.Contains("never overwrites", againError, StringComparison.Ordinal);

        // The seed itself, as the variable may carry it, signs as well as the file.
        var seed = (await File.ReadAllTextAsync(Key, Ct)).Trim();
        var (signed, _, signedError) = await _s.RunAsync("audit-log", "checkpoint", "--out", Checkpoint, "--key", seed, "--store", _s.Store);
        Assert.True(signed == 0, signedError);
        Assert.Equal(0, (await VerifyAsync("--public-key", Key + ".pub")).Code);
        Assert.False(File.Exists(Checkpoint + ".partial"));
    }

    private async Task<List<AuditEntry>> ReadAsync()
    {
        await using var store = new SqlitePlanStore(_s.StorePath);
        return await store.ReadAuditAsync(Ct).ToListAsync(Ct);
    }
}
