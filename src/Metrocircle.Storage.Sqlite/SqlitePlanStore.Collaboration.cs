using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Sqlite;

/// <summary>Progress updates of collaboration tasks: one row per update, evidence as a JSON array of texts.</summary>
public sealed partial class SqlitePlanStore : ICollaborationStore
{
    public async Task<ProgressUpdate> AppendProgressAsync(ProgressUpdate update, Func<ProgressUpdate, AuditRecord>? audit, CancellationToken ct)
    {
        ProgressRows.Guard(update);
        var recordedAt = DateTimeOffset.UtcNow;
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO task_progress (task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at)
            VALUES ($task, $milestone, $at, $actor, $status, $percent, $note, $evidence, $recorded) RETURNING seq
            """;
        command.Parameters.AddWithValue("$task", update.TaskId);
        command.Parameters.AddWithValue("$milestone", (object?)update.MilestoneId ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", update.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$actor", update.Actor);
        command.Parameters.AddWithValue("$status", ProgressStatuses.Name(update.Status));
        command.Parameters.AddWithValue("$percent", (object?)update.Percent ?? DBNull.Value);
        command.Parameters.AddWithValue("$note", update.Note);
        command.Parameters.AddWithValue("$evidence", JsonSerializer.Serialize(update.Evidence));
        command.Parameters.AddWithValue("$recorded", recordedAt.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            var seq = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            var stored = update with { Sequence = seq, RecordedAt = recordedAt };
            if (audit is not null)
            {
                await SqliteAuditLog.AppendInAsync(connection, tx, audit(stored), ct);
            }

            await tx.CommitAsync(ct);
            return stored;
        }
        catch (SqliteException e)
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw new StoreException($"storing a progress update of task {update.TaskId} in {Description} failed; nothing was written: {e.Message}", e);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    public async Task<IReadOnlyList<ProgressUpdate>> GetProgressAsync(string? taskId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at FROM task_progress
            WHERE $task IS NULL OR task_id = $task ORDER BY task_id, at, seq
            """;
        command.Parameters.AddWithValue("$task", (object?)taskId ?? DBNull.Value);
        var result = new List<ProgressUpdate>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result.Add(new ProgressUpdate(
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reader.GetString(4),
                    ProgressStatuses.TryParse(reader.GetString(5), out var status) ? status : throw new StoreException($"task_progress row {reader.GetInt64(0)} has unknown status {reader.GetString(5)}"),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6),
                    reader.GetString(7),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(8)) ?? [],
                    reader.GetInt64(0),
                    DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
            }
        }
        catch (SqliteException e)
        {
            throw new StoreException($"reading progress updates from {Description} failed: {e.Message}", e);
        }

        return result;
    }
}
