using Metrocircle.Core.Audit;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>Acceptances of conflict patches, the same on every engine; each engine supplies a fresh, empty store.</summary>
public abstract class ConflictStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset At = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private static ConflictAcceptance Acceptance(string patch, string reason = "kept: the boundary is redrawn in the next five-year plan", string by = "office") =>
        new(patch, "C1-urban-farmland", reason, by, At, "plan@1");

    private static Func<ConflictAcceptance, IEnumerable<AuditRecord>> Audited(string action) => a => [new AuditRecord(a.AcceptedBy, action, a.PatchId, "{}")];

    private async Task<(IPlanStore Store, IConflictStore Conflicts)> MigratedAsync()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        return (store, (IConflictStore)store);
    }

    private static async Task<List<AuditEntry>> AuditAsync(IPlanStore store)
    {
        var entries = new List<AuditEntry>();
        await foreach (var e in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            entries.Add(e);
        }

        return entries;
    }

    [Fact]
    public async Task an_acceptance_is_stored_with_its_reason_and_audited_in_the_same_write()
    {
        var (store, conflicts) = await MigratedAsync();
        await using var _ = store;

        var (stored, created) = await conflicts.AcceptConflictAsync(Acceptance("cp-b"), Audited("conflict.accepted"), Ct);
        await conflicts.AcceptConflictAsync(Acceptance("cp-a"), Audited("conflict.accepted"), Ct);

        Assert.True(created);
        Assert.Equal(Acceptance("cp-b"), stored);
        Assert.Equal([Acceptance("cp-a"), Acceptance("cp-b")], await conflicts.ListConflictAcceptancesAsync(Ct));
        Assert.Equal(["cp-b", "cp-a"], (await AuditAsync(store)).Where(e => e.Action == "conflict.accepted").Select(e => e.Subject));
    }

    [Fact]
    public async Task accepting_a_patch_accepted_already_keeps_the_first_reason_and_writes_no_audit_entry()
    {
        var (store, conflicts) = await MigratedAsync();
        await using var _ = store;
        await conflicts.AcceptConflictAsync(Acceptance("cp-a"), Audited("conflict.accepted"), Ct);

        var (again, created) = await conflicts.AcceptConflictAsync(Acceptance("cp-a", "another reason", "office2"), Audited("conflict.accepted"), Ct);

        Assert.False(created);
        Assert.Equal(Acceptance("cp-a"), again);
        Assert.Single(await AuditAsync(store), e => e.Action == "conflict.accepted");
    }

    [Fact]
    public async Task two_concurrent_acceptances_of_one_patch_record_one_and_both_see_it()
    {
        var (store, conflicts) = await MigratedAsync();
        await using var _ = store;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => conflicts.AcceptConflictAsync(Acceptance("cp-a", $"reason {i}"), Audited("conflict.accepted"), Ct), Ct)));

        var winner = Assert.Single(results, r => r.Created).Acceptance;
        Assert.All(results, r => Assert.Equal(winner, r.Acceptance));
        Assert.Equal([winner], await conflicts.ListConflictAcceptancesAsync(Ct));
        Assert.Single(await AuditAsync(store), e => e.Action == "conflict.accepted");
    }

    [Fact]
    public async Task revoking_removes_the_acceptance_once_and_audits_it_and_an_unknown_patch_writes_nothing()
    {
        var (store, conflicts) = await MigratedAsync();
        await using var _ = store;
        await conflicts.AcceptConflictAsync(Acceptance("cp-a"), Audited("conflict.accepted"), Ct);

        Assert.Equal(Acceptance("cp-a"), await conflicts.RevokeConflictAcceptanceAsync("cp-a", Audited("conflict.acceptance-revoked"), Ct));
        Assert.Null(await conflicts.RevokeConflictAcceptanceAsync("cp-a", Audited("conflict.acceptance-revoked"), Ct));

        Assert.Empty(await conflicts.ListConflictAcceptancesAsync(Ct));
        Assert.Single(await AuditAsync(store), e => e.Action == "conflict.acceptance-revoked");
    }

    [Fact]
    public async Task an_acceptance_whose_audit_entry_fails_is_not_written()
    {
        var (store, conflicts) = await MigratedAsync();
        await using var _ = store;

        await Assert.ThrowsAnyAsync<Exception>(() => conflicts.AcceptConflictAsync(Acceptance("cp-a"), _ => throw new InvalidOperationException("audit refused"), Ct));

        Assert.Empty(await conflicts.ListConflictAcceptancesAsync(Ct));
    }
}
