using Metrocircle.Core.Audit;
using Metrocircle.Core.Mismatch;

namespace Metrocircle.Core.Storage;

/// <summary>What an OD import did: flows new to the store, and flows that replaced a stored (origin, destination, year, mode).</summary>
public sealed record CommuteImportResult(int Added, IReadOnlyList<CommuteFlow> Replaced);

/// <summary>
/// Commuting flows between counties, one per (origin, destination, year, mode). Like observations they are facts about
/// the world, not part of a plan version. A store offers it beside <see cref="IPlanStore"/>.
/// </summary>
public interface ICommuteStore
{
    /// <summary>
    /// Writes a batch in one transaction with the audit entry made of the result when given; a stored key is replaced
    /// (reported in <see cref="CommuteImportResult.Replaced"/>); the same key twice in one batch is refused with
    /// <see cref="StoreException"/> and nothing is written.
    /// </summary>
    Task<CommuteImportResult> ImportCommuteFlowsAsync(IReadOnlyList<CommuteFlow> flows, Func<CommuteImportResult, AuditRecord>? audit, CancellationToken ct);

    /// <summary>Flows of one year (or all when null), ordered by year, origin, destination and mode.</summary>
    Task<IReadOnlyList<CommuteFlow>> GetCommuteFlowsAsync(int? year, CancellationToken ct);
}

/// <summary>Checks shared by the engines before they write a batch.</summary>
public static class CommuteBatch
{
    public static void RejectDuplicates(IReadOnlyList<CommuteFlow> flows)
    {
        var seen = new HashSet<(string, string, int, string)>();
        foreach (var f in flows)
        {
            if (!seen.Add((f.Origin, f.Destination, f.Year, f.Mode)))
            {
                throw new StoreException($"the batch holds {f.Origin} → {f.Destination} in {f.Year} by {f.Mode} twice; nothing was written");
            }
        }
    }
}
