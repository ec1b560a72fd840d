using Metrocircle.Core.Audit;
using Metrocircle.Core.Conflicts;

namespace Metrocircle.Core.Storage;

/// <summary>The coordination office's acceptances of conflict patches; each write is one transaction with its audit entries.</summary>
public interface IConflictStore
{
    /// <summary>
    /// Records the acceptance unless the patch is accepted already; then the stored one is returned unchanged, with
    /// <c>Created</c> false and no audit entry, so two concurrent requests record one acceptance.
    /// </summary>
    Task<(ConflictAcceptance Acceptance, bool Created)> AcceptConflictAsync(ConflictAcceptance acceptance, Func<ConflictAcceptance, IEnumerable<AuditRecord>> audit,
        CancellationToken ct);

    /// <summary>Every acceptance in force, by patch id.</summary>
    Task<IReadOnlyList<ConflictAcceptance>> ListConflictAcceptancesAsync(CancellationToken ct);

    /// <summary>Removes the acceptance of a patch; returns it, or null (and writes nothing) when the patch was not accepted.</summary>
    Task<ConflictAcceptance?> RevokeConflictAcceptanceAsync(string patchId, Func<ConflictAcceptance, IEnumerable<AuditRecord>> audit, CancellationToken ct);
}
