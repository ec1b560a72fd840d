using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Model;

/// <summary>
/// The jurisdictions of one plan version (the features of its <c>jurisdiction</c> layers): level, parent, and the
/// former id each may carry (property <c>formerId</c>, the id before ids became administrative codes). An input that
/// names a former id resolves to the current id for as long as the version in force carries it; answers carry the
/// current id.
/// </summary>
public sealed class JurisdictionIndex
{
    private readonly Dictionary<string, (string Layer, string? Level, string? Parent, string? NameEn, string? NameZh)> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byFormer = new(StringComparer.Ordinal);

    public static JurisdictionIndex Empty { get; } = new([]);

    public JurisdictionIndex(IEnumerable<PlanFeature> features)
    {
        foreach (var f in features)
        {
            _byId[f.Id] = (f.LayerId, Text(f, "level"), Text(f, "parent"), Text(f, "nameEn"), Text(f, "nameZh") ?? Text(f, "name"));
            if (Text(f, "formerId") is { } former && former != f.Id)
            {
                _byFormer[former] = f.Id;
            }
        }
    }

    private static string? Text(PlanFeature f, string property) =>
        f.Properties[property] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static async Task<JurisdictionIndex> LoadAsync(IPlanStore store, string versionId, IEnumerable<PlanLayer> layers, CancellationToken ct)
    {
        var features = new List<PlanFeature>();
        foreach (var layer in layers.Where(l => l.Kind == LayerKinds.Jurisdiction))
        {
            await foreach (var f in store.StreamFeaturesAsync(versionId, layer.Id, ct))
            {
                features.Add(f with { Geometry = null });
            }
        }

        return new JurisdictionIndex(features);
    }

    /// <summary>Former id → current id, for the change note.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _byFormer;

    /// <summary>The current id of <paramref name="id"/>: itself when it is current or unknown, its successor when it is a former id.</summary>
    public string Resolve(string id) => _byId.ContainsKey(id) ? id : _byFormer.GetValueOrDefault(id, id);

    /// <summary>Resolves an optional id (null stays null).</summary>
    public string? ResolveOptional(string? id) => id is null ? null : Resolve(id);

    public bool Contains(string id) => _byId.ContainsKey(Resolve(id));

    /// <summary>The layer (provinces, cities, counties) a jurisdiction is a feature of, or null.</summary>
    public string? LayerOf(string id) => _byId.TryGetValue(Resolve(id), out var e) ? e.Layer : null;

    /// <summary>The level (province, city, county) of a jurisdiction, or null.</summary>
    public string? LevelOf(string id) => _byId.TryGetValue(Resolve(id), out var e) ? e.Level : null;

    /// <summary>The English and Chinese names of a jurisdiction (null where the plan gives none, or the id is unknown).</summary>
    public (string? En, string? Zh) NamesOf(string id) => _byId.TryGetValue(Resolve(id), out var e) ? (e.NameEn, e.NameZh) : (null, null);

    /// <summary>The jurisdictions that contain <paramref name="id"/>, nearest first.</summary>
    public IReadOnlyList<string> ParentsOf(string id)
    {
        var result = new List<string>();
        for (var j = Resolve(id); _byId.TryGetValue(j, out var e) && e.Parent is { } p && !result.Contains(p); j = p)
        {
            result.Add(p);
        }

        return result;
    }

    /// <summary>The jurisdictions whose parent is <paramref name="id"/> (a city's counties).</summary>
    public IReadOnlyList<string> ChildrenOf(string id)
    {
        var current = Resolve(id);
        return [.. _byId.Where(kv => kv.Value.Parent == current).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>Ids of the given layers, in ordinal order.</summary>
    public IEnumerable<string> IdsOf(params string[] layers) =>
        _byId.Where(kv => layers.Contains(kv.Value.Layer, StringComparer.Ordinal)).Select(kv => kv.Key).Order(StringComparer.Ordinal);
}
