using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Cases;

/// <summary>How a case is shown to one caller: the stored case, its version, and per task whether it is due soon, overdue and decidable by the caller.</summary>
internal static class CaseViews
{
    public static JsonObject Full(StoredCase stored, Actor viewer, ApprovalRules rules, DateTimeOffset now)
    {
        var file = stored.File;
        var view = JsonSerializer.SerializeToNode(file, CaseJson.Options)!.AsObject();
        view["version"] = stored.Version;
        view["revision"] = file.Revision;
        view["closed"] = file.IsClosed;
        var tasks = view["tasks"]!.AsArray();
        for (var i = 0; i < file.Tasks.Count; i++)
        {
            var task = file.Tasks[i];
            var node = tasks[i]!.AsObject();
            node["current"] = task.Revision == file.Revision;
            node["dueSoon"] = CaseWorkflow.IsDueSoon(task, rules, now);
            node["overdue"] = CaseWorkflow.IsOverdue(task, now);
            node["youMayDecide"] = !file.IsClosed && task.Revision == file.Revision && task.Status == ReviewStatus.Open && CaseWorkflow.CanDecide(viewer, task);
        }

        view["youMay"] = new JsonArray([.. Actions(file, viewer, rules).Select(a => (JsonNode)a)]);
        return view;
    }

    /// <summary>A line of a list: enough for an inbox or a proponent's list without the footprints.</summary>
    public static JsonObject Summary(StoredCase stored, Actor viewer, ApprovalRules rules, DateTimeOffset now)
    {
        var file = stored.File;
        var mine = file.OpenTasks.Where(t => CaseWorkflow.CanDecide(viewer, t)).ToList();
        return new JsonObject
        {
            ["id"] = file.Id,
            ["title"] = file.Title,
            ["proponent"] = file.Proponent,
            ["category"] = file.Category,
            ["status"] = CaseWorkflow.Wire(file.Status),
            ["revision"] = file.Revision,
            ["verdict"] = file.Current.Verdict,
            ["provinces"] = new JsonArray([.. file.Current.Provinces.Select(p => (JsonNode)p)]),
            ["openedAt"] = file.OpenedAt,
            ["updatedAt"] = file.UpdatedAt,
            ["version"] = stored.Version,
            ["openTasks"] = file.OpenTasks.Count(),
            ["tasksForYou"] = new JsonArray([.. mine.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id,
                ["title"] = t.Title,
                ["dueAt"] = t.DueAt,
                ["dueSoon"] = CaseWorkflow.IsDueSoon(t, rules, now),
                ["overdue"] = CaseWorkflow.IsOverdue(t, now),
                ["escalated"] = t.Escalated,
            })]),
        };
    }

    private static IEnumerable<string> Actions(CaseFile file, Actor viewer, ApprovalRules rules)
    {
        if (file.OpenTasks.Any(t => CaseWorkflow.CanDecide(viewer, t)))
        {
            yield return "decide";
        }

        if (viewer.Is(Role.CoordinationOffice) && rules.OverrideByCoordination && CaseStateMachine.Allows(file.Status, CaseTrigger.Override))
        {
            yield return "override";
        }

        if (viewer.Is(Role.Proponent) && viewer.Name == file.Proponent)
        {
            if (CaseStateMachine.Allows(file.Status, CaseTrigger.Revise))
            {
                yield return "revise";
            }

            if (CaseStateMachine.Allows(file.Status, CaseTrigger.Withdraw))
            {
                yield return "withdraw";
            }
        }
    }
}
