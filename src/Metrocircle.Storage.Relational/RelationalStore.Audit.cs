using System.Data.Common;
using System.Globalization;
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
        long last = 0;
        var previous = AuditEntry.Genesis;
        await using (var read = Command(connection, tx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                last = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }

        var entry = AuditEntry.Create(last + 1, DateTimeOffset.UtcNow, record.Actor, record.Action, record.Subject, record.Details, previous);
        await using var insert = Command(connection, tx,
            "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (@s, @at, @ac, @a, @su, @d, @p, @h)",
            ("s", entry.Sequence), ("at", AuditEntry.FormatTime(entry.At)), ("ac", entry.Actor), ("a", entry.Action), ("su", entry.Subject),
            ("d", entry.Details), ("p", entry.PreviousHash), ("h", entry.Hash));
        await insert.ExecuteNonQueryAsync(ct);
        return entry;
    }

    public Task<long> CountAuditAsync(string actor, string action, DateTimeOffset since, CancellationToken ct) => ReadAsync($"audit entries of {actor}", async connection =>
    {
        await using var command = Command(connection, null, "SELECT count(*) FROM audit_log WHERE actor = @a AND action = @x AND at >= @t",
            ("a", actor), ("x", action), ("t", AuditEntry.FormatTime(since)));
        return Number(await command.ExecuteScalarAsync(ct));
    }, ct);

    public IAsyncEnumerable<AuditEntry> ReadAuditAsync(CancellationToken ct) => StreamAsync("the audit log", async connection =>
    {
        var command = Command(connection, null, "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq");
        return (DbDataReader?)await command.ExecuteReaderAsync(ct);
    }, r => new AuditEntry(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7)), ct);
}
