using Metrocircle.Core.Model;

namespace Metrocircle.Core.Indicators;

/// <summary>A scope as readers see it: its names and the jurisdictions that contain it, nearest first.</summary>
public sealed record ScopePlace(string Id, string? NameEn, string? NameZh, IReadOnlyList<string> Within);

/// <summary>
/// Where the scopes of a plan's indicators lie. A jurisdiction's containers come from the plan's jurisdiction layers
/// (a county's city and province); a named scope's come from the jurisdiction its targets declare it
/// <c>within</c>, then that one's containers. Nothing is read from the shape of an id.
/// </summary>
public sealed class ScopePlaces
{
    private readonly JurisdictionIndex _jurisdictions;
    private readonly Dictionary<string, IndicatorTarget> _named = new(StringComparer.Ordinal);

    public ScopePlaces(JurisdictionIndex jurisdictions, IEnumerable<Indicator> indicators)
    {
        _jurisdictions = jurisdictions;
        foreach (var target in indicators.SelectMany(i => i.Targets).Where(t => !jurisdictions.Contains(t.Scope)))
        {
            // The first target naming the scope with a container or a name describes it; later ones may only add.
            if (!_named.TryGetValue(target.Scope, out var known) || (known.Within is null && target.Within is not null))
            {
                _named[target.Scope] = target;
            }
        }
    }

    /// <summary>The jurisdictions containing <paramref name="scope"/>, nearest first (empty for a top-level or unknown scope).</summary>
    public IReadOnlyList<string> ContainersOf(string scope)
    {
        if (_jurisdictions.Contains(scope))
        {
            return _jurisdictions.ParentsOf(scope);
        }

        if (_named.GetValueOrDefault(scope)?.Within is not { } within)
        {
            return [];
        }

        var id = _jurisdictions.Resolve(within);
        return [id, .. _jurisdictions.ParentsOf(id)];
    }

    /// <summary>The scope with its names (a jurisdiction's from the plan, a named scope's from its target) and containers.</summary>
    public ScopePlace Describe(string scope)
    {
        var (en, zh) = _jurisdictions.Contains(scope)
            ? _jurisdictions.NamesOf(scope)
            : (_named.GetValueOrDefault(scope)?.ScopeNameEn, _named.GetValueOrDefault(scope)?.ScopeNameZh);
        return new ScopePlace(scope, en, zh, ContainersOf(scope));
    }
}
