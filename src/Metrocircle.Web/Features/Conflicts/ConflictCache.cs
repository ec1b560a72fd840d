using System.Text.Json.Nodes;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Plan;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>
/// The conflict patches of one plan version as served: the detected ones and those the amendment that made the version
/// resolved, as Features in lon/lat with their boxes. Immutable; the office's acceptances, which change without a new
/// version, are laid over it per read (<see cref="WithAcceptances"/>).
/// </summary>
public sealed class ConflictSet
{
    private readonly Envelope[] _boxes;
    private readonly Geometry[] _lonLat;
    private readonly Dictionary<string, int> _index;
    private (string Key, TileSnapshot Tiles)? _tiles;

    public ConflictSet(PlanVersion version, ConflictHistory history, Core.Spatial.EqualAreaProjection projection)
    {
        Version = version;
        History = history;
        Patches = history.WithStatus([]);
        _lonLat = [.. Patches.Select(p => projection.Unproject(p.Metric))];
        _boxes = [.. _lonLat.Select(g => g.EnvelopeInternal)];
        Features = [.. Patches.Select((p, i) => ConflictFeature.From(p, _lonLat[i], version.Id))];
        _index = Features.Select((f, i) => (f.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var box in _boxes)
        {
            Extent ??= new Envelope(box);
            Extent.ExpandToInclude(box);
        }
    }

    public PlanVersion Version { get; }

    public ConflictHistory History { get; }

    /// <summary>The patches as detected (open, exempt) and resolved, without the office's acceptances.</summary>
    public IReadOnlyList<ConflictPatch> Patches { get; }

    /// <summary><see cref="Patches"/> as Features, in the same order.</summary>
    public IReadOnlyList<ConflictFeature> Features { get; }

    /// <summary>The lon/lat box of every patch; null when there is none.</summary>
    public Envelope? Extent { get; }

    /// <summary>Whether the patch with this id is one of the version's current (not resolved) patches.</summary>
    public ConflictPatch? Current(string id) =>
        _index.TryGetValue(id, out var i) && Patches[i].Status is ConflictStatus.Open or ConflictStatus.Exempt ? Patches[i] : null;

    /// <summary>The Features with every acceptance laid over the open patch it names.</summary>
    public IReadOnlyList<ConflictFeature> WithAcceptances(IReadOnlyList<ConflictAcceptance> acceptances)
    {
        if (acceptances.Count == 0)
        {
            return Features;
        }

        var result = Features.ToArray();
        foreach (var a in acceptances)
        {
            if (_index.TryGetValue(a.PatchId, out var i) && Patches[i].Status == ConflictStatus.Open)
            {
                result[i] = result[i].WithStatus(ConflictStatus.Accepted, a.Reason);
            }
        }

        return result;
    }

    /// <summary>The index of each Feature whose lon/lat box meets <paramref name="bbox"/>, in order.</summary>
    public IEnumerable<int> Within(Envelope? bbox) => Enumerable.Range(0, Features.Count).Where(i => bbox is null || _boxes[i].Intersects(bbox));

    /// <summary>A vector-tile snapshot of the patches with these statuses, rebuilt only when the acceptances change.</summary>
    public TileSnapshot Tiles(IReadOnlyList<ConflictFeature> features)
    {
        var key = string.Join('\n', features.Select(f => f.Properties.Status));
        if (_tiles is { } cached && cached.Key == key)
        {
            return cached.Tiles;
        }

        var provenance = new Provenance("Metrocircle conflict detection", Certainty.Indicative, "computed from the plan's layers by its conflict rules");
        var snapshot = TileSnapshot.Build(ConflictsApi.CollectionId, features.Select((f, i) => new PlanFeature(ConflictsApi.CollectionId, f.Id, _lonLat[i], TileProperties(f.Properties), provenance)), f => f.Properties);
        _tiles = (key, snapshot);
        return snapshot;
    }

    private static JsonObject TileProperties(ConflictProperties p)
    {
        var o = new JsonObject
        {
            ["rule"] = p.Rule, ["severity"] = p.Severity, ["status"] = p.Status, ["layerA"] = p.LayerA, ["featureA"] = p.FeatureA, ["layerB"] = p.LayerB, ["featureB"] = p.FeatureB,
        };
        if (p.County is { } county)
        {
            o["county"] = county;
        }

        if (p.AreaM2 is { } area)
        {
            o["areaM2"] = area;
        }

        if (p.LengthM is { } length)
        {
            o["lengthM"] = length;
        }

        return o;
    }
}

/// <summary>
/// The conflict patches of plan versions: computed once per version on the first request that needs them (the one in
/// force, or one a read names), so a publish recomputes them. At most two versions are kept, like the snapshots.
/// </summary>
public sealed class ConflictCache(SnapshotCache snapshots, PlanCatalog catalog)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ConflictSet[] _built = [];

    /// <summary>The patches of the version in force, or null when the store holds no plan.</summary>
    public async Task<ConflictSet?> GetAsync(CancellationToken ct) =>
        await catalog.GetAsync(ct) is { } view ? await GetAsync(view, ct) : null;

    /// <summary>The patches of a version; a malformed rule throws <see cref="FormatException"/> naming it.</summary>
    public async Task<ConflictSet> GetAsync(PlanView view, CancellationToken ct)
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

            var snapshot = await snapshots.GetAsync(view, ct);
            var history = await ConflictHistory.LoadAsync(catalog.Store, snapshot, async (before, token) =>
                await snapshots.GetAsync(await catalog.GetVersionAsync(before.Id, token) ?? throw new InvalidOperationException($"version {before.Id} vanished"), token), ct);
            var set = new ConflictSet(view.Version, history, snapshot.Projection);
            var served = catalog.Served?.Version.Id;
            _built = [set, .. _built.Where(s => s.Version.Id == served && served != set.Version.Id).Take(1)];
            return set;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The office's acceptances, read on every request: they change without a new version.</summary>
    public Task<IReadOnlyList<ConflictAcceptance>> AcceptancesAsync(CancellationToken ct) => ((IConflictStore)catalog.Store).ListConflictAcceptancesAsync(ct);

    private ConflictSet? Find(string versionId) => Array.Find(_built, s => s.Version.Id == versionId);
}
