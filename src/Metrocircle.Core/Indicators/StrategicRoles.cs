using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Indicators;

/// <summary>One of the plan's strategic roles (for the default dataset, the five of 四区一极), defined once in its record layer.</summary>
public sealed record StrategicRole(string Id, string NameZh, string NameEn, string ShortEn);

/// <summary>
/// The strategic roles of a plan version and which role each indicator and collaboration task serves (their
/// <c>role</c> property). A version stored before roles existed has none, and its indicators and tasks no role.
/// </summary>
public sealed class StrategicRoles
{
    public const string LayerId = "positioning";
    private const string TasksLayerId = "tasks";

    public StrategicRoles(IReadOnlyList<StrategicRole> roles, IReadOnlyDictionary<string, string> taskRoles)
    {
        Roles = roles;
        TaskRoles = taskRoles;
    }

    public IReadOnlyList<StrategicRole> Roles { get; }

    /// <summary>Task id → role id, for the tasks that name one.</summary>
    public IReadOnlyDictionary<string, string> TaskRoles { get; }

    public static StrategicRoles Read(IEnumerable<PlanFeature> features)
    {
        var roles = new List<StrategicRole>();
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in features)
        {
            if (f.LayerId == LayerId)
            {
                var en = Text(f.Properties, "nameEn") ?? f.Id;
                roles.Add(new StrategicRole(f.Id, Text(f.Properties, "nameZh") ?? string.Empty, en, Text(f.Properties, "shortEn") ?? en));
            }
            else if (f.LayerId == TasksLayerId && Text(f.Properties, "role") is { } role)
            {
                tasks[f.Id] = role;
            }
        }

        return new StrategicRoles(roles, tasks);
    }

    public static async Task<StrategicRoles> LoadAsync(IPlanStore store, PlanVersion version, CancellationToken ct)
    {
        var features = new List<PlanFeature>();
        foreach (var layer in new[] { LayerId, TasksLayerId })
        {
            await foreach (var f in store.StreamFeaturesAsync(version.Id, layer, ct))
            {
                features.Add(f);
            }
        }

        return Read(features);
    }

    /// <summary>
    /// Problems of a dataset that defines roles: every indicator and every task names a role, and each named role is
    /// defined in the roles layer. A dataset without a roles layer is not checked. Empty when all is well.
    /// </summary>
    public static IReadOnlyList<string> CheckBuild(IReadOnlyList<PlanFeature> features)
    {
        var defined = features.Where(f => f.LayerId == LayerId).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        if (defined.Count == 0)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var f in features.Where(f => f.LayerId is IndicatorCatalog.LayerId or TasksLayerId))
        {
            var what = f.LayerId == TasksLayerId ? "task" : "indicator";
            switch (Text(f.Properties, "role"))
            {
                case null:
                    problems.Add($"{what} {f.Id} names no role; give \"role\": one of {string.Join(", ", defined.Order(StringComparer.Ordinal))}");
                    break;
                case var role when !defined.Contains(role):
                    problems.Add($"{what} {f.Id} names role \"{role}\", which the {LayerId} layer does not define (it defines {string.Join(", ", defined.Order(StringComparer.Ordinal))})");
                    break;
            }
        }

        return problems;
    }

    private static string? Text(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
