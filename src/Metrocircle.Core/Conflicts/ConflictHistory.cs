using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Conflicts;

/// <summary>The patches of a version and, when an approved amendment made it, those of the version before it that it resolved.</summary>
/// <param name="Resolved">Patches of the version before that this one no longer has, marked resolved by <see cref="AmendmentId"/>; empty when no amendment made the version.</param>
public sealed record ConflictHistory(ConflictReport Report, IReadOnlyList<ConflictPatch> Resolved, string? AmendmentId)
{
    /// <summary>The patches of a stored version by its own rules, line layers included.</summary>
    public static async Task<ConflictReport> DetectAsync(IPlanStore store, PlanSnapshot snapshot, CancellationToken ct)
    {
        var rules = await ConflictRule.LoadAsync(store, snapshot.Version.Id, ct);
        var lines = await ConflictDetector.LineLayersAsync(store, snapshot, rules, ct);
        return await Task.Run(() => ConflictDetector.Detect(snapshot, rules, lines, ct), ct);
    }

    /// <summary>
    /// The patches of <paramref name="snapshot"/>'s version, and when an amendment made that version, the patches of the
    /// version before it (by that version's own rules) that are gone.
    /// </summary>
    /// <param name="snapshotOf">How to get the snapshot of the version before (a cache, or a fresh build).</param>
    public static async Task<ConflictHistory> LoadAsync(IPlanStore store, PlanSnapshot snapshot, Func<PlanVersion, CancellationToken, Task<PlanSnapshot>> snapshotOf,
        CancellationToken ct)
    {
        var report = await DetectAsync(store, snapshot, ct);
        var version = snapshot.Version;
        if (version.Sequence <= 1 || await store.GetVersionRecordAsync(version.Id, ct) is not { AmendmentId: { } amendmentId })
        {
            return new ConflictHistory(report, [], null);
        }

        var before = (await store.GetVersionsAsync(version.PlanId, ct)).Select(r => r.Version).FirstOrDefault(v => v.Sequence == version.Sequence - 1);
        if (before is null)
        {
            return new ConflictHistory(report, [], null);
        }

        var previous = await DetectAsync(store, await snapshotOf(before, ct), ct);
        return new ConflictHistory(report, ConflictStatuses.Diff(previous.Patches, report.Patches).Resolved, amendmentId);
    }

    /// <summary>Every patch with its status: the current ones (accepted where the office accepted them), then the resolved ones.</summary>
    public IReadOnlyList<ConflictPatch> WithStatus(IReadOnlyList<ConflictAcceptance> acceptances) =>
        ConflictStatuses.Apply(Report.Patches, AmendmentId is null ? null : Resolved, AmendmentId, acceptances.ToDictionary(a => a.PatchId, StringComparer.Ordinal));
}
