using System.Data.Common;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// Plan amendments, each kept whole as JSON under a version that every write checks and raises (as cases are); an
/// amendment's case is written in the same transaction as the amendment, and the approving decision writes the
/// case, the new plan version and the amendment together.
/// </summary>
public abstract partial class RelationalStore
{
    public Task CreateAmendmentAsync(AmendmentFile file, CaseFile? caseFile, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"opening amendment {file.Id}", async (connection, tx) =>
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO amendment (id, plan_id, status, case_id, version, updated_at, body) VALUES (@id, @p, @s, @c, 1, @u, @b) ON CONFLICT (id) DO NOTHING",
                ("id", file.Id), ("p", file.PlanId), ("s", file.Status), ("c", file.CaseId), ("u", Dialect.Instant(file.UpdatedAt)));
            Dialect.Json(insert, "b", AmendmentJson.Serialize(file));
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"an amendment with id {file.Id} exists already");
            }

            if (caseFile is not null)
            {
                await InsertCaseInAsync(connection, tx, caseFile, ct);
            }

            return 0;
        }, _ => audit, ct);

    public Task<StoredAmendment?> GetAmendmentAsync(string id, CancellationToken ct) => ReadAsync($"amendment {id}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {Dialect.JsonText("body")}, version FROM amendment WHERE id = @id", ("id", id));
        return (await ListAsync(command, ReadAmendment, ct)).FirstOrDefault();
    }, ct);

    public Task<StoredAmendment?> GetAmendmentByCaseAsync(string caseId, CancellationToken ct) => ReadAsync($"the amendment of case {caseId}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {Dialect.JsonText("body")}, version FROM amendment WHERE case_id = @c", ("c", caseId));
        return (await ListAsync(command, ReadAmendment, ct)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<StoredAmendment>> ListAmendmentsAsync(int limit, CancellationToken ct) => ReadAsync("amendments", async connection =>
    {
        await using var command = Command(connection, null,
            $"SELECT {Dialect.JsonText("body")}, version FROM amendment ORDER BY updated_at DESC, id DESC LIMIT @limit", ("limit", Math.Clamp(limit, 1, 1000)));
        return (IReadOnlyList<StoredAmendment>)await ListAsync(command, ReadAmendment, ct);
    }, ct);

    private static StoredAmendment ReadAmendment(DbDataReader r) => new(AmendmentJson.Deserialize(r.GetString(0)), r.GetInt64(1));

    public Task<long> UpdateAmendmentAsync(AmendmentFile file, long expectedVersion, (CaseFile File, long ExpectedVersion, bool Create)? caseFile,
        IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"updating amendment {file.Id}", async (connection, tx) =>
        {
            var version = await UpdateAmendmentInAsync(connection, tx, file, expectedVersion, ct);
            if (caseFile is { } c)
            {
                if (c.Create)
                {
                    await InsertCaseInAsync(connection, tx, c.File, ct);
                }
                else
                {
                    await UpdateCaseInAsync(connection, tx, c.File, c.ExpectedVersion, ct);
                }
            }

            return version;
        }, _ => audit, ct);

    private async Task<long> UpdateAmendmentInAsync(DbConnection connection, DbTransaction tx, AmendmentFile file, long expectedVersion, CancellationToken ct)
    {
        await using var update = Command(connection, tx,
            "UPDATE amendment SET status = @s, case_id = @c, version = version + 1, updated_at = @u, body = @b WHERE id = @id AND version = @v",
            ("id", file.Id), ("s", file.Status), ("c", file.CaseId), ("u", Dialect.Instant(file.UpdatedAt)), ("v", expectedVersion));
        Dialect.Json(update, "b", AmendmentJson.Serialize(file));
        if (await update.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new StoreConflictException($"amendment {file.Id} changed since version {expectedVersion} was read");
        }

        return expectedVersion + 1;
    }

    public async Task<PlanVersion> ApproveAmendmentAsync(StoredAmendment amendment, Func<PlanVersion, AmendmentFile> approved, CaseFile caseFile, long expectedCaseVersion,
        ChangeSetPublish publish, CancellationToken ct, (Core.Ledger.LedgerEntry Entry, Func<Core.Ledger.LedgerTransaction, IEnumerable<AuditRecord>> Audit)? ledger = null) =>
        (await WriteAsync($"approving amendment {amendment.File.Id}", async (connection, tx) =>
        {
            // The case first: a second approver racing this one finds the case moved and retries before anything is published.
            await UpdateCaseInAsync(connection, tx, caseFile, expectedCaseVersion, ct);
            var version = await ApplyChangesInAsync(connection, tx, publish, ct);
            await UpdateAmendmentInAsync(connection, tx, approved(version), amendment.Version, ct);
            var posted = ledger is { } l ? await PostInAsync(connection, tx, l.Entry, ct) : null;
            return (version, posted);
        }, r => r.posted is null ? publish.Audit(r.version) : [.. publish.Audit(r.version), .. ledger!.Value.Audit(r.posted)], ct)).version;
}
