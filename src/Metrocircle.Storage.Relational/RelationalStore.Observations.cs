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

    /// <summary>
    /// Writes a batch in one transaction with the audit entry made of what it did, when given. A replaced value moves to
    /// <c>observation_revision</c> with the time and the actor of this import's audit entry (null without one).
    /// </summary>
    public Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Observation> rows, Func<ObservationImportResult, AuditRecord>? audit, CancellationToken ct)
    {
        ObservationBatch.RejectDuplicates(rows);
        AuditRecord? entry = null;
        return WriteAsync($"importing {rows.Count} observations", async (connection, tx) =>
        {
            var replaced = new List<(Observation Old, object ImportedAt, object? ImportedBy)>();
            var now = Dialect.Instant(DateTimeOffset.UtcNow);

            // The old row is read under a row lock where there is one, so two instances importing the same year report
            // one replacement each, in turn.
            await using var read = Command(connection, tx,
                $"SELECT value, source, imported_at, imported_by FROM observation WHERE indicator_id = @i AND scope = @s AND year = @y{Dialect.ForUpdate}", ("i", ""), ("s", ""), ("y", 0));
            foreach (var row in rows)
            {
                (read.Parameters["i"].Value, read.Parameters["s"].Value, read.Parameters["y"].Value) = (row.IndicatorId, row.Scope, row.Year);
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    replaced.Add((new Observation(row.IndicatorId, row.Scope, row.Year, reader.GetDouble(0), reader.GetString(1)), reader.GetValue(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                }
            }

            var result = new ObservationImportResult(rows.Count - replaced.Count, [.. replaced.Select(r => r.Old)]);
            entry = audit?.Invoke(result);
            var actor = (object?)entry?.Actor ?? DBNull.Value;

            await using var keep = Command(connection, tx, """
                INSERT INTO observation_revision (indicator_id, scope, year, value, source, imported_at, imported_by, replaced_at, replaced_by)
                VALUES (@i, @s, @y, @v, @src, @at, @by, @now, @actor)
                """, ("i", ""), ("s", ""), ("y", 0), ("v", 0.0), ("src", ""), ("at", now), ("by", ""), ("now", now), ("actor", actor));
            foreach (var (old, importedAt, importedBy) in replaced)
            {
                (keep.Parameters["i"].Value, keep.Parameters["s"].Value, keep.Parameters["y"].Value, keep.Parameters["v"].Value, keep.Parameters["src"].Value) =
                    (old.IndicatorId, old.Scope, old.Year, old.Value, old.Source);
                (keep.Parameters["at"].Value, keep.Parameters["by"].Value) = (importedAt, importedBy ?? (object)DBNull.Value);
                await keep.ExecuteNonQueryAsync(ct);
            }

            await using var write = Command(connection, tx, """
                INSERT INTO observation (indicator_id, scope, year, value, source, imported_at, imported_by) VALUES (@i, @s, @y, @v, @src, @at, @by)
                ON CONFLICT (indicator_id, scope, year) DO UPDATE SET value = excluded.value, source = excluded.source, imported_at = excluded.imported_at,
                  imported_by = excluded.imported_by
                """, ("i", ""), ("s", ""), ("y", 0), ("v", 0.0), ("src", ""), ("at", now), ("by", actor));
            foreach (var row in rows)
            {
                (write.Parameters["i"].Value, write.Parameters["s"].Value, write.Parameters["y"].Value, write.Parameters["v"].Value, write.Parameters["src"].Value) =
                    (row.IndicatorId, row.Scope, row.Year, row.Value, row.Source);
                await write.ExecuteNonQueryAsync(ct);
            }

            return result;
        }, _ => entry is null ? [] : [entry], ct);
    }

    public Task<IReadOnlyList<ObservationRevision>> GetObservationHistoryAsync(string indicatorId, string? scope, int? year, CancellationToken ct) =>
        ReadAsync("observation history", async connection =>
        {
            var filter = (scope is null ? "" : " AND scope = @s") + (year is null ? "" : " AND year = @y");
            await using var command = Command(connection, null, $"""
                SELECT scope, year, value, source, imported_at, imported_by, replaced_at, replaced_by, seq FROM (
                  SELECT scope, year, value, source, imported_at, imported_by, replaced_at, replaced_by, seq FROM observation_revision WHERE indicator_id = @i{filter}
                  UNION ALL
                  SELECT scope, year, value, source, imported_at, imported_by, NULL, NULL, NULL FROM observation WHERE indicator_id = @i{filter}) h
                ORDER BY {Dialect.ByteOrder("scope")}, year, CASE WHEN seq IS NULL THEN 1 ELSE 0 END, seq
                """, ("i", indicatorId));
            if (scope is not null)
            {
                SqlDialect.Parameter(command, "s", scope);
            }

            if (year is not null)
            {
                SqlDialect.Parameter(command, "y", year.Value);
            }

            return (IReadOnlyList<ObservationRevision>)await ListAsync(command, r => new ObservationRevision(
                new Observation(indicatorId, r.GetString(0), r.GetInt32(1), r.GetDouble(2), r.GetString(3)),
                Dialect.ReadInstant(r, 4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : Dialect.ReadInstant(r, 6),
                r.IsDBNull(7) ? null : r.GetString(7)), ct);
        }, ct);

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
