using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Ledger;

/// <summary>A kind of land quota or credit; amounts are whole square metres.</summary>
/// <param name="TakenOutsideKind">Area of a footprint outside the layers of this kind takes this kind (new construction land).</param>
/// <param name="TakenOverlappingKind">Area of a footprint over the layers of this kind takes this kind (farmland compensation).</param>
/// <param name="Totals">The region's total per period id, in m², that the opening splits.</param>
public sealed record LedgerKind(string Id, string NameEn, string? NameZh, bool MayGoNegative, string? TakenOutsideKind, string? TakenOverlappingKind,
    IReadOnlyDictionary<string, long> Totals);

/// <summary>A plan period (inclusive days).</summary>
public sealed record LedgerPeriod(string Id, string NameEn, DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly day) => day >= From && day <= To;
}

/// <summary>How opening balances are set: a share of each total stays in the pool, the rest is split among the features of
/// a jurisdiction layer in proportion to a numeric property; <see cref="Synthetic"/> when no published figure stands behind them.</summary>
public sealed record LedgerOpeningRule(string Level, string Weight, double PoolShare, bool Synthetic);

/// <summary>The land ledger's kinds, periods and opening rule, read from the plan's <c>land-ledger</c> record layer.</summary>
public sealed record LedgerSettings(IReadOnlyList<LedgerKind> Kinds, IReadOnlyList<LedgerPeriod> Periods, LedgerOpeningRule Opening)
{
    public const string LayerId = "land-ledger";

    public LedgerKind? Kind(string id) => Kinds.FirstOrDefault(k => k.Id == id);

    public LedgerPeriod? Period(string id) => Periods.FirstOrDefault(p => p.Id == id);

    /// <summary>The period a day falls in, or null.</summary>
    public LedgerPeriod? PeriodOn(DateOnly day) => Periods.FirstOrDefault(p => p.Contains(day));

    /// <summary>Reads the <c>land-ledger</c> records; null when the plan has none; a malformed record names itself and the field.</summary>
    public static LedgerSettings? Read(IEnumerable<PlanFeature> records)
    {
        var mine = records.Where(r => r.LayerId == LayerId).ToList();
        if (mine.Count == 0)
        {
            return null;
        }

        var kinds = new List<LedgerKind>();
        var periods = new List<LedgerPeriod>();
        LedgerOpeningRule? opening = null;
        foreach (var f in mine.OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var p = f.Properties;
            var fields = new RecordFields(LayerId, f);
            string Where(string field) => fields.Where(field);
            string? OptStr(string field) => fields.OptionalString(field);
            string Str(string field) => fields.String(field);
            bool Flag(string field) => fields.Flag(field);
            string Id(string prefix) => f.Id.StartsWith(prefix, StringComparison.Ordinal) && f.Id.Length > prefix.Length && IsName(f.Id[prefix.Length..])
                ? f.Id[prefix.Length..]
                : throw new FormatException($"{LayerId}/{f.Id}: the id must be {prefix}<name> with letters, digits and hyphens");
            DateOnly Day(string field) => DateOnly.TryParseExact(Str(field), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d : throw new FormatException($"{Where(field)} must be a date YYYY-MM-DD");

            switch (Str("type"))
            {
                case "kind":
                    var totals = new Dictionary<string, long>();
                    foreach (var (periodId, value) in p["totals"] as JsonObject ?? [])
                    {
                        totals[periodId] = value is JsonValue v && v.TryGetValue<long>(out var t) && t >= 0 && t <= LedgerLimits.MaxAmount
                            ? t : throw new FormatException($"{Where("totals." + periodId)} must be a whole number of m² from 0 to {LedgerLimits.MaxAmount}");
                    }

                    var taken = p["takenBy"] as JsonObject;
                    var unit = OptStr("unit") ?? "m2";
                    if (unit != "m2")
                    {
                        throw new FormatException($"{Where("unit")} must be m2 (amounts are whole square metres)");
                    }

                    kinds.Add(new LedgerKind(Id("kind:"), Str("nameEn"), OptStr("nameZh"), Flag("mayGoNegative"),
                        taken?["outsideKind"]?.GetValue<string>(), taken?["overlapsKind"]?.GetValue<string>(), totals));
                    break;
                case "period":
                    var period = new LedgerPeriod(Id("period:"), Str("nameEn"), Day("from"), Day("to"));
                    if (period.To < period.From)
                    {
                        throw new FormatException($"{Where("to")} is before \"from\"");
                    }

                    periods.Add(period);
                    break;
                case "opening":
                    var share = p["poolShare"] is JsonValue s && s.TryGetValue<double>(out var d) && d is >= 0 and <= 1
                        ? d : throw new FormatException($"{Where("poolShare")} must be a number from 0 to 1");
                    opening = new LedgerOpeningRule(Str("level"), Str("weight"), share, Flag("synthetic"));
                    break;
                default:
                    throw new FormatException($"{Where("type")} must be kind, period or opening");
            }
        }

        foreach (var kind in kinds)
        {
            foreach (var period in kind.Totals.Keys.Where(id => periods.All(p => p.Id != id)))
            {
                throw new FormatException($"{LayerId}/kind:{kind.Id}: \"totals\" names period {period}, which is not a period of the ledger");
            }
        }

        periods.Sort((a, b) => a.From.CompareTo(b.From));
        for (var i = 1; i < periods.Count; i++)
        {
            if (periods[i].From <= periods[i - 1].To)
            {
                throw new FormatException($"{LayerId}/period:{periods[i].Id} overlaps period {periods[i - 1].Id}");
            }
        }

        return new LedgerSettings(kinds, periods, opening ?? throw new FormatException($"{LayerId}: there is no \"opening\" record"));
    }

    internal static bool IsName(string text) => text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
