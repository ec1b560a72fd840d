using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>Indicator observations in PostgreSQL: one transaction per batch, upsert by (indicator, scope, year).</summary>
internal static class PostgresObservations
{
    public static async Task<ObservationImportResult> ImportAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<Observation> rows, CancellationToken ct)
    {
        ObservationBatch.RejectDuplicates(rows);
        var replaced = new List<Observation>();

        // The old row is read under FOR UPDATE so that two instances importing the same year report one replacement each, in turn.
        await using var read = new NpgsqlCommand("SELECT value, source FROM observation WHERE indicator_id = @i AND scope = @s AND year = @y FOR UPDATE", connection, tx);
        var ri = read.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Text));
        var rs = read.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Text));
        var ry = read.Parameters.Add(new NpgsqlParameter("y", NpgsqlDbType.Integer));
        await using var write = new NpgsqlCommand("""
            INSERT INTO observation (indicator_id, scope, year, value, source, imported_at) VALUES (@i, @s, @y, @v, @src, now())
            ON CONFLICT (indicator_id, scope, year) DO UPDATE SET value = excluded.value, source = excluded.source, imported_at = excluded.imported_at
            """, connection, tx);
        var wi = write.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Text));
        var ws = write.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Text));
        var wy = write.Parameters.Add(new NpgsqlParameter("y", NpgsqlDbType.Integer));
        var wv = write.Parameters.Add(new NpgsqlParameter("v", NpgsqlDbType.Double));
        var wsrc = write.Parameters.Add(new NpgsqlParameter("src", NpgsqlDbType.Text));
        foreach (var row in rows)
        {
            (ri.Value, rs.Value, ry.Value) = (row.IndicatorId, row.Scope, row.Year);
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    replaced.Add(new Observation(row.IndicatorId, row.Scope, row.Year, reader.GetDouble(0), reader.GetString(1)));
                }
            }

            (wi.Value, ws.Value, wy.Value, wv.Value, wsrc.Value) = (row.IndicatorId, row.Scope, row.Year, row.Value, row.Source);
            await write.ExecuteNonQueryAsync(ct);
        }

        return new ObservationImportResult(rows.Count - replaced.Count, replaced);
    }

    public static async Task<IReadOnlyList<Observation>> ReadAsync(NpgsqlConnection connection, string? indicatorId, CancellationToken ct)
    {
        // COLLATE "C" orders as SQLite does, whatever the database's locale.
        await using var command = new NpgsqlCommand("""
            SELECT indicator_id, scope, year, value, source FROM observation WHERE @i::text IS NULL OR indicator_id = @i
            ORDER BY indicator_id COLLATE "C", scope COLLATE "C", year
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Text) { Value = (object?)indicatorId ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Observation>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Observation(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetString(4)));
        }

        return result;
    }
}
