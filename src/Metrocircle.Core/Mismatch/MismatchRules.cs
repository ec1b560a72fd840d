using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Mismatch;

/// <summary>
/// One threshold of the mismatch analysis, read from the plan's <c>mismatch-rules</c> record layer: which measure it
/// bounds (<see cref="Measure"/>), the bound(s), how many places to report at most, and why the bound is what it is.
/// </summary>
public sealed record MismatchRule(string Id, string Measure, double? Min, double? Max, int? Top, string Basis, JsonObject Properties)
{
    public string? Text(string name) => Properties[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public IReadOnlyList<string> Texts(string name) =>
        Properties[name] is JsonArray a ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new FormatException($"{MismatchRules.LayerId}/{Id}: \"{name}\" must be a list of strings"))] : [];

    public double? Number(string name) => MismatchRules.NumberOf(Properties[name]);
}

/// <summary>The thresholds of one plan version; a measure with no rule is computed and shown but yields no finding.</summary>
public sealed class MismatchRules(IReadOnlyList<MismatchRule> rules)
{
    public const string LayerId = "mismatch-rules";

    /// <summary>Measures a rule may bound; anything else in the file is a mistake of the data, refused on read.</summary>
    public static readonly IReadOnlySet<string> Measures = new HashSet<string>(StringComparer.Ordinal)
    {
        "od-mode", "jobs-housing-ratio", "self-containment", "cross-province-share", "mean-commute-km", "commuting-circle",
        "land-elasticity", "urban-land-per-resident", "industry-in-belts", "housing-near-rail", "quota-demand",
    };

    public IReadOnlyList<MismatchRule> All { get; } = rules;

    public MismatchRule? Of(string measure) => All.FirstOrDefault(r => r.Measure == measure);

    /// <summary>A JSON number whatever it was built from (a parsed document or a CLR int or double), else null.</summary>
    internal static double? NumberOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : null;

    public static MismatchRules Read(IEnumerable<PlanFeature> records)
    {
        var rules = new List<MismatchRule>();
        foreach (var f in records.Where(r => r.LayerId == LayerId).OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var p = f.Properties;
            var measure = p["measure"] is JsonValue m && m.TryGetValue<string>(out var s) ? s : throw new FormatException($"{LayerId}/{f.Id}: \"measure\" is missing");
            if (!Measures.Contains(measure))
            {
                throw new FormatException($"{LayerId}/{f.Id}: measure \"{measure}\" is not one of {string.Join(", ", Measures)}");
            }

            double? Number(string name) => p[name] is null ? null
                : NumberOf(p[name]) is { } d && double.IsFinite(d) ? d : throw new FormatException($"{LayerId}/{f.Id}: \"{name}\" must be a number");
            var top = Number("top");
            var basis = p["basis"] is JsonValue b && b.TryGetValue<string>(out var t) ? t : f.Provenance.Basis ?? f.Provenance.Source;
            rules.Add(new MismatchRule(f.Id, measure, Number("min"), Number("max"), top is null ? null : (int)top, basis, p));
        }

        return new MismatchRules(rules);
    }
}
