using System.Collections.Concurrent;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Plan;

/// <summary>The plan version being served, its layers and their statistics, read once and kept until invalidated.</summary>
public sealed record PlanView(Core.Model.Plan Plan, PlanVersion Version, IReadOnlyList<PlanLayer> Layers, IReadOnlyDictionary<string, LayerStats> Stats)
{
    public PlanLayer? Layer(string id) => Layers.FirstOrDefault(l => l.Id == id);
}

/// <summary>Caches the current <see cref="PlanView"/>; a publish calls <see cref="Invalidate"/>.</summary>
public sealed class PlanCatalog(IPlanStore store)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile PlanView? _current;

    public IPlanStore Store => store;

    /// <summary>The plan being served, or null when the store holds none yet.</summary>
    public async Task<PlanView?> GetAsync(CancellationToken ct)
    {
        if (_current is { } view)
        {
            return view;
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
            var layers = await store.GetLayersAsync(version.Id, ct);
            var stats = new ConcurrentDictionary<string, LayerStats>(StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                stats[layer.Id] = await store.GetLayerStatsAsync(version.Id, layer.Id, ct);
            }

            _current = new PlanView(plan, version, layers, stats);
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;
}
