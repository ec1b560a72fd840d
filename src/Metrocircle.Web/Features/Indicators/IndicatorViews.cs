using System.Text.Json.Serialization;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>A target of an indicator: the value a scope should reach by a year, from a source.</summary>
public sealed record TargetView(string Scope, int Year, double Value, string Source, string Certainty, string? Note);

/// <summary>How a milestone of one scope is judged from the line fitted through its observations.</summary>
public sealed record EvaluationView(
    string Indicator,
    string Scope,
    int Milestone,
    double Target,
    string Status,
    double? Projected,
    double? SlopePerYear,
    int? CrossingYear,
    int? LatestYear,
    double? LatestValue,
    string Reason);

/// <summary>An indicator of the catalogue with how many observations it has and its latest evaluations.</summary>
public sealed record IndicatorSummary(
    string Id,
    string NameZh,
    string NameEn,
    string Unit,
    string Direction,
    string ScopeLevel,
    double? Minimum,
    double? Maximum,
    ComputedSpec? Computed,
    IReadOnlyList<TargetView> Targets,
    int Observations,
    IReadOnlyList<EvaluationView> Evaluations,
    string? Role);

/// <summary>
/// A strategic role and how it is doing: its indicators by their worst evaluation, its tasks by state today, and the
/// same as one sentence. The id <c>unassigned</c> gathers what names no role the version defines.
/// </summary>
public sealed record RoleView(
    string Id,
    string NameZh,
    string NameEn,
    string ShortEn,
    IReadOnlyList<string> Indicators,
    int OnTrack,
    int AtRisk,
    int OffTrack,
    int Insufficient,
    int WithoutTarget,
    IReadOnlyList<string> Tasks,
    int TasksDone,
    int TasksOverdue,
    int TasksOnTrack,
    string Summary);

/// <summary>The answer of <c>GET /indicators</c>: the indicators, and the strategic roles they serve in the order the plan defines them.</summary>
public sealed record IndicatorList(string PlanVersion, IReadOnlyList<IndicatorSummary> Indicators, IReadOnlyList<RoleView> Roles);

/// <summary>An observed value of a year.</summary>
public sealed record SeriesPoint(int Year, double Value, string Source);

/// <summary>The observations of one scope, oldest first.</summary>
public sealed record Series(string Scope, IReadOnlyList<SeriesPoint> Points);

/// <summary>A value computed from the layers of the version in force.</summary>
public sealed record ComputedValue(string Scope, double Value);

/// <summary>One indicator: its series per scope, targets and evaluations, and for a computed indicator its values.</summary>
public sealed record IndicatorDetail(
    string Id,
    string NameZh,
    string NameEn,
    string Unit,
    string Direction,
    string ScopeLevel,
    double? Minimum,
    double? Maximum,
    ComputedSpec? Computed,
    IReadOnlyList<TargetView> Targets,
    string PlanVersion,
    IReadOnlyList<Series> Series,
    IReadOnlyList<EvaluationView> Evaluations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ComputedValue>? ComputedValues,
    IReadOnlyList<ScopeView> Scopes);

/// <summary>
/// A scope named in the indicator's series, targets or values: its names (null where the plan gives none) and the
/// jurisdictions that contain it, nearest first, so a client can label and filter without parsing ids.
/// </summary>
public sealed record ScopeView(string Id, string? NameEn, string? NameZh, IReadOnlyList<string> Within);

/// <summary>The answer of <c>GET /indicators/warnings</c>.</summary>
public sealed record IndicatorWarnings(string PlanVersion, string? Jurisdiction, IReadOnlyList<EvaluationView> Warnings);

/// <summary>A stored figure that an import replaced.</summary>
public sealed record ReplacedObservation(string Indicator, string Scope, int Year, double PreviousValue, string PreviousSource);

/// <summary>The answer of <c>POST /indicators/observations</c>.</summary>
public sealed record ObservationImport(string PlanVersion, int Imported, int Added, IReadOnlyList<ReplacedObservation> Replaced);

/// <summary>The wire shapes of indicators, targets and evaluations, one place so that every endpoint writes them alike.</summary>
internal static class IndicatorViews
{
    public static IReadOnlyList<TargetView> Targets(Indicator i) =>
        [.. i.Targets.Select(t => new TargetView(t.Scope, t.Year, t.Value, t.Source, Provenance.ToText(t.Certainty), t.Note))];

    public static EvaluationView Evaluation(Evaluation e) => new(e.IndicatorId, e.Scope, e.MilestoneYear, e.TargetValue, IndicatorEvaluations.Name(e.Status),
        e.Projected, e.SlopePerYear, e.CrossingYear, e.LatestYear == 0 ? null : e.LatestYear, e.LatestValue, e.Reason);

    public static IReadOnlyList<EvaluationView> Evaluations(IEnumerable<Evaluation> evaluations) => [.. evaluations.Select(Evaluation)];

    public static RoleView Role(RoleProgress r) => new(r.Role.Id, r.Role.NameZh, r.Role.NameEn, r.Role.ShortEn, r.Indicators, r.OnTrack, r.AtRisk, r.OffTrack,
        r.Insufficient, r.WithoutTarget, r.Tasks, r.TasksDone, r.TasksOverdue, r.TasksOnTrack, r.Summary);
}
