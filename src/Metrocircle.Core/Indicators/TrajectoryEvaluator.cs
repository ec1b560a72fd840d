using System.Globalization;

namespace Metrocircle.Core.Indicators;

/// <summary>Where an indicator stands against one milestone.</summary>
public enum TrajectoryStatus
{
    OnTrack,
    AtRisk,
    OffTrack,

    /// <summary>Too few observations to fit a trend.</summary>
    Insufficient,
}

/// <summary>The judgement of one indicator, scope and milestone, with the projection and a reason a person can read.</summary>
public sealed record Evaluation(
    string IndicatorId,
    string Scope,
    int MilestoneYear,
    double TargetValue,
    TrajectoryStatus Status,
    double? Projected,
    double? SlopePerYear,
    int? CrossingYear,
    int LatestYear,
    double? LatestValue,
    string Reason);

/// <summary>
/// Fits a straight line to an indicator's observations (least squares over year), projects it to each milestone
/// and classifies the result. A line is the honest default for a handful of annual points; the reason always shows
/// the numbers so a planner can disagree with it.
/// </summary>
public static class TrajectoryEvaluator
{
    /// <summary>Fewer points than this cannot show a trend.</summary>
    public const int MinimumPoints = 3;

    /// <summary>Within this share of the target (of the remaining distance, for a target to reach) a projection is "at risk".</summary>
    public const double RiskMargin = 0.05;

    public static Evaluation Evaluate(Indicator indicator, IndicatorTarget target, IReadOnlyList<Observation> observations)
    {
        var points = observations.Where(o => o.IndicatorId == indicator.Id && o.Scope == target.Scope)
            .OrderBy(o => o.Year).ToList();
        var latest = points.Count > 0 ? points[^1] : null;
        if (points.Count < MinimumPoints)
        {
            return new Evaluation(indicator.Id, target.Scope, target.Year, target.Value, TrajectoryStatus.Insufficient, null, null, null,
                latest?.Year ?? 0, latest?.Value,
                $"{points.Count} observation{(points.Count == 1 ? "" : "s")}; at least {MinimumPoints} are needed to judge a trend.");
        }

        var (slope, intercept) = Fit(points);
        var projected = (slope * target.Year) + intercept;
        int? crossing = Math.Abs(slope) < 1e-12 ? null : (int)Math.Ceiling((target.Value - intercept) / slope);
        string F(double v) => v.ToString(Math.Abs(v) >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture);
        var trend = $"trend {(slope >= 0 ? "+" : "")}{F(slope)} {indicator.Unit}/year from {points.Count} observations ({points[0].Year}–{latest!.Year})";
        var unit = indicator.Unit;

        TrajectoryStatus status;
        string reason;
        switch (indicator.Direction)
        {
            case Direction.Cap:
                if (latest.Value > target.Value)
                {
                    (status, reason) = (TrajectoryStatus.OffTrack, $"already above the cap of {F(target.Value)} {unit} ({F(latest.Value)} in {latest.Year}).");
                }
                else if (projected > target.Value)
                {
                    var year = crossing is { } c && c > latest.Year ? c : target.Year;
                    (status, reason) = (TrajectoryStatus.OffTrack, $"projected to exceed the cap of {F(target.Value)} {unit} in {year}, reaching {F(projected)} by {target.Year}; {trend}.");
                    crossing = year;
                }
                else if (projected > target.Value * (1 - RiskMargin))
                {
                    (status, reason) = (TrajectoryStatus.AtRisk, $"projected {F(projected)} {unit} in {target.Year}, within {RiskMargin:P0} of the cap of {F(target.Value)}; {trend}.");
                }
                else
                {
                    (status, reason) = (TrajectoryStatus.OnTrack, $"projected {F(projected)} {unit} in {target.Year}, below the cap of {F(target.Value)}; {trend}.");
                }

                break;
            case Direction.Floor:
                if (latest.Value < target.Value)
                {
                    (status, reason) = (TrajectoryStatus.OffTrack, $"already below the floor of {F(target.Value)} {unit} ({F(latest.Value)} in {latest.Year}).");
                }
                else if (projected < target.Value)
                {
                    var year = crossing is { } c && c > latest.Year ? c : target.Year;
                    (status, reason) = (TrajectoryStatus.OffTrack, $"projected to fall below the floor of {F(target.Value)} {unit} in {year}, reaching {F(projected)} by {target.Year}; {trend}.");
                    crossing = year;
                }
                else if (projected < target.Value * (1 + RiskMargin))
                {
                    (status, reason) = (TrajectoryStatus.AtRisk, $"projected {F(projected)} {unit} in {target.Year}, within {RiskMargin:P0} of the floor of {F(target.Value)}; {trend}.");
                }
                else
                {
                    (status, reason) = (TrajectoryStatus.OnTrack, $"projected {F(projected)} {unit} in {target.Year}, above the floor of {F(target.Value)}; {trend}.");
                }

                break;
            default:
                var needed = target.Value - latest.Value;
                if (Math.Abs(needed) < 1e-12 || (needed > 0 ? latest.Value >= target.Value : latest.Value <= target.Value))
                {
                    (status, reason) = (TrajectoryStatus.OnTrack, $"target of {F(target.Value)} {unit} already reached ({F(latest.Value)} in {latest.Year}).");
                    crossing = latest.Year;
                    break;
                }

                var gained = projected - latest.Value;
                var fraction = gained / needed;
                if (fraction >= 1)
                {
                    var year = Math.Max(latest.Year, crossing ?? target.Year);
                    var early = target.Year - year;
                    (status, reason) = (TrajectoryStatus.OnTrack, $"projected to reach {F(target.Value)} {unit} in {year}{(early > 0 ? $", {early} year{(early == 1 ? "" : "s")} before {target.Year}" : "")}; {trend}.");
                    crossing = year;
                }
                else if (fraction >= 1 - (RiskMargin * 2))
                {
                    (status, reason) = (TrajectoryStatus.AtRisk, $"projected {F(projected)} {unit} in {target.Year}, {fraction:P0} of the way to {F(target.Value)}; {trend}.");
                    crossing = null;
                }
                else
                {
                    (status, reason) = (TrajectoryStatus.OffTrack, $"projected {F(projected)} {unit} in {target.Year}, only {Math.Max(0, fraction):P0} of the way to {F(target.Value)}; {trend}.");
                    crossing = null;
                }

                break;
        }

        return new Evaluation(indicator.Id, target.Scope, target.Year, target.Value, status, Math.Round(projected, 6), Math.Round(slope, 9),
            crossing, latest.Year, latest.Value, reason);
    }

    /// <summary>Ordinary least squares of value on year; years are centred to keep the sums well conditioned.</summary>
    public static (double Slope, double Intercept) Fit(IReadOnlyList<Observation> points)
    {
        var meanX = points.Average(p => (double)p.Year);
        var meanY = points.Average(p => p.Value);
        double sxy = 0, sxx = 0;
        foreach (var p in points)
        {
            sxy += (p.Year - meanX) * (p.Value - meanY);
            sxx += (p.Year - meanX) * (p.Year - meanX);
        }

        var slope = sxx == 0 ? 0 : sxy / sxx;
        return (slope, meanY - (slope * meanX));
    }
}
