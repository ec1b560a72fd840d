using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Model;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>The JSON shapes of tasks, milestones, progress updates and warnings, one place so that every endpoint writes them alike.</summary>
internal static class TaskJson
{
    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static JsonObject Summary(TaskEvaluation e) => new()
    {
        ["id"] = e.Task.Id,
        ["nameZh"] = e.Task.NameZh,
        ["nameEn"] = e.Task.NameEn,
        ["dimension"] = TaskDimensions.Name(e.Task.Dimension),
        ["lead"] = e.Task.Lead,
        ["supporting"] = new JsonArray([.. e.Task.Supporting.Select(s => (JsonNode)s)]),
        ["status"] = TaskEvaluator.Name(e.State),
        ["percent"] = e.Percent,
        ["blocked"] = e.Blocked,
        ["milestones"] = new JsonArray([.. e.Milestones.Select(m => (JsonNode)Milestone(m))]),
        ["lastUpdate"] = e.LastUpdate is { } u ? Update(u) : null,
        ["certainty"] = Provenance.ToText(e.Task.Provenance.Certainty),
        ["source"] = e.Task.Provenance.Source,
        ["basis"] = e.Task.Provenance.Basis,
    };

    public static JsonObject Detail(TaskEvaluation e, string baseUrl)
    {
        var json = Summary(e);
        json["description"] = e.Task.Description;
        json["places"] = new JsonArray([.. e.Task.Places.Select(p => (JsonNode)new JsonObject
        {
            ["layer"] = p.Layer,
            ["featureId"] = p.FeatureId,
            ["href"] = $"{baseUrl}/collections/{Uri.EscapeDataString(p.Layer)}/items/{Uri.EscapeDataString(p.FeatureId)}",
        })]);
        json["indicators"] = new JsonArray([.. e.Task.Indicators.Select(i => (JsonNode)new JsonObject { ["id"] = i, ["href"] = $"{baseUrl}/indicators/{Uri.EscapeDataString(i)}" })]);
        json["articles"] = new JsonArray([.. e.Task.Articles.Select(a => (JsonNode)a)]);
        json["timeline"] = new JsonArray([.. e.Timeline.Select(u => (JsonNode)Update(u))]);
        return json;
    }

    public static JsonObject Milestone(MilestoneEvaluation m) => new()
    {
        ["id"] = m.Milestone.Id,
        ["title"] = m.Milestone.Title,
        ["due"] = m.Milestone.Due is { } due ? Day(due) : null,
        ["dueCertainty"] = m.Milestone.Due is null ? null : Provenance.ToText(m.Milestone.DueCertainty),
        ["dueBasis"] = m.Milestone.DueBasis,
        ["status"] = TaskEvaluator.Name(m.State),
        ["daysOverdue"] = m.State == MilestoneState.Overdue ? m.DaysOverdue : null,
        ["doneLate"] = m.State == MilestoneState.Done ? m.DoneLate : null,
    };

    public static JsonObject Update(ProgressUpdate u) => new()
    {
        ["sequence"] = u.Sequence,
        ["task"] = u.TaskId,
        ["milestone"] = u.MilestoneId,
        ["at"] = Day(u.At),
        ["actor"] = u.Actor,
        ["status"] = ProgressStatuses.Name(u.Status),
        ["percent"] = u.Percent,
        ["note"] = u.Note,
        ["evidence"] = new JsonArray([.. u.Evidence.Select(x => (JsonNode)x)]),
        ["recordedAt"] = u.RecordedAt == default ? null : u.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    public static JsonObject Warning(OverdueWarning w) => new()
    {
        ["task"] = w.Task.Id,
        ["taskNameEn"] = w.Task.NameEn,
        ["dimension"] = TaskDimensions.Name(w.Task.Dimension),
        ["lead"] = w.Task.Lead,
        ["supporting"] = new JsonArray([.. w.Task.Supporting.Select(s => (JsonNode)s)]),
        ["milestone"] = w.Milestone.Id,
        ["title"] = w.Milestone.Title,
        ["due"] = Day(w.Due),
        ["dueCertainty"] = Provenance.ToText(w.Milestone.DueCertainty),
        ["daysOverdue"] = w.DaysOverdue,
        ["message"] = w.Message,
    };
}
