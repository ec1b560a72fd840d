using System.Text.Json.Nodes;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>The JSON shapes of indicators, targets and evaluations, one place so that every endpoint writes them alike.</summary>
internal static class IndicatorJson
{
    public static JsonObject Indicator(Indicator i, ComputedSpec? computed) => new()
    {
        ["id"] = i.Id,
        ["nameZh"] = i.NameZh,
        ["nameEn"] = i.NameEn,
        ["unit"] = i.Unit,
        ["direction"] = IndicatorEvaluations.Name(i.Direction),
        ["scopeLevel"] = i.ScopeLevel,
        ["minimum"] = i.Minimum,
        ["maximum"] = i.Maximum,
        ["computed"] = computed is null ? null : new JsonObject { ["method"] = computed.Method, ["layerKind"] = computed.LayerKind, ["scopeLayer"] = computed.ScopeLayer },
        ["targets"] = new JsonArray([.. i.Targets.Select(t => (JsonNode)new JsonObject
        {
            ["scope"] = t.Scope,
            ["year"] = t.Year,
            ["value"] = t.Value,
            ["source"] = t.Source,
            ["certainty"] = Provenance.ToText(t.Certainty),
            ["note"] = t.Note,
        })]),
    };

    public static JsonObject Evaluation(Evaluation e) => new()
    {
        ["indicator"] = e.IndicatorId,
        ["scope"] = e.Scope,
        ["milestone"] = e.MilestoneYear,
        ["target"] = e.TargetValue,
        ["status"] = IndicatorEvaluations.Name(e.Status),
        ["projected"] = e.Projected,
        ["slopePerYear"] = e.SlopePerYear,
        ["crossingYear"] = e.CrossingYear,
        ["latestYear"] = e.LatestYear == 0 ? null : e.LatestYear,
        ["latestValue"] = e.LatestValue,
        ["reason"] = e.Reason,
    };

    public static JsonArray Evaluations(IEnumerable<Evaluation> evaluations) => new([.. evaluations.Select(e => (JsonNode)Evaluation(e))]);
}
