using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;

namespace Metrocircle.Core.Storage;

/// <summary>A stored case and its version: every successful write adds one.</summary>
public sealed record StoredCase(CaseFile File, long Version);

/// <summary>Where a page of a case list ends: the last case's <see cref="CaseFile.UpdatedAt"/> and id, in list order.</summary>
public sealed record CasePageKey(DateTimeOffset UpdatedAt, string Id);

/// <summary>Which cases to list. All filters that are set must hold.</summary>
/// <param name="TaskJurisdiction">Cases with a task for this jurisdiction (any revision).</param>
/// <param name="OpenTaskFor">With <paramref name="TaskJurisdiction"/>: only cases where that jurisdiction has an open task on the current revision.</param>
/// <param name="OpenForOffice">Only cases with an open task the coordination office may decide: its own, or one escalated to it.</param>
/// <param name="AlsoJurisdictions">With <paramref name="TaskJurisdiction"/>: tasks for these count too (a city reviewer's counties, whose tasks the rule may let the city decide).</param>
/// <param name="NationalDepartment">Cases with a national task (no jurisdiction) of this department.</param>
/// <param name="After">Only cases after this key in list order (the next page, read by key rather than by offset).</param>
public sealed record CaseQuery(string? Proponent = null, string? TaskJurisdiction = null, bool OpenTaskFor = false, bool EscalatedOnly = false,
    CaseStatus? Status = null, int Limit = 100, bool OpenForOffice = false, CasePageKey? After = null,
    IReadOnlyList<string>? AlsoJurisdictions = null, string? NationalDepartment = null);

/// <summary>
/// Co-approval cases, each kept whole with a version number. A write names the version it read; if another writer
/// got there first the store refuses with <see cref="StoreConflictException"/> and writes nothing, so no decision is
/// ever lost — the caller re-reads and re-applies its command. The audit entries of a change are appended in the
/// same transaction.
/// </summary>
public interface ICaseStore
{
    Task CreateCaseAsync(CaseFile file, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    Task<StoredCase?> GetCaseAsync(string id, CancellationToken ct);

    /// <summary>Replaces the case if it is still at <paramref name="expectedVersion"/>; returns the new version.</summary>
    Task<long> UpdateCaseAsync(CaseFile file, long expectedVersion, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    /// <summary>Cases matching the query, newest change first (then by id, descending), at most <see cref="CaseQuery.Limit"/> of them.</summary>
    Task<IReadOnlyList<StoredCase>> ListCasesAsync(CaseQuery query, CancellationToken ct);

    /// <summary>Ids of cases under review with an open task whose deadline is before <paramref name="before"/> and that is not yet escalated.</summary>
    Task<IReadOnlyList<string>> OverdueCaseIdsAsync(DateTimeOffset before, CancellationToken ct);
}
