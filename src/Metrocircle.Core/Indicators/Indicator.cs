using Metrocircle.Core.Model;

namespace Metrocircle.Core.Indicators;

/// <summary>How a target binds: stay at or below, stay at or above, or reach a value by the milestone.</summary>
public enum Direction
{
    /// <summary>Stay at or below the target (population ceiling, construction land).</summary>
    Cap,

    /// <summary>Stay at or above the target (ecological area share).</summary>
    Floor,

    /// <summary>Reach the target by the milestone year (rail length).</summary>
    Target,
}

/// <summary>
/// A target value for one scope and milestone year, with where it comes from. A scope that is not a jurisdiction (a
/// named scope such as a city's central districts) says which jurisdiction it lies <paramref name="Within"/> and what
/// it is called, so filters by jurisdiction and labels work without reading meaning into its id.
/// </summary>
public sealed record IndicatorTarget(string Scope, int Year, double Value, string Source, Certainty Certainty, string? Note = null,
    string? Within = null, string? ScopeNameEn = null, string? ScopeNameZh = null);

/// <summary>One observed value of an indicator for a scope and year.</summary>
public sealed record Observation(string IndicatorId, string Scope, int Year, double Value, string Source);

/// <summary>
/// An indicator of the plan's phased goals: what is measured, in which unit, which way is good, at which scope
/// level, the targets the sources give (none are invented: a target the sources do not state stays absent), and the
/// strategic role it serves (absent in versions stored before roles existed).
/// </summary>
public sealed record Indicator(
    string Id,
    string NameZh,
    string NameEn,
    string Unit,
    Direction Direction,
    string ScopeLevel,
    IReadOnlyList<IndicatorTarget> Targets,
    double? Minimum = null,
    double? Maximum = null,
    string? Role = null);
