using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>Progress updates of collaboration tasks: one row per update, evidence as a text array.</summary>
public sealed partial class PostgresPlanStore : ICollaborationStore
{
    public async Task<ProgressUpdate> AppendProgressAsync(ProgressUpdate update, Func<ProgressUpdate, AuditRecord>? audit, CancellationToken ct)
    {
        ProgressRows.Guard(update);
        ProgressUpdate? stored = null;
        await WriteAsync($"storing a progress update of task {update.TaskId} in {Description}", async (connection, tx) =>
        {
            stored = await InsertProgressAsync(connection, tx, update, ct);
            if (audit is not null)
            {
                await PostgresAuditLog.AppendInAsync(connection, tx, audit(stored), ct);
            }
        }, ct);
        return stored!;
    }

    private static async Task<ProgressUpdate> InsertProgressAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ProgressUpdate update, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO task_progress (task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at)
            VALUES (@task, @milestone, @at, @actor, @status, @percent, @note, @evidence, now()) RETURNING seq, recorded_at
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Text) { Value = update.TaskId });
        command.Parameters.Add(new NpgsqlParameter("milestone", NpgsqlDbType.Text) { Value = (object?)update.MilestoneId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Date) { Value = update.At });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = update.Actor });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = ProgressStatuses.Name(update.Status) });
        command.Parameters.Add(new NpgsqlParameter("percent", NpgsqlDbType.Integer) { Value = (object?)update.Percent ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = update.Note });
        command.Parameters.Add(new NpgsqlParameter("evidence", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = update.Evidence.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return update with { Sequence = reader.GetInt64(0), RecordedAt = reader.GetFieldValue<DateTimeOffset>(1) };
    }

    public Task<IReadOnlyList<ProgressUpdate>> GetProgressAsync(string? taskId, CancellationToken ct) => ReadAsync("progress updates", async connection =>
    {
        // COLLATE "C" orders as SQLite does, whatever the database's locale.
        await using var command = new NpgsqlCommand("""
            SELECT seq, task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at FROM task_progress
            WHERE @task::text IS NULL OR task_id = @task ORDER BY task_id COLLATE "C", at, seq
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("task", NpgsqlDbType.Text) { Value = (object?)taskId ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<ProgressUpdate>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new ProgressUpdate(
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateOnly>(3),
                reader.GetString(4),
                ProgressStatuses.TryParse(reader.GetString(5), out var status) ? status : throw new StoreException($"task_progress row {reader.GetInt64(0)} has unknown status {reader.GetString(5)}"),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.GetString(7),
                reader.GetFieldValue<string[]>(8),
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return (IReadOnlyList<ProgressUpdate>)result;
    }, ct);
}
