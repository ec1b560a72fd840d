using Metrocircle.Core.Alignment;

namespace Metrocircle.Web.Plan;

/// <summary>
/// The analysis snapshot of the plan version being served: built once per version (in the background of the
/// first request that needs it) and replaced when <see cref="PlanCatalog"/> moves to a newer version.
/// </summary>
public sealed class SnapshotCache(PlanCatalog catalog)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile PlanSnapshot? _snapshot;

    /// <summary>Whether the snapshot of this version is built (readiness).</summary>
    public bool IsBuiltFor(string versionId) => _snapshot is { } current && current.Version.Id == versionId;

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

    public async Task<PlanSnapshot?> GetAsync(CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { } view)
        {
            return null;
        }

        if (_snapshot is { } current && current.Version.Id == view.Version.Id)
        {
            return current;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_snapshot is { } again && again.Version.Id == view.Version.Id)
            {
                return again;
            }

            _snapshot = await PlanSnapshot.BuildAsync(catalog.Store, view.Version, ct);
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }
}
