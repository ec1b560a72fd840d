using System.Globalization;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;
using Npgsql;

namespace Metrocircle.Storage.Postgres;

/// <summary>The audit chain in PostgreSQL: appends take an exclusive table lock so instances never fork the chain.</summary>
internal static class PostgresAuditLog
{
    public static async Task<AuditEntry> AppendAsync(NpgsqlConnection connection, string description, string actor, string action, string subject, string details, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            var entry = await AppendInAsync(connection, tx, new AuditRecord(actor, action, subject, details), ct);
            await tx.CommitAsync(ct);
            return entry;
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"appending to the audit log of {description} failed; nothing was written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Appends inside the caller's transaction, so the entry commits or rolls back with the change it records. The
    /// exclusive lock is held until that transaction ends, so concurrent appends never fork the chain.
    /// </summary>
    public static async Task<AuditEntry> AppendInAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AuditRecord record, CancellationToken ct)
    {
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_log IN EXCLUSIVE MODE", connection, tx))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        long last = 0;
        var previous = AuditEntry.Genesis;
        await using (var read = new NpgsqlCommand("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                last = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }

        var entry = AuditEntry.Create(last + 1, DateTimeOffset.UtcNow, record.Actor, record.Action, record.Subject, record.Details, previous);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (@s, @at, @ac, @a, @su, @d, @p, @h)", connection, tx);
        insert.Parameters.AddWithValue("s", entry.Sequence);
        insert.Parameters.AddWithValue("at", AuditEntry.FormatTime(entry.At));
        insert.Parameters.AddWithValue("ac", entry.Actor);
        insert.Parameters.AddWithValue("a", entry.Action);
        insert.Parameters.AddWithValue("su", entry.Subject);
        insert.Parameters.AddWithValue("d", entry.Details);
        insert.Parameters.AddWithValue("p", entry.PreviousHash);
        insert.Parameters.AddWithValue("h", entry.Hash);
        await insert.ExecuteNonQueryAsync(ct);
        return entry;
    }

    public static async IAsyncEnumerable<AuditEntry> ReadAsync(NpgsqlConnection connection, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new AuditEntry(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
        }
    }
}
