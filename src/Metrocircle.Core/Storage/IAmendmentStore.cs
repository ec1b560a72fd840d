using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Storage;

/// <summary>A stored amendment and its version: every successful write adds one.</summary>
public sealed record StoredAmendment(AmendmentFile File, long Version);

/// <summary>
/// Plan amendments, kept whole with a version like cases: a write names the version it read and is refused with
/// <see cref="StoreConflictException"/> when another writer got there first. Opening an amendment opens its case in
/// the same transaction, and approving it writes the case, the amendment and the new plan version in one.
/// </summary>
public interface IAmendmentStore
{
    /// <summary>Writes a new amendment, and its case when it is not a draft, with the audit entries, in one transaction.</summary>
    Task CreateAmendmentAsync(AmendmentFile file, CaseFile? caseFile, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    Task<StoredAmendment?> GetAmendmentAsync(string id, CancellationToken ct);

    Task<StoredAmendment?> GetAmendmentByCaseAsync(string caseId, CancellationToken ct);

    /// <summary>Amendments, most recently changed first.</summary>
    Task<IReadOnlyList<StoredAmendment>> ListAmendmentsAsync(int limit, CancellationToken ct);

    /// <summary>Replaces the amendment if it is still at <paramref name="expectedVersion"/>; with a case to write too when given (same transaction).</summary>
    Task<long> UpdateAmendmentAsync(AmendmentFile file, long expectedVersion, (CaseFile File, long ExpectedVersion, bool Create)? caseFile,
        IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    /// <summary>
    /// The approving decision: writes the case (under its version), publishes the change set as a new plan version and
    /// records it in the amendment (under its version), with every audit entry, in one transaction. A change set that
    /// no longer applies throws <see cref="ChangeSetConflictException"/> and writes nothing. <paramref name="ledger"/>, when
    /// given, is posted to the land ledger in the same transaction (an overdrawn account throws and writes nothing).
    /// </summary>
    Task<PlanVersion> ApproveAmendmentAsync(StoredAmendment amendment, Func<PlanVersion, AmendmentFile> approved, CaseFile caseFile, long expectedCaseVersion,
        ChangeSetPublish publish, CancellationToken ct, (Ledger.LedgerEntry Entry, Func<Ledger.LedgerTransaction, IEnumerable<AuditRecord>> Audit)? ledger = null);
}
