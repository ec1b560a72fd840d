using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Accounts;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>
/// The balance sheet of a change set against its base version: the plan's balance rules (its <c>balance-rules</c>
/// record layer) evaluated over the base features of every layer a rule concerns, areas attributed to the provinces
/// (the jurisdiction layer with the fewest features), in the plan's equal-area projection. Served as
/// <c>{"ok", "unit", "rules": [{"id", "ok", "before", "after", "allowed", "features", "province", "overridable", "message"}]}</c>.
/// </summary>
public static class AmendmentBalance
{
    public static async Task<JsonNode> EvaluateAsync(IPlanStore store, PlanVersion baseVersion, PlanSnapshot snapshot, CheckedChangeSet set, CancellationToken ct)
    {
        var rules = BalanceRules.Read(await AccountValidation.RecordsAsync(store, baseVersion.Id, BalanceRules.LayerId, ct));
        var layers = new List<BalanceLayer>();
        foreach (var layer in set.Layers.Values.Where(l => rules.Rules.Any(r => r.AppliesTo(l))))
        {
            layers.Add(new BalanceLayer(layer, await ReadAsync(store, baseVersion.Id, layer.Id, ct)));
        }

        var stats = await store.GetLayerStatsAsync(baseVersion, ct);
        var provincesLayer = set.Layers.Values.Where(l => l.Kind == LayerKinds.Jurisdiction && stats.ContainsKey(l.Id)).MinBy(l => stats[l.Id].Count);
        var provinces = provincesLayer is null ? [] : await ReadAsync(store, baseVersion.Id, provincesLayer.Id, ct);
        var sheet = BalanceEvaluator.Evaluate(rules, new BalanceInput(layers, provinces, set.Changes, snapshot.Projection));
        return ToJson(sheet);
    }

    public static JsonObject ToJson(BalanceSheet sheet) => new()
    {
        ["ok"] = sheet.Ok,
        ["unit"] = sheet.Unit,
        ["rules"] = new JsonArray([.. sheet.Rules.Select(l => (JsonNode)new JsonObject
        {
            ["id"] = l.Id,
            ["ok"] = l.Ok,
            ["before"] = Math.Round(l.Before, 1),
            ["after"] = Math.Round(l.After, 1),
            ["allowed"] = Math.Round(l.Allowed, 1),
            ["features"] = new JsonArray([.. l.Features.Select(f => (JsonNode)f)]),
            ["province"] = l.Province,
            ["overridable"] = l.Overridable,
            ["message"] = l.Message,
        })]),
    };

    private static async Task<List<PlanFeature>> ReadAsync(IPlanStore store, string versionId, string layerId, CancellationToken ct)
    {
        var list = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(versionId, layerId, ct))
        {
            list.Add(f);
        }

        return list;
    }
}
