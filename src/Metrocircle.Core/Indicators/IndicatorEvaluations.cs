namespace Metrocircle.Core.Indicators;

/// <summary>Evaluates a whole catalogue against its observations, and picks the warnings out of the result.</summary>
public static class IndicatorEvaluations
{
    /// <summary>
    /// One evaluation per indicator, target scope and milestone, from the observations up to <paramref name="upToYear"/>
    /// (all when null): the health check of a year judges with what was known in that year.
    /// </summary>
    public static IReadOnlyList<Evaluation> EvaluateAll(IEnumerable<Indicator> indicators, IReadOnlyList<Observation> observations, int? upToYear = null)
    {
        var known = upToYear is { } y ? observations.Where(o => o.Year <= y).ToList() : observations;
        var byIndicator = known.GroupBy(o => o.IndicatorId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return [.. from indicator in indicators
                   from target in indicator.Targets.OrderBy(t => t.Scope, StringComparer.Ordinal).ThenBy(t => t.Year)
                   select TrajectoryEvaluator.Evaluate(indicator, target, byIndicator.GetValueOrDefault(indicator.Id) ?? [])];
    }

    public static bool IsWarning(Evaluation e) => e.Status is TrajectoryStatus.AtRisk or TrajectoryStatus.OffTrack;

    /// <summary>
    /// At-risk and off-track evaluations, newest evidence first (latest observed year), then off-track before at-risk.
    /// A jurisdiction matches its own scope and every scope inside it (<see cref="ScopePlaces.ContainersOf"/>: its
    /// counties, and named scopes declared within it); without <paramref name="places"/> only its own scope matches.
    /// </summary>
    public static IReadOnlyList<Evaluation> Warnings(IEnumerable<Evaluation> evaluations, string? jurisdiction = null, ScopePlaces? places = null) =>
        [.. evaluations.Where(IsWarning)
            .Where(e => jurisdiction is null || e.Scope == jurisdiction || (places?.ContainersOf(e.Scope).Contains(jurisdiction, StringComparer.Ordinal) ?? false))
            .OrderByDescending(e => e.LatestYear)
            .ThenByDescending(e => e.Status)
            .ThenBy(e => e.IndicatorId, StringComparer.Ordinal)
            .ThenBy(e => e.Scope, StringComparer.Ordinal)
            .ThenBy(e => e.MilestoneYear)];

    /// <summary>The status as it is written in JSON and reports.</summary>
    public static string Name(TrajectoryStatus status) => status switch
    {
        TrajectoryStatus.OnTrack => "on-track",
        TrajectoryStatus.AtRisk => "at-risk",
        TrajectoryStatus.OffTrack => "off-track",
        _ => "insufficient",
    };

    public static string Name(Direction direction) => direction switch
    {
        Direction.Cap => "cap",
        Direction.Floor => "floor",
        _ => "target",
    };
}
