using Metrocircle.Core.Audit;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>The behaviour of task progress updates every engine must show; each engine supplies a fresh, empty store.</summary>
public abstract class CollaborationStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(IPlanStore Store, ICollaborationStore Progress)> MigratedAsync()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        return (store, (ICollaborationStore)store);
    }

    private static ProgressUpdate Update(string task, string? milestone, string at, ProgressStatus status = ProgressStatus.InProgress, int? percent = null, params string[] evidence) =>
        new(task, milestone, DateOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture), "reviewer-hebei", status, percent, $"note on {task} {at}", evidence);

    private static AuditRecord Audit(ProgressUpdate u) => new(u.Actor, "task.progress", u.TaskId, $"{{\"sequence\":{u.Sequence}}}");

    private static async Task<List<Core.Audit.AuditEntry>> AuditAsync(IPlanStore store)
    {
        var entries = new List<Core.Audit.AuditEntry>();
        await foreach (var e in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            entries.Add(e);
        }

        return entries;
    }

    [Fact]
    public async Task the_audit_entry_of_an_update_commits_with_it_and_names_its_sequence()
    {
        var (store, progress) = await MigratedAsync();
        await using var _ = store;
        var stored = await progress.AppendProgressAsync(Update("triangle", "m1", "2026-05-01"), Audit, Ct);
        var entry = Assert.Single(await AuditAsync(store));
        Assert.Equal(("reviewer-hebei", "task.progress", "triangle"), (entry.Actor, entry.Action, entry.Subject));
        Assert.Equal($"{{\"sequence\":{stored.Sequence}}}", entry.Details);
    }

    [Fact]
    public async Task an_update_whose_audit_entry_cannot_be_made_is_not_stored()
    {
        var (store, progress) = await MigratedAsync();
        await using var _ = store;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            progress.AppendProgressAsync(Update("triangle", "m1", "2026-05-01"), _ => throw new InvalidOperationException("no audit"), Ct));
        Assert.Empty(await progress.GetProgressAsync(null, Ct));
        Assert.Empty(await AuditAsync(store));
    }

    [Fact]
    public async Task appends_updates_and_reads_them_back_by_task_then_date_with_evidence_in_order()
    {
        var (store, progress) = await MigratedAsync();
        await using var _ = store;
        var first = await progress.AppendProgressAsync(Update("triangle", "m1", "2026-05-01", percent: 40, evidence: ["https://example.org/b", "minutes of 1 May"]), null, Ct);
        var second = await progress.AppendProgressAsync(Update("linkage", null, "2026-03-01"), null, Ct);
        var third = await progress.AppendProgressAsync(Update("triangle", "m1", "2026-04-01", ProgressStatus.Blocked), null, Ct);
        Assert.True(first.Sequence > 0 && second.Sequence > first.Sequence && third.Sequence > second.Sequence);
        Assert.True(DateTimeOffset.UtcNow - first.RecordedAt < TimeSpan.FromMinutes(5));

        var all = await progress.GetProgressAsync(null, Ct);
        Assert.Equal(["linkage 2026-03-01", "triangle 2026-04-01", "triangle 2026-05-01"], all.Select(u => $"{u.TaskId} {u.At:yyyy-MM-dd}"));
        var stored = all[2];
        Assert.Equal(("m1", ProgressStatus.InProgress, (int?)40, "reviewer-hebei", "note on triangle 2026-05-01"), (stored.MilestoneId, stored.Status, stored.Percent, stored.Actor, stored.Note));
        Assert.Equal(["https://example.org/b", "minutes of 1 May"], stored.Evidence);
        Assert.Equal(first.Sequence, stored.Sequence);
        Assert.Equal(first.RecordedAt.ToUnixTimeMilliseconds(), stored.RecordedAt.ToUnixTimeMilliseconds(), 1.0);
        Assert.Null(all[0].MilestoneId);
        Assert.Null(all[0].Percent);
        Assert.Empty(all[0].Evidence);

        Assert.Equal([ProgressStatus.Blocked, ProgressStatus.InProgress], (await progress.GetProgressAsync("triangle", Ct)).Select(u => u.Status));
        Assert.Empty(await progress.GetProgressAsync("nothing", Ct));
    }

    [Theory]
    [InlineData(101, "note", "percent 101 is outside 0–100")]
    [InlineData(-1, "note", "percent -1 is outside 0–100")]
    [InlineData(null, "  ", "its note is empty")]
    public async Task refuses_an_update_the_store_can_tell_is_wrong_and_writes_nothing(int? percent, string note, string message)
    {
        var (store, progress) = await MigratedAsync();
        await using var _ = store;
        var e = await Assert.ThrowsAsync<StoreException>(() => progress.AppendProgressAsync(Update("triangle", null, "2026-05-01", percent: percent) with { Note = note }, Audit, Ct));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", e.Message, StringComparison.Ordinal);
        Assert.Empty(await progress.GetProgressAsync(null, Ct));
        Assert.Empty(await AuditAsync(store));
    }

    [Fact]
    public async Task an_unknown_status_is_refused_by_the_engine_as_well()
    {
        var (store, progress) = await MigratedAsync();
        await using var _ = store;
        await Assert.ThrowsAsync<StoreException>(() => progress.AppendProgressAsync(Update("triangle", null, "2026-05-01") with { Status = (ProgressStatus)42 }, Audit, Ct));
        Assert.Empty(await progress.GetProgressAsync(null, Ct));
        Assert.Empty(await AuditAsync(store));
    }
}
