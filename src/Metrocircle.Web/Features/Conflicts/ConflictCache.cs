using Metrocircle.Core.Conflicts;
using Metrocircle.Web.Plan;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>
/// The conflict patches of the plan version being served: computed once per version on the first request that needs
/// them and replaced when the snapshot moves to a newer version, so a publish recomputes them.
/// </summary>
public sealed class ConflictCache(SnapshotCache snapshots, PlanCatalog catalog)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ConflictsResponse? _current;

    /// <summary>The patches of the version in force, or null when the store holds no plan.</summary>
    public async Task<ConflictsResponse?> GetAsync(CancellationToken ct)
    {
        if (await snapshots.GetAsync(ct) is not { } snapshot)
        {
            return null;
        }

        if (_current is { } current && current.PlanVersion == snapshot.Version.Id)
        {
            return current;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && again.PlanVersion == snapshot.Version.Id)
            {
                return again;
            }

            var rules = await ConflictRule.LoadAsync(catalog.Store, snapshot.Version.Id, ct);
            var report = await Task.Run(() => ConflictDetector.Detect(snapshot, rules, ct), ct);
            _current = new ConflictsResponse(report.PlanVersion, report.Patches.Count, report.Rules,
                [.. report.Patches.Select(p => ConflictFeature.From(p, snapshot.Projection, report.PlanVersion))]);
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }
}
