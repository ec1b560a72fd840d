using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Cases;

/// <summary>
/// A department task that a rule's outcome (<see cref="RuleId"/> not passing) or an overlap with a layer kind
/// (<see cref="OverlapsKind"/>) calls for, at a <see cref="Level"/> (<see cref="JurisdictionLevels"/>): in each
/// province the footprint lies in (the default), in each city or county, or once for national reviewers.
/// <see cref="CityMayDecideForCounties"/>, on a county route, lets the reviewers of the county's city decide it too.
/// </summary>
public sealed record DepartmentRoute(string? RuleId, string Department, string Level = JurisdictionLevels.Province, string? OverlapsKind = null,
    bool CityMayDecideForCounties = false)
{
    /// <summary>What calls for the route, for messages: the rule id or the overlapped kind.</summary>
    public string Trigger => RuleId is { } rule ? $"rule {rule}" : $"overlap with {OverlapsKind}";
}

/// <summary>
/// How cases are routed and decided, as data (the plan's <c>approval-rules</c> record layer): which task kinds must
/// approve, whether one rejection rejects, who may override, deadlines, reminders and escalation.
/// <see cref="OneTaskPerAccount"/> (on unless the record says <c>"oneTaskPerAccount": false</c>) keeps one person from
/// satisfying two required reviews of one revision, so a two-task quorum needs two people.
/// </summary>
public sealed record ApprovalRules(
    string Id,
    IReadOnlySet<ReviewKind> Required,
    bool AnyRejectionRejects,
    bool OverrideByCoordination,
    bool OverrideNeedsReason,
    IReadOnlyDictionary<ReviewKind, int> DeadlineDays,
    int RemindDaysBefore,
    bool CoordinationWhenCrossingProvinces,
    IReadOnlyList<string> CoordinationWhenOverlapping,
    IReadOnlyList<DepartmentRoute> DepartmentRoutes,
    IReadOnlyDictionary<string, string> Departments,
    bool OneTaskPerAccount = true)
{
    public const string LayerId = "approval-rules";

    /// <summary>The rules used when a plan has none: every task must approve, any rejection rejects, 20 days per task.</summary>
    public static ApprovalRules Default { get; } = new("default",
        new HashSet<ReviewKind> { ReviewKind.Jurisdiction, ReviewKind.Department, ReviewKind.Coordination }, true, true, true,
        new Dictionary<ReviewKind, int> { [ReviewKind.Jurisdiction] = 20, [ReviewKind.Department] = 20, [ReviewKind.Coordination] = 20 },
        3, true, [], [], new Dictionary<string, string>());

    /// <summary>Reads the first record of the <c>approval-rules</c> layer; a malformed one names the field.</summary>
    public static ApprovalRules Read(IEnumerable<PlanFeature> records)
    {
        var f = records.FirstOrDefault(r => r.LayerId == LayerId);
        if (f is null)
        {
            return Default;
        }

        var p = f.Properties;
        string Where(string field) => $"{LayerId}/{f.Id}: \"{field}\"";
        ReviewKind Kind(string? text, string field) => text switch
        {
            "jurisdiction" => ReviewKind.Jurisdiction,
            "department" => ReviewKind.Department,
            "coordination" => ReviewKind.Coordination,
            _ => throw new FormatException($"{Where(field)}: \"{text}\" is not jurisdiction, department or coordination"),
        };
        int Days(JsonNode? node, string field) =>
            node is JsonValue v && v.TryGetValue<int>(out var d) && d is > 0 and <= 365 ? d : throw new FormatException($"{Where(field)} must be a whole number of days from 1 to 365");

        // A value of the wrong type is as malformed as a missing one: name the field instead of failing inside System.Text.Json.
        string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
        string Str(JsonNode? node, string field) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{Where(field)} must be a string");
        bool Flag(JsonNode? node, string field, bool otherwise) => node is null ? otherwise
            : node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new FormatException($"{Where(field)} must be true or false");
        JsonObject Obj(JsonNode? node, string field) => node is null ? [] : node as JsonObject ?? throw new FormatException($"{Where(field)} must be an object");
        JsonArray List(JsonNode? node, string field) => node is null ? [] : node as JsonArray ?? throw new FormatException($"{Where(field)} must be a list");

        var required = (p["required"] as JsonArray ?? throw new FormatException($"{Where("required")} is missing"))
            .Select(n => Kind(Text(n), "required")).ToHashSet();
        var deadlines = new Dictionary<ReviewKind, int>();
        foreach (var (key, value) in p["deadlineDays"] as JsonObject ?? throw new FormatException($"{Where("deadlineDays")} is missing"))
        {
            deadlines[Kind(key, "deadlineDays")] = Days(value, "deadlineDays." + key);
        }

        foreach (var kind in Enum.GetValues<ReviewKind>().Where(k => !deadlines.ContainsKey(k)))
        {
            throw new FormatException($"{Where("deadlineDays")} has no deadline for {kind.ToString().ToLowerInvariant()} tasks");
        }

        var coordination = Obj(p["coordinationWhen"], "coordinationWhen");
        var routes = List(p["departmentRoutes"], "departmentRoutes").Select(n => Obj(n ?? new JsonObject(), "departmentRoutes")).Select(n =>
        {
            var rule = n["rule"] is { } ruleNode ? Str(ruleNode, "departmentRoutes") : null;
            var kind = n["overlapsKind"] is { } kindNode ? Str(kindNode, "departmentRoutes") : null;
            if (rule is null && kind is null)
            {
                throw new FormatException($"{Where("departmentRoutes")}: a route has no rule or overlapsKind");
            }

            if (rule is not null && kind is not null)
            {
                throw new FormatException($"{Where("departmentRoutes")}: a route names a rule or an overlapsKind, not both (rule {rule}, overlapsKind {kind})");
            }

            var level = n["level"] is { } levelNode ? Str(levelNode, "departmentRoutes") : JurisdictionLevels.Province;
            if (!JurisdictionLevels.All.Contains(level, StringComparer.Ordinal))
            {
                throw new FormatException($"{Where("departmentRoutes")}: level \"{level}\" of the route for {rule ?? kind} is not one of {string.Join(", ", JurisdictionLevels.All)}");
            }

            var cityMay = Flag(n["cityMayDecideForCounties"], "departmentRoutes", false);
            if (cityMay && level != JurisdictionLevels.County)
            {
                throw new FormatException($"{Where("departmentRoutes")}: cityMayDecideForCounties applies to a route of level county, not {level} (route for {rule ?? kind})");
            }

            return new DepartmentRoute(rule,
                Str(n["department"] ?? throw new FormatException($"{Where("departmentRoutes")}: a route has no department"), "departmentRoutes"),
                level, kind, cityMay);
        }).ToList();
        var departments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Obj(p["departments"], "departments"))
        {
            departments[key] = value is null ? key : Str(value, "departments." + key);
        }

        foreach (var route in routes.Where(r => !departments.ContainsKey(r.Department)))
        {
            throw new FormatException($"{Where("departmentRoutes")}: {route.Trigger} routes to department \"{route.Department}\", which \"departments\" does not list");
        }

        return new ApprovalRules(f.Id, required,
            Flag(p["anyRejectionRejects"], "anyRejectionRejects", true),
            (p["overrideBy"] is { } by ? Str(by, "overrideBy") : null) switch
            {
                null or "none" => false,
                "coordination-office" => true,
                var other => throw new FormatException($"{Where("overrideBy")}: \"{other}\" is not coordination-office or none"),
            },
            Flag(p["overrideNeedsReason"], "overrideNeedsReason", true),
            deadlines,
            p["remindDaysBefore"] is { } r ? Days(r, "remindDaysBefore") : 3,
            Flag(coordination["crossesProvinces"], "coordinationWhen.crossesProvinces", true),
            List(coordination["overlapsKinds"], "coordinationWhen.overlapsKinds").Select(n => Str(n, "coordinationWhen.overlapsKinds")).ToList(),
            routes,
            departments,
            Flag(p["oneTaskPerAccount"], "oneTaskPerAccount", true));
    }
}
