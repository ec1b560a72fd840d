using System.Globalization;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Sqlite;

/// <summary>The audit chain in SQLite: each append reads the last entry and writes the next inside one IMMEDIATE transaction.</summary>
internal static class SqliteAuditLog
{
    public static async Task<AuditEntry> AppendAsync(SqliteConnection connection, string description, string actor, string action, string subject, string details, CancellationToken ct)
    {
        // BeginTransaction is IMMEDIATE: the write lock is taken before the last entry is read, so appends never fork.
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            var entry = await AppendInAsync(connection, tx, new AuditRecord(actor, action, subject, details), ct);
            await tx.CommitAsync(ct);
            return entry;
        }
        catch (SqliteException e)
        {
            throw new StoreException($"appending to the audit log of {description} failed; nothing was written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Appends inside the caller's write transaction, so the entry commits or rolls back with the change it records.
    /// SQLite has one writer at a time, so the transaction already excludes every other append.
    /// </summary>
    public static async Task<AuditEntry> AppendInAsync(SqliteConnection connection, SqliteTransaction tx, AuditRecord record, CancellationToken ct)
    {
        long last = 0;
        var previous = AuditEntry.Genesis;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                last = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }

        var entry = AuditEntry.Create(last + 1, DateTimeOffset.UtcNow, record.Actor, record.Action, record.Subject, record.Details, previous);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES ($s, $at, $ac, $a, $su, $d, $p, $h)";
        insert.Parameters.AddWithValue("$s", entry.Sequence);
        insert.Parameters.AddWithValue("$at", AuditEntry.FormatTime(entry.At));
        insert.Parameters.AddWithValue("$ac", entry.Actor);
        insert.Parameters.AddWithValue("$a", entry.Action);
        insert.Parameters.AddWithValue("$su", entry.Subject);
        insert.Parameters.AddWithValue("$d", entry.Details);
        insert.Parameters.AddWithValue("$p", entry.PreviousHash);
        insert.Parameters.AddWithValue("$h", entry.Hash);
        await insert.ExecuteNonQueryAsync(ct);
        return entry;
    }

    public static async IAsyncEnumerable<AuditEntry> ReadAsync(SqliteConnection connection, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new AuditEntry(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
        }
    }
}
