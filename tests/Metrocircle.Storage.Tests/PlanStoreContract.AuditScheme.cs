using System.Globalization;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>Issue 11, audit: the canonical (scheme 2) entry hash and the re-anchoring of logs written with scheme 1.</summary>
public abstract partial class PlanStoreContract
{
    private static readonly DateTimeOffset Then = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void issue_11_text_moved_between_actor_and_action_keeps_the_old_audit_hash_but_not_the_new_one()
    {
        var original = AuditEntry.ComputeLegacyHash(2, Then, "alice\nadmin", "check.submitted", "chk-2", "{}", AuditEntry.Genesis);
        var shifted = AuditEntry.ComputeLegacyHash(2, Then, "alice", "admin\ncheck.submitted", "chk-2", "{}", AuditEntry.Genesis);
        Assert.Equal(original, shifted);
        Assert.NotEqual(
            AuditEntry.ComputeCanonicalHash(2, Then, "alice\nadmin", "check.submitted", "chk-2", "{}", AuditEntry.Genesis),
            AuditEntry.ComputeCanonicalHash(2, Then, "alice", "admin\ncheck.submitted", "chk-2", "{}", AuditEntry.Genesis));
    }

    [Fact]
    public async Task issue_11_an_audit_forgery_that_moves_text_between_fields_is_detected_in_the_store()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        await log.AppendAuditAsync("alice\nadmin", "check.submitted", "chk-5", "{}", Ct);
        await log.AppendAuditAsync("user6", "check.submitted", "chk-6", "{}", Ct);
        await TamperAsync(store, "UPDATE audit_log SET actor = 'alice', action = 'admin\ncheck.submitted' WHERE seq = 5");
        var verification = await VerifyAsync(log);
        Assert.Equal(5, verification.FirstBadSequence);
        Assert.Contains("entry 5 was edited", verification.Problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// A store at schema version 8 (no scheme column) holding entries written as before: scheme 1 hashes, chained.
    /// The next MigrateAsync applies migration 9 to them.
    /// </summary>
    private async Task<List<AuditEntry>> LegacyLogAsync(IPlanStore store, int count)
    {
        await store.MigrateAsync(Ct);
        await TamperAsync(store, "ALTER TABLE audit_log DROP COLUMN scheme");
        await TamperAsync(store, "DELETE FROM schema_migration WHERE version = 9");
        var entries = new List<AuditEntry>();
        var previous = AuditEntry.Genesis;
        for (var seq = 1L; seq <= count; seq++)
        {
            var at = Then.AddMinutes(seq);
            var hash = AuditEntry.ComputeLegacyHash(seq, at, $"old{seq}", "check.submitted", $"chk-{seq}", "{}", previous);
            entries.Add(new AuditEntry(seq, at, $"old{seq}", "check.submitted", $"chk-{seq}", "{}", previous, hash, AuditEntry.LegacyScheme));
            await TamperAsync(store, string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES ({seq}, '{AuditEntry.FormatTime(at)}', 'old{seq}', 'check.submitted', 'chk-{seq}', '{{}}', '{previous}', '{hash}')"));
            previous = hash;
        }

        return entries;
    }

    [Fact]
    public async Task migrating_a_legacy_audit_log_reanchors_it_with_the_old_head_and_verifies_both_schemes()
    {
        await using var store = await CreateStoreAsync();
        var old = await LegacyLogAsync(store, 3);
        var log = (IAuditLog)store;
        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);
        await log.AppendAuditAsync("user5", "check.submitted", "chk-5", "{}", Ct);

        var entries = await log.ReadAuditAsync(Ct).ToListAsync(Ct);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        Assert.Equal([1, 1, 1, 2, 2], entries.Select(e => e.Scheme));
        var anchor = entries[3];
        Assert.Equal(AuditAnchor.Action, anchor.Action);
        Assert.Equal((3L, old[2].Hash), AuditAnchor.ReadHead(anchor.Details));
        Assert.Contains("intact, 3 entries", anchor.Details, StringComparison.Ordinal);
        var verification = await VerifyAsync(log);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(5, verification.Entries);
    }

    [Fact]
    public async Task a_legacy_audit_entry_edited_before_the_anchor_is_still_found_with_the_old_scheme()
    {
        await using var store = await CreateStoreAsync();
        await LegacyLogAsync(store, 3);
        await TamperAsync(store, "UPDATE audit_log SET subject = 'chk-x' WHERE seq = 2");
        await store.MigrateAsync(Ct);
        var log = (IAuditLog)store;
        var anchor = await log.ReadAuditAsync(Ct).LastAsync(Ct);
        Assert.Contains("broken at entry 2", anchor.Details, StringComparison.Ordinal);
        var verification = await VerifyAsync(log);
        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Contains("entry 2 was edited", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_audit_entry_downgraded_to_the_old_scheme_after_the_anchor_is_detected()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        var third = await log.ReadAuditAsync(Ct).Skip(2).FirstAsync(Ct);

        // Rewritten with the forgeable scheme and a matching old hash: the scheme may not go back.
        var forged = AuditEntry.ComputeLegacyHash(third.Sequence, third.At, third.Actor, third.Action, third.Subject, third.Details, third.PreviousHash);
        await TamperAsync(store, $"UPDATE audit_log SET scheme = 1, hash = '{forged}' WHERE seq = 3");
        var verification = await VerifyAsync(log);
        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("downgraded", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_switch_to_the_new_audit_scheme_without_an_anchor_is_detected()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        var first = await log.ReadAuditAsync(Ct).FirstAsync(Ct);
        var legacy = AuditEntry.ComputeLegacyHash(first.Sequence, first.At, first.Actor, first.Action, first.Subject, first.Details, first.PreviousHash);
        await TamperAsync(store, $"UPDATE audit_log SET scheme = 1, hash = '{legacy}' WHERE seq = 1");
        await TamperAsync(store, $"UPDATE audit_log SET prev_hash = '{legacy}' WHERE seq = 2");
        var verification = await VerifyAsync(log);
        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Contains("without an audit.reanchored entry", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task counts_an_actor_s_entries_of_an_action_since_a_time_no_further_than_asked()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAuditAsync("quota-user", "check.submitted", $"q-{i}", "{}", Ct);
        }

        await log.AppendAuditAsync("quota-user", "case.submitted", "case-1", "{}", Ct);
        Assert.Equal(5, await log.CountAuditAsync("quota-user", "check.submitted", before, 10, Ct));
        Assert.Equal(5, await log.CountAuditAsync("quota-user", "check.submitted", before, 5, Ct));
        Assert.Equal(3, await log.CountAuditAsync("quota-user", "check.submitted", before, 3, Ct));
        Assert.Equal(0, await log.CountAuditAsync("quota-user", "check.submitted", before, 0, Ct));
        Assert.Equal(1, await log.CountAuditAsync("quota-user", "case.submitted", before, 10, Ct));
        Assert.Equal(0, await log.CountAuditAsync("user1", "case.submitted", before, 10, Ct));
        Assert.Equal(0, await log.CountAuditAsync("quota-user", "check.submitted", DateTimeOffset.UtcNow.AddMinutes(5), 10, Ct));
    }
}
