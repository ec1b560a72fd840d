using System.Collections.Concurrent;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Plan;

/// <summary>One plan version, its layers and their statistics, read once; immutable, since a version's rows never change.</summary>
public sealed record PlanView(Core.Model.Plan Plan, PlanVersion Version, IReadOnlyList<PlanLayer> Layers, IReadOnlyDictionary<string, LayerStats> Stats)
{
    public PlanLayer? Layer(string id) => Layers.FirstOrDefault(l => l.Id == id);
}

/// <summary>
/// The plan versions the host serves. <see cref="GetAsync"/> is the version in force today (by the injected clock, in
/// UTC days): the newest whose <c>effectiveFrom</c> has come. When none has come yet (a dataset dated ahead of the
/// clock), it falls back to the newest version, so a fresh store still shows its plan rather than nothing.
/// A publish in this process calls <see cref="Invalidate"/>; a publish by another instance on the same database, or
/// the arrival of a published version's effective date, is noticed by re-resolving the version in force at most once
/// per <see cref="RecheckInterval"/>, so several stateless instances switch within that without restart.
/// Views of any version (<see cref="GetVersionAsync"/>, <see cref="GetAsOfAsync"/>) are cached by version id: they
/// are immutable. Caches downstream (tiles, alignment snapshots, conflicts, case rules) key on the version id too.
/// </summary>
public sealed class PlanCatalog(IPlanStore store, TimeProvider time)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(250);

    // A view is a few kilobytes; past this many versions asked for, the cache starts again rather than growing.
    private const int MaxViews = 64;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, PlanView> _views = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<PlanView>>> _reading = new(StringComparer.Ordinal);
    private volatile PlanView? _current;
    private volatile VersionList? _versions;
    private long _checkedAt;
    private int _generation;

    public PlanCatalog(IPlanStore store)
        : this(store, TimeProvider.System)
    {
    }

    public IPlanStore Store => store;

    /// <summary>Today by the host's clock, as a UTC day: the day whose plan is in force.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>The view served without a version or date, as last resolved (no I/O); null before the first request.</summary>
    public PlanView? Served => _current;

    /// <summary>The plan in force now (or the newest version while none is), or null when the store holds none yet.</summary>
    public async Task<PlanView?> GetAsync(CancellationToken ct)
    {
        if (_current is { } view)
        {
            var now = time.GetTimestamp();
            var last = Interlocked.Read(ref _checkedAt);
            if (time.GetElapsedTime(last, now) < RecheckInterval || Interlocked.CompareExchange(ref _checkedAt, now, last) != last)
            {
                return view;
            }

            var served = await ServedVersionAsync(ct);
            if (served?.Id == view.Version.Id)
            {
                return view;
            }

            _current = null;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again)
            {
                return again;
            }

            var generation = Volatile.Read(ref _generation);
            if (await ServedVersionAsync(ct) is not { } version)
            {
                return null;
            }

            var read = await ViewAsync(version, ct);
            if (generation == Volatile.Read(ref _generation))
            {
                // Not kept when a publish in this process invalidated the catalog during the read (the read may be older).
                _current = read;
                Interlocked.Exchange(ref _checkedAt, time.GetTimestamp());
            }

            return read;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Exactly the version with this id (whatever its effective date), or null when there is none.</summary>
    public async Task<PlanView?> GetVersionAsync(string versionId, CancellationToken ct)
    {
        if (_views.TryGetValue(versionId, out var cached))
        {
            return cached;
        }

        return await store.GetVersionRecordAsync(versionId, ct) is { } record ? await ViewAsync(record.Version, ct) : null;
    }

    /// <summary>The version in force on a day, as known now, or null when no version had taken effect by then.</summary>
    public async Task<PlanView?> GetAsOfAsync(DateOnly day, CancellationToken ct) =>
        await store.GetVersionInForceAsync(day, ct) is { } version ? await ViewAsync(version, ct) : null;

    /// <summary>Every version with what produced it, newest first; read again only when a newer version appears.</summary>
    public async Task<IReadOnlyList<VersionRecord>> GetVersionsAsync(CancellationToken ct)
    {
        if (await store.GetCurrentVersionAsync(ct) is not { } newest)
        {
            return [];
        }

        if (_versions is { } cached && cached.NewestId == newest.Id)
        {
            return cached.Records;
        }

        var records = await store.GetVersionsAsync(newest.PlanId, ct);
        _versions = new VersionList(newest.Id, records);
        return records;
    }

    /// <summary>Forgets what was read, for a publish in this process (or a store rewritten under the same version ids).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _current = null;
        _versions = null;
        _views.Clear();
    }

    private async Task<PlanVersion?> ServedVersionAsync(CancellationToken ct) =>
        await store.GetVersionInForceAsync(Today, ct) ?? await store.GetCurrentVersionAsync(ct);

    /// <summary>
    /// A version's view, read once however many requests ask at the same time. The read is not bound to any one
    /// request: a layer of ten million rows takes a while to count and measure, and a client that gives up (or a
    /// load balancer's timeout) must not cancel the read that every other request is waiting for, so that it starts
    /// again from nothing. A read that fails is forgotten, and the next request tries again.
    /// </summary>
    private async Task<PlanView> ViewAsync(PlanVersion version, CancellationToken ct)
    {
        if (_views.TryGetValue(version.Id, out var cached))
        {
            return cached;
        }

        var reading = _reading.GetOrAdd(version.Id, _ => new Lazy<Task<PlanView>>(() => ReadViewAsync(version, CancellationToken.None)));
        try
        {
            return await reading.Value.WaitAsync(ct);
        }
        finally
        {
            if (reading.Value.IsCompleted)
            {
                _reading.TryRemove(KeyValuePair.Create(version.Id, reading));
            }
        }
    }

    private async Task<PlanView> ReadViewAsync(PlanVersion version, CancellationToken ct)
    {
        await Task.Yield();   // the caller's thread goes back to waiting (with its own cancellation), not to reading
        var plan = await store.GetPlanAsync(version.PlanId, ct)
            ?? throw new StoreException($"version {version.Id} refers to plan {version.PlanId}, which is missing");
        var layers = await store.GetLayersAsync(version, ct);
        var withFeatures = await store.GetLayerStatsAsync(version, ct);
        var stats = layers.ToDictionary(layer => layer.Id, layer => withFeatures.GetValueOrDefault(layer.Id) ?? LayerStats.None, StringComparer.Ordinal);
        var view = new PlanView(plan, version, layers, stats);
        if (_views.Count >= MaxViews)
        {
            _views.Clear();
        }

        return _views.GetOrAdd(version.Id, view);
    }

    private sealed record VersionList(string NewestId, IReadOnlyList<VersionRecord> Records);
}
