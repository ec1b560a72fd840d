using Metrocircle.Core.Audit;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>Commuting flows between counties (the OD matrix the mismatch analysis reads).</summary>
public abstract partial class RelationalStore : ICommuteStore
{
    public Task<CommuteImportResult> ImportCommuteFlowsAsync(IReadOnlyList<CommuteFlow> flows, Func<CommuteImportResult, AuditRecord>? audit, CancellationToken ct)
    {
        CommuteBatch.RejectDuplicates(flows);
        AuditRecord? entry = null;
        return WriteAsync($"importing {flows.Count} commuting flows", async (connection, tx) =>
        {
            var replaced = new List<CommuteFlow>();
            var now = Dialect.Instant(DateTimeOffset.UtcNow);

            // Read under a row lock where there is one, so two concurrent imports of the same key report one replacement each, in turn.
            await using var read = Command(connection, tx,
                $"SELECT trips, source FROM commute_flow WHERE origin = @o AND destination = @d AND year = @y AND mode = @m{Dialect.ForUpdate}", ("o", ""), ("d", ""), ("y", 0), ("m", ""));
            foreach (var f in flows)
            {
                (read.Parameters["o"].Value, read.Parameters["d"].Value, read.Parameters["y"].Value, read.Parameters["m"].Value) = (f.Origin, f.Destination, f.Year, f.Mode);
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    replaced.Add(f with { Trips = reader.GetDouble(0), Source = reader.GetString(1) });
                }
            }

            var result = new CommuteImportResult(flows.Count - replaced.Count, replaced);
            entry = audit?.Invoke(result);
            await using var write = Command(connection, tx, """
                INSERT INTO commute_flow (origin, destination, year, mode, trips, source, imported_at, imported_by) VALUES (@o, @d, @y, @m, @t, @src, @at, @by)
                ON CONFLICT (origin, destination, year, mode) DO UPDATE SET trips = excluded.trips, source = excluded.source, imported_at = excluded.imported_at,
                  imported_by = excluded.imported_by
                """, ("o", ""), ("d", ""), ("y", 0), ("m", ""), ("t", 0.0), ("src", ""), ("at", now), ("by", (object?)entry?.Actor ?? DBNull.Value));
            foreach (var f in flows)
            {
                (write.Parameters["o"].Value, write.Parameters["d"].Value, write.Parameters["y"].Value, write.Parameters["m"].Value) = (f.Origin, f.Destination, f.Year, f.Mode);
                (write.Parameters["t"].Value, write.Parameters["src"].Value) = (f.Trips, f.Source);
                await write.ExecuteNonQueryAsync(ct);
            }

            return result;
        }, _ => entry is null ? [] : [entry], ct);
    }

    public Task<IReadOnlyList<CommuteFlow>> GetCommuteFlowsAsync(int? year, CancellationToken ct) => ReadAsync("commuting flows", async connection =>
    {
        await using var command = Command(connection, null, $"""
            SELECT origin, destination, year, mode, trips, source FROM commute_flow {(year is null ? "" : "WHERE year = @y")}
            ORDER BY year, {Dialect.ByteOrder("origin")}, {Dialect.ByteOrder("destination")}, {Dialect.ByteOrder("mode")}
            """);
        if (year is not null)
        {
            SqlDialect.Parameter(command, "y", year.Value);
        }

        return (IReadOnlyList<CommuteFlow>)await ListAsync(command, r => new CommuteFlow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetDouble(4), r.GetString(5)), ct);
    }, ct);
}
