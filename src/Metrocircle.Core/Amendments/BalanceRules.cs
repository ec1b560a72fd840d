using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Amendments;

/// <summary>What a balance rule holds an amendment to.</summary>
public enum BalanceRuleType
{
    /// <summary>The layer's area in each province after the change set is at least its area before.</summary>
    NoDecrease,

    /// <summary>Area taken in a province (retired, or shrunk by a change) is matched by features added in the same province, of no worse grade.</summary>
    Compensate,

    /// <summary>The layer's area in each province after is at most the larger of its area before and the province's cap.</summary>
    Cap,

    /// <summary>Every added or changed feature is valid and overlaps no other feature of its layer by more than the tolerance.</summary>
    ValidAndDisjoint,
}

/// <summary>
/// One balance rule of the plan's <c>balance-rules</c> record layer. It applies to the layers whose kind is
/// <see cref="LayerKind"/> or one of its sub-kinds (<c>control</c> matches <c>control:urban-boundary</c>), or to the
/// one layer <see cref="LayerId"/>; exactly one of the two is given. Areas are square metres in the plan's
/// equal-area projection.
/// </summary>
/// <param name="Overridable">Whether the coordination office may approve a failing line with a written reason.</param>
/// <param name="Message">A template; placeholders are {province}, {before}, {after}, {allowed}, {taken}, {added}, {features} and {problem}.</param>
/// <param name="ToleranceM2">Slack for rounding (a boundary redrawn to the same area), or for valid-and-disjoint the largest overlap accepted.</param>
/// <param name="GradeProperty">For compensate: the quality grade attribute, compared where features carry it; null to compare quantity only.</param>
/// <param name="LowerGradeIsBetter">For compensate: whether grade 1 is better than grade 2 (<c>"betterGrade": "lower"</c>) or worse (<c>"higher"</c>).</param>
/// <param name="CapsM2">For cap: the published cap per province id, in square metres; a province without one is capped at its total before.</param>
public sealed record BalanceRule(
    string Id,
    BalanceRuleType Type,
    string? LayerKind,
    string? LayerId,
    bool Overridable,
    string Message,
    double ToleranceM2,
    string? GradeProperty,
    bool LowerGradeIsBetter,
    IReadOnlyDictionary<string, double> CapsM2)
{
    /// <summary>Whether the rule applies to a layer.</summary>
    public bool AppliesTo(PlanLayer layer) => LayerId is not null
        ? layer.Id == LayerId
        : layer.Kind == LayerKind || layer.Kind.StartsWith(LayerKind + ":", StringComparison.Ordinal);

    /// <summary>The rule type as written in the data.</summary>
    public static string TypeName(BalanceRuleType type) => type switch
    {
        BalanceRuleType.NoDecrease => "no-decrease",
        BalanceRuleType.Compensate => "compensate",
        BalanceRuleType.Cap => "cap",
        _ => "valid-and-disjoint",
    };
}

/// <summary>The balance rules of a plan version, read from its <c>balance-rules</c> record layer, in id order.</summary>
public sealed record BalanceRules(IReadOnlyList<BalanceRule> Rules)
{
    public const string LayerId = "balance-rules";

    /// <summary>Reads the <c>balance-rules</c> records among <paramref name="records"/>; a malformed one names the rule and the field.</summary>
    public static BalanceRules Read(IEnumerable<PlanFeature> records) =>
        new([.. records.Where(r => r.LayerId == LayerId).Select(Parse).OrderBy(r => r.Id, StringComparer.Ordinal)]);

    private static BalanceRule Parse(PlanFeature f)
    {
        var p = f.Properties;
        var fields = new RecordFields(LayerId, f);
        string Where(string field) => fields.Where(field);
        string? OptStr(string field) => fields.OptionalString(field);
        string Str(string field) => fields.String(field);
        double SquareMetres(JsonNode? node, string field) => node switch
        {
            null => 0,
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number
                && double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) is var d && d >= 0 && double.IsFinite(d) => d,
            _ => throw new FormatException($"{Where(field)} must be a number of square metres, zero or more"),
        };

        var type = Str("type") switch
        {
            "no-decrease" => BalanceRuleType.NoDecrease,
            "compensate" => BalanceRuleType.Compensate,
            "cap" => BalanceRuleType.Cap,
            "valid-and-disjoint" => BalanceRuleType.ValidAndDisjoint,
            var other => throw new FormatException($"{Where("type")}: \"{other}\" is not no-decrease, compensate, cap or valid-and-disjoint"),
        };

        var kind = OptStr("layerKind");
        var layer = OptStr("layer");
        if ((kind is null) == (layer is null))
        {
            throw new FormatException($"{Where("layerKind")}: give either \"layerKind\" (a layer kind such as control:ecological-redline) or \"layer\" (a layer id), not both and not neither");
        }

        if (kind is not null && !LayerKinds.IsValid(kind))
        {
            throw new FormatException($"{Where("layerKind")}: \"{kind}\" is not a layer kind (such as control:ecological-redline)");
        }

        var overridable = p["overridable"] is JsonValue o && o.TryGetValue<bool>(out var b)
            ? b : throw new FormatException($"{Where("overridable")} must be true or false");

        var lowerIsBetter = OptStr("betterGrade") switch
        {
            null or "lower" => true,
            "higher" => false,
            var other => throw new FormatException($"{Where("betterGrade")}: \"{other}\" is not lower or higher"),
        };

        var caps = new Dictionary<string, double>(StringComparer.Ordinal);
        switch (p["capsM2"])
        {
            case null:
                break;
            case JsonObject byProvince:
                foreach (var (province, value) in byProvince)
                {
                    caps[province] = SquareMetres(value ?? throw new FormatException($"{Where("capsM2." + province)} must be a number of square metres, zero or more"), "capsM2." + province);
                }

                break;
            default:
                throw new FormatException($"{Where("capsM2")} must be an object of province id to square metres");
        }

        return new BalanceRule(f.Id, type, kind, layer, overridable, Str("message"), SquareMetres(p["toleranceM2"], "toleranceM2"),
            OptStr("gradeProperty"), lowerIsBetter, caps);
    }
}
