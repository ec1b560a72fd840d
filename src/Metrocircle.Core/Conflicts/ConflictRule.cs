using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Conflicts;

/// <summary>
/// Two layer kinds whose features may not overlap (<see cref="WithinM"/> = 0) or may not come within
/// <see cref="WithinM"/> metres of each other. A kind matches itself and its sub-kinds (<c>sector</c> matches
/// <c>sector:transport</c>). <see cref="WhereA"/> and <see cref="WhereB"/> narrow a side to the features whose
/// properties have the values given (<c>{"form": "park"}</c>), so a rule can name a category of a layer as well as a
/// kind. Patches under the minimum mapping unit are slivers: counted, not listed.
/// </summary>
public sealed record ConflictRule(
    string Id,
    string Title,
    string Basis,
    string KindA,
    string KindB,
    double WithinM,
    double MinAreaM2,
    double MinLengthM,
    string Severity,
    string? ExemptionProperty)
{
    /// <summary>Property values every feature of side A must have to count (all of them); empty for every feature.</summary>
    public IReadOnlyDictionary<string, string> WhereA { get; init; } = Empty;

    /// <summary>As <see cref="WhereA"/>, for side B.</summary>
    public IReadOnlyDictionary<string, string> WhereB { get; init; } = Empty;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    public const string LayerId = "conflict-rules";

    private static readonly string[] Severities = ["high", "medium", "low"];

    /// <summary>Reads the plan's <c>conflict-rules</c> records; a malformed one names the rule and the field.</summary>
    public static IReadOnlyList<ConflictRule> Read(IEnumerable<PlanFeature> records) =>
        [.. records.Where(r => r.LayerId == LayerId).Select(Parse).OrderBy(r => r.Id, StringComparer.Ordinal)];

    /// <summary>Reads the conflict rules of a stored plan version; none when the version has no <c>conflict-rules</c> layer.</summary>
    public static async Task<IReadOnlyList<ConflictRule>> LoadAsync(IPlanStore store, string versionId, CancellationToken ct)
    {
        var layers = await store.GetLayersAsync(versionId, ct);
        if (!layers.Any(l => l.Id == LayerId))
        {
            return [];
        }

        var records = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(versionId, LayerId, ct))
        {
            records.Add(f);
        }

        return Read(records);
    }

    private static ConflictRule Parse(PlanFeature f)
    {
        var p = f.Properties;
        string Where(string field) => $"{LayerId}/{f.Id}: \"{field}\"";
        string Str(string field) => p[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s : throw new FormatException($"{Where(field)} must be a non-empty string");
        string? OptStr(string field) => p[field] is null ? null : Str(field);
        double Metres(string field) => p[field] switch
        {
            null => 0,
            JsonValue v when v.TryGetValue<double>(out var d) && d >= 0 && double.IsFinite(d) => d,
            _ => throw new FormatException($"{Where(field)} must be a number of metres (or square metres), zero or more"),
        };
        string Kind(string field)
        {
            var kind = Str(field);
            // Kinds not known to this version (sector:* before sector plans are imported) are allowed: the rule is then not applicable.
            return kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or ':') && kind[0] != ':' && kind[^1] != ':'
                ? kind : throw new FormatException($"{Where(field)}: \"{kind}\" is not a layer kind (such as control:ecological-redline or sector:transport)");
        }

        var severity = Str("severity");
        if (!Severities.Contains(severity, StringComparer.Ordinal))
        {
            throw new FormatException($"{Where("severity")}: \"{severity}\" is not high, medium or low");
        }

        IReadOnlyDictionary<string, string> Filter(string field)
        {
            if (p[field] is null)
            {
                return Empty;
            }

            if (p[field] is not JsonObject o || o.Count == 0)
            {
                throw new FormatException($"{Where(field)} must be an object of property values, such as {{\"form\": \"park\"}}");
            }

            var filter = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in o)
            {
                filter[name] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s
                    : value is JsonValue n && (n.TryGetValue<double>(out _) || n.TryGetValue<bool>(out _)) ? n.ToJsonString()
                    : throw new FormatException($"{Where(field)}: the value of \"{name}\" must be a string, number or true/false");
            }

            return filter;
        }

        return new ConflictRule(f.Id, Str("title"), Str("basis"), Kind("kindA"), Kind("kindB"),
            Metres("withinM"), Metres("minAreaM2"), Metres("minLengthM"), severity, OptStr("exemptionProperty"))
        {
            WhereA = Filter("whereA"),
            WhereB = Filter("whereB"),
        };
    }

    /// <summary>Whether a feature's properties have every value of <paramref name="where"/> (strings as text, numbers and booleans as JSON).</summary>
    internal static bool Selects(IReadOnlyDictionary<string, string> where, Alignment.SnapshotFeature feature)
    {
        foreach (var (name, wanted) in where)
        {
            if (!string.Equals(feature.ValueText(name), wanted, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a layer of kind <paramref name="layerKind"/> is one this rule names as <paramref name="ruleKind"/>.</summary>
    internal static bool Matches(string ruleKind, string layerKind) =>
        layerKind == ruleKind || layerKind.StartsWith(ruleKind + ":", StringComparison.Ordinal);
}
