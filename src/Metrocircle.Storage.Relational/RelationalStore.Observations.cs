using Metrocircle.Core.Audit;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>Facts over time kept apart from plan versions: indicator observations and collaboration task progress.</summary>
public abstract partial class RelationalStore
{
    public Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Observation> rows, CancellationToken ct) =>
        ImportObservationsAsync(rows, null, ct);

    /// <summary>Writes a batch in one transaction with the audit entry made of what it did, when given.</summary>
    public Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Observation> rows, Func<ObservationImportResult, AuditRecord>? audit, CancellationToken ct)
    {
        ObservationBatch.RejectDuplicates(rows);
        return WriteAsync($"importing {rows.Count} observations", async (connection, tx) =>
        {
            var replaced = new List<Observation>();

            // The old row is read under a row lock where there is one, so two instances importing the same year report
            // one replacement each, in turn.
            await using var read = Command(connection, tx,
                $"SELECT value, source FROM observation WHERE indicator_id = @i AND scope = @s AND year = @y{Dialect.ForUpdate}", ("i", ""), ("s", ""), ("y", 0));
            await using var write = Command(connection, tx, """
                INSERT INTO observation (indicator_id, scope, year, value, source, imported_at) VALUES (@i, @s, @y, @v, @src, @at)
                ON CONFLICT (indicator_id, scope, year) DO UPDATE SET value = excluded.value, source = excluded.source, imported_at = excluded.imported_at
                """, ("i", ""), ("s", ""), ("y", 0), ("v", 0.0), ("src", ""), ("at", Dialect.Instant(DateTimeOffset.UtcNow)));
            foreach (var row in rows)
            {
                (read.Parameters["i"].Value, read.Parameters["s"].Value, read.Parameters["y"].Value) = (row.IndicatorId, row.Scope, row.Year);
                await using (var reader = await read.ExecuteReaderAsync(ct))
                {
                    if (await reader.ReadAsync(ct))
                    {
                        replaced.Add(new Observation(row.IndicatorId, row.Scope, row.Year, reader.GetDouble(0), reader.GetString(1)));
                    }
                }

                (write.Parameters["i"].Value, write.Parameters["s"].Value, write.Parameters["y"].Value, write.Parameters["v"].Value, write.Parameters["src"].Value) =
                    (row.IndicatorId, row.Scope, row.Year, row.Value, row.Source);
                await write.ExecuteNonQueryAsync(ct);
            }

            return new ObservationImportResult(rows.Count - replaced.Count, replaced);
        }, result => audit is null ? [] : [audit(result)], ct);
    }

    public Task<IReadOnlyList<Observation>> GetObservationsAsync(string? indicatorId, CancellationToken ct) => ReadAsync("observations", async connection =>
    {
        await using var command = Command(connection, null, $"""
            SELECT indicator_id, scope, year, value, source FROM observation {(indicatorId is null ? "" : "WHERE indicator_id = @i")}
            ORDER BY {Dialect.ByteOrder("indicator_id")}, {Dialect.ByteOrder("scope")}, year
            """);
        if (indicatorId is not null)
        {
            SqlDialect.Parameter(command, "i", indicatorId);
        }

        return (IReadOnlyList<Observation>)await ListAsync(command, r => new Observation(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetDouble(3), r.GetString(4)), ct);
    }, ct);

    public Task<ProgressUpdate> AppendProgressAsync(ProgressUpdate update, Func<ProgressUpdate, AuditRecord>? audit, CancellationToken ct)
    {
        ProgressRows.Guard(update);

        // Microseconds, the finest both engines keep, so that the update returned equals the one read back later.
        var now = DateTimeOffset.UtcNow;
        var recordedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        return WriteAsync($"storing a progress update of task {update.TaskId}", async (connection, tx) =>
        {
            await using var command = Command(connection, tx, """
                INSERT INTO task_progress (task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at)
                VALUES (@task, @milestone, @at, @actor, @status, @percent, @note, @evidence, @recorded) RETURNING seq
                """, ("task", update.TaskId), ("milestone", update.MilestoneId), ("at", Dialect.Day(update.At)), ("actor", update.Actor),
                ("status", ProgressStatuses.Name(update.Status)), ("percent", update.Percent), ("note", update.Note), ("evidence", Dialect.Texts(update.Evidence)),
                ("recorded", Dialect.Instant(recordedAt)));
            return update with { Sequence = Number(await command.ExecuteScalarAsync(ct)), RecordedAt = recordedAt };
        }, stored => audit is null ? [] : [audit(stored)], ct);
    }

    public Task<IReadOnlyList<ProgressUpdate>> GetProgressAsync(string? taskId, CancellationToken ct) => ReadAsync("progress updates", async connection =>
    {
        await using var command = Command(connection, null, $"""
            SELECT seq, task_id, milestone_id, at, actor, status, percent, note, evidence, recorded_at FROM task_progress
            {(taskId is null ? "" : "WHERE task_id = @task")} ORDER BY {Dialect.ByteOrder("task_id")}, at, seq
            """);
        if (taskId is not null)
        {
            SqlDialect.Parameter(command, "task", taskId);
        }

        return (IReadOnlyList<ProgressUpdate>)await ListAsync(command, r => new ProgressUpdate(
            r.GetString(1),
            r.IsDBNull(2) ? null : r.GetString(2),
            Dialect.ReadDay(r, 3),
            r.GetString(4),
            ProgressStatuses.TryParse(r.GetString(5), out var status) ? status : throw new StoreException($"task_progress row {r.GetInt64(0)} has unknown status {r.GetString(5)}"),
            r.IsDBNull(6) ? null : r.GetInt32(6),
            r.GetString(7),
            [.. Dialect.ReadTexts(r, 8)],
            r.GetInt64(0),
            Dialect.ReadInstant(r, 9)), ct);
    }, ct);
}
