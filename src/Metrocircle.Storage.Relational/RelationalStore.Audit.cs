using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Audit;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The hash chain: each append reads the last entry and writes the next inside a write transaction that excludes every
/// other append (SQLite's single writer; PostgreSQL's exclusive table lock, taken last so it cannot deadlock with row locks).
/// </summary>
public abstract partial class RelationalStore
{
    public Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string details, CancellationToken ct) =>
        WriteAsync("appending to the audit log", (connection, tx) => AppendInAsync(connection, tx, new AuditRecord(actor, action, subject, details), ct),
            _ => [], ct);

    /// <summary>Appends inside the caller's transaction, so the entry commits or rolls back with the change it records.</summary>
    private async Task<AuditEntry> AppendInAsync(DbConnection connection, DbTransaction tx, AuditRecord record, CancellationToken ct)
    {
        await Dialect.LockAuditLogAsync(connection, tx, ct);
        var (last, previous, scheme) = await HeadAsync(connection, tx, ct);
        if (scheme == AuditEntry.LegacyScheme)
        {
            // A log migrated without passing through MigrateAsync's re-anchoring still never mixes schemes unannounced.
            var anchor = await AnchorInAsync(connection, tx, last, previous, ct);
            (last, previous) = (anchor.Sequence, anchor.Hash);
        }

        return await InsertAsync(connection, tx, last, previous, record, ct);
    }

    private async Task<AuditEntry> InsertAsync(DbConnection connection, DbTransaction tx, long last, string previous, AuditRecord record, CancellationToken ct)
    {
        var entry = AuditEntry.Create(last + 1, DateTimeOffset.UtcNow, record.Actor, record.Action, record.Subject, record.Details, previous);
        await using var insert = Command(connection, tx,
            "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash, scheme) VALUES (@s, @at, @ac, @a, @su, @d, @p, @h, @sc)",
            ("s", entry.Sequence), ("at", AuditEntry.FormatTime(entry.At)), ("ac", entry.Actor), ("a", entry.Action), ("su", entry.Subject),
            ("d", entry.Details), ("p", entry.PreviousHash), ("h", entry.Hash), ("sc", entry.Scheme));
        await insert.ExecuteNonQueryAsync(ct);
        return entry;
    }

    private async Task<(long Sequence, string Hash, int Scheme)> HeadAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        await using var read = Command(connection, tx, "SELECT seq, hash, scheme FROM audit_log ORDER BY seq DESC LIMIT 1");
        await using var reader = await read.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetInt64(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture))
            : (0, AuditEntry.Genesis, AuditEntry.CurrentScheme);
    }

    /// <summary>
    /// Moves a log whose newest entry is hashed with scheme 1 to scheme 2: the old chain is verified with scheme 1 and
    /// the first scheme-2 entry records its head and that verdict. Idempotent and safe with several instances, since it
    /// runs under the audit lock and does nothing once the head is scheme 2. Called after migration 9.
    /// </summary>
    protected async Task ReanchorAuditAsync(CancellationToken ct)
    {
        // Every start migrates; only a log whose head is still scheme 1 needs the audit lock.
        var legacy = await ReadAsync("the head of the audit log", async connection =>
        {
            await using var read = Command(connection, null, $"SELECT count(*) FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log) AND scheme = {AuditEntry.LegacyScheme}");
            return Number(await read.ExecuteScalarAsync(ct)) > 0;
        }, ct);
        if (!legacy)
        {
            return;
        }

        await WriteAsync("re-anchoring the audit log", async (connection, tx) =>
        {
            await Dialect.LockAuditLogAsync(connection, tx, ct);
            var (last, previous, scheme) = await HeadAsync(connection, tx, ct);
            return scheme == AuditEntry.LegacyScheme ? await AnchorInAsync(connection, tx, last, previous, ct) : null;
        }, _ => [], ct);
    }

    private async Task<AuditEntry> AnchorInAsync(DbConnection connection, DbTransaction tx, long last, string previous, CancellationToken ct)
    {
        var oldChain = await AuditVerifier.VerifyAsync(EntriesAsync(connection, tx, ct), ct);
        return await InsertAsync(connection, tx, last, previous, AuditAnchor.Record(last, previous, oldChain), ct);
    }

    private const string EntryColumns = "seq, at, actor, action, subject, details, prev_hash, hash, scheme";

    private static AuditEntry Entry(DbDataReader r) =>
        new(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture));

    private async IAsyncEnumerable<AuditEntry> EntriesAsync(DbConnection connection, DbTransaction tx, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = Command(connection, tx, $"SELECT {EntryColumns} FROM audit_log ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return Entry(reader);
        }
    }

    public Task<long> CountAuditAsync(string actor, string action, DateTimeOffset since, long atMost, CancellationToken ct) => ReadAsync($"audit entries of {actor}", async connection =>
    {
        await using var command = Command(connection, null, "SELECT count(*) FROM (SELECT 1 FROM audit_log WHERE actor = @a AND action = @x AND at >= @t LIMIT @n) AS recent",
            ("a", actor), ("x", action), ("t", AuditEntry.FormatTime(since)), ("n", Math.Max(0, atMost)));
        return Number(await command.ExecuteScalarAsync(ct));
    }, ct);

    public IAsyncEnumerable<AuditEntry> ReadAuditAsync(CancellationToken ct) => StreamAsync("the audit log", async connection =>
    {
        var command = Command(connection, null, $"SELECT {EntryColumns} FROM audit_log ORDER BY seq");
        return (DbDataReader?)await command.ExecuteReaderAsync(ct);
    }, Entry, ct);
}
