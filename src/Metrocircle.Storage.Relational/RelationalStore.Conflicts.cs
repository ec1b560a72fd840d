using System.Data.Common;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// Acceptances of conflict patches. An acceptance is inserted only where none exists (ON CONFLICT DO NOTHING, which
/// both engines have): of two concurrent requests one inserts and audits, the other reads the row it lost to.
/// </summary>
public abstract partial class RelationalStore : IConflictStore
{
    private const string AcceptanceColumns = "patch_id, rule, reason, accepted_by, accepted_at, plan_version";

    private ConflictAcceptance ReadAcceptance(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Dialect.ReadInstant(r, 4), r.GetString(5));

    public Task<(ConflictAcceptance Acceptance, bool Created)> AcceptConflictAsync(ConflictAcceptance acceptance,
        Func<ConflictAcceptance, IEnumerable<AuditRecord>> audit, CancellationToken ct) =>
        WriteAsync($"accepting conflict patch {acceptance.PatchId}", async (connection, tx) =>
        {
            await using (var insert = Command(connection, tx, $"""
                INSERT INTO conflict_acceptance ({AcceptanceColumns}) VALUES (@id, @rule, @reason, @by, @at, @version)
                ON CONFLICT (patch_id) DO NOTHING
                """, ("id", acceptance.PatchId), ("rule", acceptance.Rule), ("reason", acceptance.Reason), ("by", acceptance.AcceptedBy),
                ("at", Dialect.Instant(acceptance.AcceptedAt)), ("version", acceptance.PlanVersion)))
            {
                if (await insert.ExecuteNonQueryAsync(ct) == 1)
                {
                    return (acceptance, true);
                }
            }

            await using var read = Command(connection, tx, $"SELECT {AcceptanceColumns} FROM conflict_acceptance WHERE patch_id = @id", ("id", acceptance.PatchId));
            return (Found(await ListAsync(read, ReadAcceptance, ct)), false);
        }, r => r.Item2 ? audit(r.Item1) : [], ct);

    public Task<IReadOnlyList<ConflictAcceptance>> ListConflictAcceptancesAsync(CancellationToken ct) => ReadAsync("conflict acceptances", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {AcceptanceColumns} FROM conflict_acceptance ORDER BY {Dialect.ByteOrder("patch_id")}");
        return (IReadOnlyList<ConflictAcceptance>)await ListAsync(command, ReadAcceptance, ct);
    }, ct);

    public Task<ConflictAcceptance?> RevokeConflictAcceptanceAsync(string patchId, Func<ConflictAcceptance, IEnumerable<AuditRecord>> audit, CancellationToken ct) =>
        WriteAsync($"revoking the acceptance of conflict patch {patchId}", async (connection, tx) =>
        {
            await using var delete = Command(connection, tx, $"DELETE FROM conflict_acceptance WHERE patch_id = @id RETURNING {AcceptanceColumns}", ("id", patchId));
            return (await ListAsync(delete, ReadAcceptance, ct)).FirstOrDefault();
        }, r => r is null ? [] : audit(r), ct);

    private static ConflictAcceptance Found(List<ConflictAcceptance> rows) =>
        rows.Count == 1 ? rows[0] : throw new InvalidOperationException("a conflict acceptance that was not inserted is not there either");
}
