using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Indicators;

/// <summary>
/// The indicator catalogue of one plan version with the scopes each indicator may be observed for: the ids of the
/// features of the scope layer of its level, plus the named scopes its targets use (such as <c>beijing-central</c>).
/// </summary>
public sealed class PlanIndicators
{
    /// <summary>The layer whose feature ids are the scopes of each level; "region" has no layer, only named scopes.</summary>
    public static readonly IReadOnlyDictionary<string, string> ScopeLayers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["province"] = "provinces",
        ["city"] = "cities",
        ["county"] = "counties",
        ["circle"] = "circles",
    };

    private readonly Dictionary<string, (Indicator Indicator, ComputedSpec? Computed)> _byId;
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _scopesByLevel;

    private readonly IReadOnlyDictionary<string, string> _scopeAliases;

    public PlanIndicators(PlanVersion version, IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> items, IReadOnlyDictionary<string, IReadOnlySet<string>> scopesByLevel,
        IReadOnlyDictionary<string, string>? scopeAliases = null)
    {
        _scopeAliases = scopeAliases ?? new Dictionary<string, string>();
        Version = version;
        Items = items;
        _byId = items.ToDictionary(i => i.Indicator.Id, StringComparer.Ordinal);
        _scopesByLevel = scopesByLevel;
    }

    public PlanVersion Version { get; }

    public IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> Items { get; }

    public (Indicator Indicator, ComputedSpec? Computed)? Find(string id) => _byId.TryGetValue(id, out var item) ? item : null;

    /// <summary>The current id of a scope named by its former id (property <c>formerId</c> of the scope feature); any other id unchanged.</summary>
    public string ResolveScope(string scope) => _scopeAliases.GetValueOrDefault(scope, scope);

    /// <summary>Every scope an observation of <paramref name="indicator"/> may name.</summary>
    public IReadOnlySet<string> ScopesOf(Indicator indicator)
    {
        var scopes = new SortedSet<string>(_scopesByLevel.GetValueOrDefault(indicator.ScopeLevel) ?? new HashSet<string>(), StringComparer.Ordinal);
        scopes.UnionWith(indicator.Targets.Select(t => t.Scope));
        return scopes;
    }

    /// <summary>
    /// Reads the catalogue and, when <paramref name="withScopes"/>, the scope ids of a version (only the scope layers the
    /// catalogue uses are read; a reader that does not validate scopes can skip them).
    /// </summary>
    public static async Task<PlanIndicators> LoadAsync(IPlanStore store, PlanVersion version, CancellationToken ct, bool withScopes = true)
    {
        var records = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(version.Id, IndicatorCatalog.LayerId, ct))
        {
            records.Add(f);
        }

        var items = IndicatorCatalog.Read(records);
        var scopes = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var level in items.Select(i => i.Indicator.ScopeLevel).Distinct(StringComparer.Ordinal))
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            if (withScopes && ScopeLayers.TryGetValue(level, out var layer))
            {
                await foreach (var f in store.StreamFeaturesAsync(version.Id, layer, ct))
                {
                    ids.Add(f.Id);
                    if (f.Properties["formerId"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var former) && former != f.Id)
                    {
                        aliases[former] = f.Id;
                    }
                }
            }

            scopes[level] = ids;
        }

        return new PlanIndicators(version, items, scopes, aliases);
    }
}
