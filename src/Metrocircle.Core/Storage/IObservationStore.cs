using Metrocircle.Core.Audit;
using Metrocircle.Core.Indicators;

namespace Metrocircle.Core.Storage;

/// <summary>What an observation import did: rows new to the store, and rows that replaced a stored (indicator, scope, year).</summary>
public sealed record ObservationImportResult(int Added, IReadOnlyList<Observation> Replaced);

/// <summary>
/// One value an (indicator, scope, year) has held: when and by whom it was imported and, unless it is the current value,
/// when and by whom it was replaced. The importer is the actor of the import's audit entry; null when the import carried
/// none (seeding, imports made before the store kept history).
/// </summary>
public sealed record ObservationRevision(Observation Observation, DateTimeOffset ImportedAt, string? ImportedBy, DateTimeOffset? ReplacedAt, string? ReplacedBy)
{
    /// <summary>Whether this is the value the key holds now.</summary>
    public bool IsCurrent => ReplacedAt is null;
}

/// <summary>
/// Observed values of indicators, one per (indicator, scope, year). Observations are facts about the world, not part of
/// a plan version, so they are not versioned with the plan. A store offers it beside <see cref="IPlanStore"/>.
/// </summary>
public interface IObservationStore
{
    /// <summary>
    /// Writes a batch in one transaction. A year already stored for the indicator and scope is replaced (a corrected
    /// figure supersedes the old one), reported in <see cref="ObservationImportResult.Replaced"/> and kept readable in
    /// <see cref="GetObservationHistoryAsync"/> with who replaced it and when; the same key twice
    /// within one batch is refused with <see cref="StoreException"/> and nothing is written.
    /// </summary>
    Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Observation> rows, CancellationToken ct) => ImportObservationsAsync(rows, null, ct);

    /// <summary>As above, with the audit entry made of the result committed in the same transaction when <paramref name="audit"/> is given.</summary>
    Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Observation> rows, Func<ObservationImportResult, AuditRecord>? audit, CancellationToken ct);

    /// <summary>Observations of one indicator (or all when null), ordered by indicator, scope and year.</summary>
    Task<IReadOnlyList<Observation>> GetObservationsAsync(string? indicatorId, CancellationToken ct);

    /// <summary>
    /// Every value one indicator has held, the replaced ones with who replaced them and when, ordered by scope, year and
    /// then oldest first (the current value last). <paramref name="scope"/> and <paramref name="year"/> narrow it when given.
    /// </summary>
    Task<IReadOnlyList<ObservationRevision>> GetObservationHistoryAsync(string indicatorId, string? scope, int? year, CancellationToken ct);
}

/// <summary>Checks shared by the engines before they write a batch.</summary>
public static class ObservationBatch
{
    /// <summary>Refuses a batch that names the same (indicator, scope, year) twice: which row should win is not the store's guess.</summary>
    public static void RejectDuplicates(IReadOnlyList<Observation> rows)
    {
        var seen = new HashSet<(string, string, int)>();
        foreach (var r in rows)
        {
            if (!seen.Add((r.IndicatorId, r.Scope, r.Year)))
            {
                throw new StoreException($"the batch holds {r.IndicatorId} for {r.Scope} in {r.Year} twice; nothing was written");
            }
        }
    }
}
