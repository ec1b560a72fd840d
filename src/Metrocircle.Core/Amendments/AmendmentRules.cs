using System.Text.Json.Nodes;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Amendments;

/// <summary>
/// How amendments are routed and noticed, as data: the <c>amendments</c> object of the approval-rules record — the
/// public notice period, the layer kinds whose change calls in the coordination office, and the department that
/// reviews a change of a layer kind in each province it touches.
/// </summary>
public sealed record AmendmentRules(int NoticeDays, int MaxCommentChars, IReadOnlyList<string> CoordinationKinds, IReadOnlyDictionary<string, string> DepartmentByKind)
{
    public static AmendmentRules Default { get; } = new(30, 4000, ["control:ecological-redline", "control:permanent-farmland"], new Dictionary<string, string>());

    /// <summary>Reads the <c>amendments</c> object of the first approval-rules record; absent: <see cref="Default"/>; malformed: names the field.</summary>
    public static AmendmentRules Read(IEnumerable<PlanFeature> records)
    {
        var f = records.FirstOrDefault(r => r.LayerId == ApprovalRules.LayerId);
        if (f?.Properties["amendments"] is not { } node)
        {
            return Default;
        }

        string Where(string field) => $"{ApprovalRules.LayerId}/{f.Id}: \"amendments.{field}\"";
        var o = node as JsonObject ?? throw new FormatException($"{Where("")} must be an object");
        int Int(string field, int otherwise, int max) => o[field] is null ? otherwise
            : o[field] is JsonValue v && v.TryGetValue<int>(out var d) && d >= 0 && d <= max ? d : throw new FormatException($"{Where(field)} must be a whole number from 0 to {max}");
        var kinds = o["coordinationWhenKinds"] is null ? Default.CoordinationKinds
            : (o["coordinationWhenKinds"] as JsonArray ?? throw new FormatException($"{Where("coordinationWhenKinds")} must be a list"))
                .Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{Where("coordinationWhenKinds")} must list layer kinds")).ToList();
        var departments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kind, value) in o["departmentWhenKinds"] as JsonObject ?? [])
        {
            departments[kind] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{Where("departmentWhenKinds." + kind)} must name a department");
        }

        return new AmendmentRules(Int("noticeDays", 30, 365), Int("maxCommentChars", 4000, 100_000), kinds, departments);
    }
}
