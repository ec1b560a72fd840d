using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Collaboration;

/// <summary>
/// The collaboration tasks of a plan version, read from its <c>tasks</c> record layer, and the checks that tie them to
/// the rest of the version: jurisdictions, linked places and indicators must all exist in it.
/// </summary>
public static class TaskCatalog
{
    public const string LayerId = "tasks";

    /// <summary>The layers whose feature ids may lead or support a task.</summary>
    public static readonly IReadOnlyList<string> JurisdictionLayers = ["provinces", "cities"];

    /// <summary>Reads every task; a malformed one throws <see cref="FormatException"/> naming the task and the field.</summary>
    public static IReadOnlyList<CollaborationTask> Read(IEnumerable<PlanFeature> records)
    {
        var result = new List<CollaborationTask>();
        foreach (var f in records.Where(r => r.LayerId == LayerId))
        {
            result.Add(ReadOne(f));
        }

        return result;
    }

    private static CollaborationTask ReadOne(PlanFeature f)
    {
        var p = f.Properties;
        string Text(JsonNode? node, string field) =>
            node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s)
                ? s
                : throw new FormatException($"task {f.Id}: \"{field}\" is missing or not a text");
        IReadOnlyList<string> Texts(string field) => p[field] switch
        {
            null => [],
            JsonArray a => [.. a.Select((n, i) => Text(n, $"{field}[{i}]"))],
            _ => throw new FormatException($"task {f.Id}: \"{field}\" is not a list"),
        };

        var dimensionText = Text(p["dimension"], "dimension");
        if (!TaskDimensions.TryParse(dimensionText, out var dimension))
        {
            throw new FormatException($"task {f.Id}: dimension \"{dimensionText}\" is not one of {TaskDimensions.List}");
        }

        var places = p["places"] switch
        {
            null => [],
            JsonArray a => a.Select((n, i) => n is JsonObject o
                ? new PlaceLink(Text(o["layer"], $"places[{i}].layer"), Text(o["featureId"], $"places[{i}].featureId"))
                : throw new FormatException($"task {f.Id}: places[{i}] is not an object {{\"layer\", \"featureId\"}}")).ToList(),
            _ => throw new FormatException($"task {f.Id}: \"places\" is not a list"),
        };

        var milestones = new List<Milestone>();
        foreach (var (node, i) in (p["milestones"] as JsonArray ?? []).Select((n, i) => (n, i)))
        {
            if (node is not JsonObject m)
            {
                throw new FormatException($"task {f.Id}: milestones[{i}] is not an object");
            }

            var id = Text(m["id"], $"milestones[{i}].id");
            if (milestones.Any(x => x.Id == id))
            {
                throw new FormatException($"task {f.Id}: milestone id \"{id}\" is used twice");
            }

            DateOnly? due = null;
            if (m["due"] is { } dueNode)
            {
                var dueText = Text(dueNode, $"milestones[{i}].due");
                due = DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d
                    : throw new FormatException($"task {f.Id}: milestone {id} is due \"{dueText}\", which is not a date yyyy-MM-dd");
            }

            var certaintyText = m["dueCertainty"]?.GetValue<string>() ?? "confirmed";
            if (!Provenance.TryParse(certaintyText, out var certainty) || certainty == Certainty.Synthetic)
            {
                throw new FormatException($"task {f.Id}: milestone {id} has dueCertainty \"{certaintyText}\"; give confirmed or indicative");
            }

            var basis = m["dueBasis"]?.GetValue<string>();
            if (due is not null && certainty != Certainty.Confirmed && string.IsNullOrWhiteSpace(basis))
            {
                // A date the sources do not state must say what it rests on, so nobody mistakes it for the plan's.
                throw new FormatException($"task {f.Id}: milestone {id} has an indicative due date without \"dueBasis\"");
            }

            milestones.Add(new Milestone(id, Text(m["title"], $"milestones[{i}].title"), due, certainty, basis));
        }

        var supporting = Texts("supporting");
        var lead = Text(p["lead"], "lead");
        if (supporting.Contains(lead, StringComparer.Ordinal))
        {
            throw new FormatException($"task {f.Id}: \"{lead}\" is both the lead and a supporting jurisdiction");
        }

        return new CollaborationTask(f.Id, Text(p["nameZh"], "nameZh"), Text(p["nameEn"], "nameEn"), dimension, lead, supporting,
            places, Texts("indicators"), Texts("articles"), milestones, f.Provenance, p["description"]?.GetValue<string>());
    }

    /// <summary>
    /// Checks the tasks against the features of the same version: every jurisdiction a province or city, every place a
    /// feature of the layer it names, every indicator in the catalogue. Returns one message per problem, naming the task.
    /// </summary>
    public static IReadOnlyList<string> CheckReferences(IReadOnlyList<CollaborationTask> tasks, IReadOnlyDictionary<string, IReadOnlySet<string>> featureIdsByLayer)
    {
        var problems = new List<string>();
        var jurisdictions = JurisdictionLayers.SelectMany(l => featureIdsByLayer.GetValueOrDefault(l) ?? new HashSet<string>()).ToHashSet(StringComparer.Ordinal);
        var indicators = featureIdsByLayer.GetValueOrDefault(IndicatorCatalog.LayerId) ?? new HashSet<string>();
        foreach (var task in tasks)
        {
            foreach (var j in task.Jurisdictions.Where(j => !jurisdictions.Contains(j)))
            {
                problems.Add($"task {task.Id}: jurisdiction \"{j}\" is not a feature of the {string.Join(" or ", JurisdictionLayers)} layer");
            }

            foreach (var place in task.Places)
            {
                if (featureIdsByLayer.GetValueOrDefault(place.Layer) is not { } ids)
                {
                    problems.Add($"task {task.Id}: links to place {place}, but the plan has no layer \"{place.Layer}\"");
                }
                else if (!ids.Contains(place.FeatureId))
                {
                    problems.Add($"task {task.Id}: links to place {place}, but layer {place.Layer} has no feature \"{place.FeatureId}\"");
                }
            }

            foreach (var i in task.Indicators.Where(i => !indicators.Contains(i)))
            {
                problems.Add($"task {task.Id}: indicator \"{i}\" is not in the indicators layer");
            }
        }

        return problems;
    }

    /// <summary>
    /// Reads and checks the tasks of a plan being built from all its features; a malformed task or a reference to
    /// nothing fails with every problem listed, so a dataset with a broken task is never published.
    /// </summary>
    public static IReadOnlyList<string> CheckBuild(IReadOnlyList<PlanFeature> features)
    {
        IReadOnlyList<CollaborationTask> tasks;
        try
        {
            tasks = Read(features);
        }
        catch (FormatException e)
        {
            return [e.Message];
        }

        var ids = features.GroupBy(f => f.LayerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(f => f.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return CheckReferences(tasks, ids);
    }
}
