using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Plan;

/// <summary>The plan version being served, its layers and their statistics, read once and kept until invalidated.</summary>
public sealed record PlanView(Core.Model.Plan Plan, PlanVersion Version, IReadOnlyList<PlanLayer> Layers, IReadOnlyDictionary<string, LayerStats> Stats)
{
    public PlanLayer? Layer(string id) => Layers.FirstOrDefault(l => l.Id == id);
}

/// <summary>
/// Caches the current <see cref="PlanView"/>. A publish in this process calls <see cref="Invalidate"/>; a publish by
/// another instance on the same database is noticed by re-reading the current version id at most once per
/// <see cref="RecheckInterval"/>, so several stateless instances never serve a stale version for longer than that.
/// </summary>
public sealed class PlanCatalog(IPlanStore store, TimeProvider time)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile PlanView? _current;
    private long _checkedAt;

    public PlanCatalog(IPlanStore store)
        : this(store, TimeProvider.System)
    {
    }

    public IPlanStore Store => store;

    /// <summary>The plan being served, or null when the store holds none yet.</summary>
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

            var newest = await store.GetCurrentVersionAsync(ct);
            if (newest?.Id == view.Version.Id)
            {
                return view;
            }

            Invalidate();
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again)
            {
                return again;
            }

            var version = await store.GetCurrentVersionAsync(ct);
            if (version is null)
            {
                return null;
            }

            var plan = await store.GetPlanAsync(version.PlanId, ct)
                ?? throw new StoreException($"version {version.Id} refers to plan {version.PlanId}, which is missing");
            var layers = await store.GetLayersAsync(version, ct);
            var withFeatures = await store.GetLayerStatsAsync(version, ct);
            var stats = layers.ToDictionary(layer => layer.Id, layer => withFeatures.GetValueOrDefault(layer.Id) ?? LayerStats.None, StringComparer.Ordinal);

            _current = new PlanView(plan, version, layers, stats);
            Interlocked.Exchange(ref _checkedAt, time.GetTimestamp());
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;
}
