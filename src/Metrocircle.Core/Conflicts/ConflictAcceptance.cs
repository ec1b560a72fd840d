namespace Metrocircle.Core.Conflicts;

/// <summary>
/// The coordination office's decision to keep a conflict patch, with its reason. It names the patch by its stable id,
/// which changes when either feature does: a changed feature makes a new patch that has to be decided again.
/// </summary>
/// <param name="PlanVersion">The version in which the patch was accepted (for the record; the id is what binds it).</param>
public sealed record ConflictAcceptance(string PatchId, string Rule, string Reason, string AcceptedBy, DateTimeOffset AcceptedAt, string PlanVersion);

/// <summary>
/// The status of each patch beyond what detection knows: accepted by the office, or resolved by the amendment that
/// made the version (a patch of the version before it that this one no longer has).
/// </summary>
public static class ConflictStatuses
{
    /// <param name="current">The patches detected in the version.</param>
    /// <param name="previous">The patches of the version before it, when an amendment made this one; null otherwise.</param>
    /// <param name="amendmentId">The amendment that made the version, when <paramref name="previous"/> is given.</param>
    /// <param name="accepted">Acceptances by patch id.</param>
    /// <returns>The current patches (accepted ones marked, with their reason) followed by the resolved ones, each part in detection order.</returns>
    public static IReadOnlyList<ConflictPatch> Apply(IReadOnlyList<ConflictPatch> current, IReadOnlyList<ConflictPatch>? previous, string? amendmentId,
        IReadOnlyDictionary<string, ConflictAcceptance> accepted)
    {
        var result = new List<ConflictPatch>(current.Count);
        foreach (var patch in current)
        {
            result.Add(patch.Status == ConflictStatus.Open && accepted.TryGetValue(patch.Id, out var a)
                ? patch with { Status = ConflictStatus.Accepted, Reason = a.Reason }
                : patch);
        }

        if (previous is not null && amendmentId is not null)
        {
            var now = current.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            result.AddRange(previous.Where(p => !now.Contains(p.Id)).Select(p => p with { Status = ConflictStatus.Resolved, AmendmentId = amendmentId, Reason = null }));
        }

        return result;
    }

    /// <summary>The patches an amendment creates (in the amended version, not in its base) and resolves (in the base, not after), by id.</summary>
    public static (IReadOnlyList<ConflictPatch> Created, IReadOnlyList<ConflictPatch> Resolved) Diff(IReadOnlyList<ConflictPatch> before, IReadOnlyList<ConflictPatch> after)
    {
        var was = before.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var now = after.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return ([.. after.Where(p => !was.Contains(p.Id))], [.. before.Where(p => !now.Contains(p.Id))]);
    }
}
