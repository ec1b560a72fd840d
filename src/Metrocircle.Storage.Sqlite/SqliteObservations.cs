using System.Globalization;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Sqlite;

/// <summary>Indicator observations in SQLite: one IMMEDIATE transaction per batch, upsert by (indicator, scope, year).</summary>
internal static class SqliteObservations
{
    public static async Task<ObservationImportResult> ImportAsync(SqliteConnection connection, string description, IReadOnlyList<Observation> rows, CancellationToken ct)
    {
        ObservationBatch.RejectDuplicates(rows);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            var replaced = new List<Observation>();
            await using var read = connection.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT value, source FROM observation WHERE indicator_id = $i AND scope = $s AND year = $y";
            var ri = read.Parameters.Add("$i", SqliteType.Text);
            var rs = read.Parameters.Add("$s", SqliteType.Text);
            var ry = read.Parameters.Add("$y", SqliteType.Integer);
            await using var write = connection.CreateCommand();
            write.Transaction = tx;
            write.CommandText = """
                INSERT INTO observation (indicator_id, scope, year, value, source, imported_at) VALUES ($i, $s, $y, $v, $src, $at)
                ON CONFLICT (indicator_id, scope, year) DO UPDATE SET value = excluded.value, source = excluded.source, imported_at = excluded.imported_at
                """;
            var wi = write.Parameters.Add("$i", SqliteType.Text);
            var ws = write.Parameters.Add("$s", SqliteType.Text);
            var wy = write.Parameters.Add("$y", SqliteType.Integer);
            var wv = write.Parameters.Add("$v", SqliteType.Real);
            var wsrc = write.Parameters.Add("$src", SqliteType.Text);
            write.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
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

            await tx.CommitAsync(ct);
            return new ObservationImportResult(rows.Count - replaced.Count, replaced);
        }
        catch (SqliteException e)
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw new StoreException($"importing {rows.Count} observations into {description} failed; nothing was written: {e.Message}", e);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    public static async Task<IReadOnlyList<Observation>> ReadAsync(SqliteConnection connection, string? indicatorId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT indicator_id, scope, year, value, source FROM observation WHERE $i IS NULL OR indicator_id = $i ORDER BY indicator_id, scope, year";
        command.Parameters.AddWithValue("$i", (object?)indicatorId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Observation>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Observation(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetString(4)));
        }

        return result;
    }
}
