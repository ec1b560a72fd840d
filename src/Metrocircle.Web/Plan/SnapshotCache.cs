using System.Globalization;
using Metrocircle.Core.Alignment;

namespace Metrocircle.Web.Plan;

/// <summary>
/// Analysis snapshots of plan versions, built once per version (in the background of the first request that needs it).
/// Snapshots are large, so at most two are kept: the one just asked for and the version served without parameters
/// (<see cref="PlanCatalog.Served"/>); when the version in force moves on, the old one drops out on the next build.
/// A large plan's snapshot takes minutes to build (ten million parcels: see bench/RESULTS.md, "Ten million parcels"),
/// so a request for the plan in force waits for a new version's snapshot at most <see cref="InForceWait"/>; after that
/// it is answered from the last version built, which every answer names, while the new one is built in the background.
/// </summary>
public sealed class SnapshotCache(PlanCatalog catalog, TimeSpan? inForceWait = null)
{
    public const string InForceWaitVariable = "METROCIRCLE_SNAPSHOT_WAIT_SECONDS";

    public static readonly TimeSpan DefaultInForceWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _buildLock = new();
    private volatile PlanSnapshot[] _built = [];
    private (string VersionId, Task<PlanSnapshot> Build)? _building;

    /// <summary>How long a request for the plan in force waits for a new version's snapshot before the previous one answers.</summary>
    public TimeSpan InForceWait { get; } = inForceWait ?? DefaultInForceWait;

    /// <summary>The wait from its environment variable (whole seconds, 0–3600); unset keeps the default, a malformed one stops the host.</summary>
    public static TimeSpan? InForceWaitFromEnvironment(Func<string, string?> variable) =>
        variable(InForceWaitVariable) is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 3600 ? TimeSpan.FromSeconds(seconds)
        : throw new FormatException($"{InForceWaitVariable}: \"{text}\" is not a whole number of seconds from 0 to 3600");

    /// <summary>Whether the snapshot of this version is built (readiness).</summary>
    public bool IsBuiltFor(string versionId) => Find(versionId) is not null;

    /// <summary>Starts building the current version's snapshot in the background, if it is not being built already.</summary>
    public void StartBuild() => _ = Task.Run(async () =>
    {
        try
        {
            // Joins a build under way (a readiness probe repeats while the build runs) rather than queueing another.
            if (await catalog.GetAsync(CancellationToken.None) is { } view && Find(view.Version.Id) is null)
            {
                await BuildInBackground(view);
            }
        }
        catch (Exception e) when (e is Core.Storage.StoreException or OperationCanceledException)
        {
            // Readiness reports the store's state on its own; the next probe tries again.
        }
    });

    /// <summary>The snapshot of the plan in force now, or null when the store holds no plan.</summary>
    public async Task<PlanSnapshot?> GetAsync(CancellationToken ct) =>
        await catalog.GetAsync(ct) is { } view ? await GetAsync(view, ct) : null;

    /// <summary>
    /// The snapshot for a request that asked for the plan in force (no version, no date): <paramref name="view"/>'s when
    /// it is built, or built within <see cref="InForceWait"/>; otherwise, when an earlier version's snapshot is held,
    /// that one, while <paramref name="view"/>'s goes on building in the background. With none held, waits for the build.
    /// </summary>
    public async Task<PlanSnapshot> GetInForceAsync(PlanView view, CancellationToken ct)
    {
        if (Find(view.Version.Id) is { } current)
        {
            return current;
        }

        var previous = _built.FirstOrDefault(s => s.Version.Id != view.Version.Id);
        if (previous is null)
        {
            return await GetAsync(view, ct);
        }

        var build = BuildInBackground(view);
        var first = await Task.WhenAny(build, Task.Delay(InForceWait, ct));
        ct.ThrowIfCancellationRequested();
        return first == build && build.IsCompletedSuccessfully ? build.Result : previous;
    }

    /// <summary>One background build per version: later callers join it. Not cancelled with any one request.</summary>
    private Task<PlanSnapshot> BuildInBackground(PlanView view)
    {
        lock (_buildLock)
        {
            if (_building is { } running && running.VersionId == view.Version.Id && !running.Build.IsFaulted && !running.Build.IsCanceled)
            {
                return running.Build;
            }

            var build = Task.Run(() => GetAsync(view, CancellationToken.None));
            _building = (view.Version.Id, build);
            return build;
        }
    }

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
            PlanSnapshot[] kept = [.. _built.Where(s => s.Version.Id == served && served != snapshot.Version.Id).Take(1)];
            // The snapshot leaving the cache goes with the build's garbage, in one collection that ends before this
            // version is reported built: at ten million parcels it takes seconds (the whole process pauses for it),
            // and readiness should report the process at the size it will serve at.
            _built = kept;
            LargeBuilds.ReturnMemory(snapshot.Layers.Sum(l => (long)l.Features.Count));
            _built = [snapshot, .. kept];
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private PlanSnapshot? Find(string versionId) => Array.Find(_built, s => s.Version.Id == versionId);
}
