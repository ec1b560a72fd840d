using Metrocircle.Core.Alignment;

namespace Metrocircle.Web.Plan;

/// <summary>
/// Analysis snapshots of plan versions, built once per version (in the background of the first request that needs it).
/// Snapshots are large, so at most two are kept: the one just asked for and the version served without parameters
/// (<see cref="PlanCatalog.Served"/>); when the version in force moves on, the old one drops out on the next build.
/// </summary>
public sealed class SnapshotCache(PlanCatalog catalog)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile PlanSnapshot[] _built = [];

    /// <summary>Whether the snapshot of this version is built (readiness).</summary>
    public bool IsBuiltFor(string versionId) => Find(versionId) is not null;

    /// <summary>Starts building the current version's snapshot in the background, if it is not being built already.</summary>
    public void StartBuild() => _ = Task.Run(async () =>
    {
        try
        {
            await GetAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Core.Storage.StoreException or OperationCanceledException)
        {
            // Readiness reports the store's state on its own; the next probe tries again.
        }
    });

    /// <summary>The snapshot of the plan in force now, or null when the store holds no plan.</summary>
    public async Task<PlanSnapshot?> GetAsync(CancellationToken ct) =>
        await catalog.GetAsync(ct) is { } view ? await GetAsync(view, ct) : null;

    /// <summary>The snapshot of one version, as resolved by <see cref="PlanResolver"/>.</summary>
    public async Task<PlanSnapshot> GetAsync(PlanView view, CancellationToken ct)
    {
        if (Find(view.Version.Id) is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (Find(view.Version.Id) is { } again)
            {
                return again;
            }

            var snapshot = await PlanSnapshot.BuildAsync(catalog.Store, view.Version, ct);
            var served = catalog.Served?.Version.Id;
            _built = [snapshot, .. _built.Where(s => s.Version.Id == served && served != snapshot.Version.Id).Take(1)];
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private PlanSnapshot? Find(string versionId) => Array.Find(_built, s => s.Version.Id == versionId);
}
