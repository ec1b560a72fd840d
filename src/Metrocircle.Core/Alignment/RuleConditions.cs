using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// Evaluates a rule's <c>when</c> condition. The vocabulary: <c>all</c>, <c>any</c>, <c>not</c>, <c>always</c>,
/// <c>overlaps {kind, minShare, minAreaHa}</c>, <c>outside {kind, minShare}</c>, <c>within {kind, minShare}</c>,
/// <c>category {in | notIn}</c>, <c>inFeatures {layer, ids}</c>, <c>crosses {level, min}</c>. Facts found on the
/// way are written to the evidence, which also fills the message template.
/// </summary>
public static class RuleConditions
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "all", "any", "not", "always", "overlaps", "outside", "within", "category", "inFeatures", "crosses",
    };

    /// <summary>Refuses an unknown or malformed condition when the rules are loaded, not when a check runs.</summary>
    public static void Validate(JsonNode? when, string ruleId)
    {
        if (when is not JsonObject o || o.Count != 1)
        {
            throw new FormatException($"rule {ruleId}: a condition is an object with exactly one of {string.Join(", ", Known)}");
        }

        var (key, value) = o.First();
        if (!Known.Contains(key))
        {
            throw new FormatException($"rule {ruleId}: unknown condition \"{key}\"; known: {string.Join(", ", Known)}");
        }

        switch (key)
        {
            case "all" or "any":
                if (value is not JsonArray items || items.Count == 0)
                {
                    throw new FormatException($"rule {ruleId}: \"{key}\" needs a non-empty array of conditions");
                }

                foreach (var item in items)
                {
                    Validate(item, ruleId);
                }

                break;
            case "not":
                Validate(value, ruleId);
                break;
            case "overlaps" or "outside" or "within":
                if (value?["kind"] is not JsonValue)
                {
                    throw new FormatException($"rule {ruleId}: \"{key}\" needs a layer \"kind\"");
                }

                break;
            case "category":
                if (value?["in"] is not JsonArray && value?["notIn"] is not JsonArray)
                {
                    throw new FormatException($"rule {ruleId}: \"category\" needs \"in\" or \"notIn\" with a list of category ids");
                }

                break;
            case "inFeatures":
                if (value?["layer"] is not JsonValue || value["ids"] is not JsonArray)
                {
                    throw new FormatException($"rule {ruleId}: \"inFeatures\" needs \"layer\" and \"ids\"");
                }

                break;
            case "crosses":
                if (value?["level"] is not JsonValue)
                {
                    throw new FormatException($"rule {ruleId}: \"crosses\" needs a jurisdiction \"level\" (province, city)");
                }

                break;
        }
    }

    public static bool Evaluate(JsonNode when, CheckContext ctx, JsonObject evidence)
    {
        var (key, value) = when.AsObject().First();
        switch (key)
        {
            case "always":
                return value?.GetValue<bool>() ?? true;
            case "all":
                return value!.AsArray().All(c => Evaluate(c!, ctx, evidence));
            case "any":
                return value!.AsArray().Any(c => Evaluate(c!, ctx, evidence));
            case "not":
                return !Evaluate(value!, ctx, new JsonObject());
            case "category":
            {
                var category = ctx.Footprint.Category;
                evidence["category"] = category;
                if (ctx.Snapshot.Categories.TryGetValue(category, out var named))
                {
                    evidence["categoryName"] = $"{named.NameEn} ({named.NameZh})";
                }
                if (value!["in"] is JsonArray inList)
                {
                    return inList.Any(c => c?.GetValue<string>() == category);
                }

                return value["notIn"]!.AsArray().All(c => c?.GetValue<string>() != category);
            }

            case "overlaps":
            {
                var kind = value!["kind"]!.GetValue<string>();
                var hits = ctx.HitsOfKind(kind).ToList();
                var covered = ctx.CoveredM2(hits);
                var share = ctx.AreaM2 > 0 ? covered / ctx.AreaM2 : 0;
                var minShare = Number(value, "minShare") ?? 0;
                var minAreaHa = Number(value, "minAreaHa") ?? 0;
                evidence["kind"] = kind;
                evidence["areaHa"] = Math.Round(covered / 1e4, 4);
                evidence["share"] = Math.Round(share, 6);
                evidence["sharePct"] = Percent(share);
                evidence["count"] = hits.Count;
                evidence["featureIds"] = new JsonArray(hits.Select(h => (JsonNode)h.Feature.Id).Take(200).ToArray());
                return hits.Count > 0 && share >= minShare && covered / 1e4 >= minAreaHa;
            }

            case "outside" or "within":
            {
                var kind = value!["kind"]!.GetValue<string>();
                var inside = ctx.AreaM2 > 0 ? ctx.CoveredM2(ctx.HitsOfKind(kind)) / ctx.AreaM2 : 0;
                evidence["kind"] = kind;
                evidence["insidePct"] = Percent(inside);
                evidence["outsidePct"] = Percent(1 - inside);
                evidence["outsideHa"] = Math.Round(ctx.AreaM2 * (1 - inside) / 1e4, 4);
                return key == "outside"
                    ? 1 - inside > 0 && 1 - inside >= (Number(value, "minShare") ?? 0)
                    : inside >= (Number(value, "minShare") ?? 0.999);
            }

            case "inFeatures":
            {
                var layerId = value!["layer"]!.GetValue<string>();
                var ids = value["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                var layer = ctx.Snapshot.Layers.FirstOrDefault(l => l.Layer.Id == layerId);
                var hits = layer is null ? [] : ctx.Hits(layer).Where(h => ids.Contains(h.Feature.Id)).ToList();
                evidence["features"] = string.Join(", ", hits.Select(h => Name(h.Feature)));
                evidence["featureIds"] = new JsonArray(hits.Select(h => (JsonNode)h.Feature.Id).ToArray());
                return hits.Count > 0;
            }

            case "crosses":
            {
                var level = value!["level"]!.GetValue<string>();
                var min = (int)(Number(value, "min") ?? 2);
                var names = ctx.DistinctJurisdictionValues(level).Order(StringComparer.Ordinal).ToList();
                evidence[level == "province" ? "provinces" : $"{level}s"] = string.Join(", ", names);
                evidence["count"] = names.Count;
                return names.Count >= min;
            }

            default:
                throw new FormatException($"unknown condition \"{key}\"");
        }
    }

    public static string Fill(string template, JsonObject evidence)
    {
        var result = template;
        foreach (var (key, node) in evidence)
        {
            var text = node switch
            {
                null => string.Empty,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonArray a => string.Join(", ", a.Select(x => x?.ToString())),
                _ => node.ToJsonString(),
            };
            result = result.Replace("{" + key + "}", text, StringComparison.Ordinal);
        }

        return result;
    }

    public static string Name(SnapshotFeature f)
    {
        var zh = f.Text("nameZh") ?? f.Text("name");
        var en = f.Text("nameEn");
        return (zh, en) switch
        {
            (null, null) => f.Id,
            (_, null) => zh!,
            (null, _) => en!,
            _ => $"{zh} ({en})",
        };
    }

    private static double? Number(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static string Percent(double share) => (100 * share).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
