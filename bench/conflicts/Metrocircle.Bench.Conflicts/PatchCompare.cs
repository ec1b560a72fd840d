using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Bench.Alignment;

namespace Metrocircle.Bench.Conflicts;

/// <summary>One conflict patch as both engines report it: rule, feature A, feature B, county ("" for none), area.</summary>
internal sealed record Patch(string Rule, string A, string B, string County, double AreaM2)
{
    public (string, string, string, string) Key => (Rule, A, B, County);
}

/// <summary>
/// Metrocircle's patches against PostGIS's: the same set of (rule, A, B, county), and each area within 0.1%. A patch
/// only one side lists is counted apart when its area is within 0.1% of the rule's minimum mapping unit (a sliver on
/// one side of the threshold, a patch on the other).
/// </summary>
internal static class PatchCompare
{
    public const double Tolerance = 0.001;

    public static List<Patch> Read(string csv) =>
        [.. File.ReadLines(csv).Where(l => l.Length > 0 && !l.StartsWith("rule,", StringComparison.Ordinal)).Select(l =>
        {
            var f = l.Split(',');
            return new Patch(f[0], f[1], f[2], f[3], double.Parse(f[4], CultureInfo.InvariantCulture));
        })];

    public static JsonObject Run(IReadOnlyList<Patch> ours, IReadOnlyList<Patch> theirs, IReadOnlyDictionary<string, double> minArea, string mismatches)
    {
        var mine = ours.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.AreaM2));
        var postgis = theirs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.AreaM2));
        var lines = new List<string> { "kind,rule,a,b,county,metrocircle_m2,postgis_m2,relative" };
        int both = 0, overTolerance = 0, onlyOurs = 0, onlyTheirs = 0, atThreshold = 0;
        var worst = 0.0;
        foreach (var (key, area) in mine)
        {
            if (postgis.TryGetValue(key, out var other))
            {
                both++;
                var relative = Math.Abs(area - other) / Math.Max(Math.Abs(other), 1e-9);
                worst = Math.Max(worst, relative);
                if (relative > Tolerance)
                {
                    overTolerance++;
                    lines.Add(Line("area", key, area, other, relative));
                }
            }
            else if (Near(minArea, key.Item1, area))
            {
                atThreshold++;
                lines.Add(Line("only-metrocircle-at-threshold", key, area, double.NaN, double.NaN));
            }
            else
            {
                onlyOurs++;
                lines.Add(Line("only-metrocircle", key, area, double.NaN, double.NaN));
            }
        }

        foreach (var (key, area) in postgis.Where(p => !mine.ContainsKey(p.Key)))
        {
            if (Near(minArea, key.Item1, area))
            {
                atThreshold++;
                lines.Add(Line("only-postgis-at-threshold", key, double.NaN, area, double.NaN));
            }
            else
            {
                onlyTheirs++;
                lines.Add(Line("only-postgis", key, double.NaN, area, double.NaN));
            }
        }

        File.WriteAllLines(mismatches, lines);
        return new JsonObject
        {
            ["metrocircle_patches"] = mine.Count,
            ["postgis_patches"] = postgis.Count,
            ["in_both"] = both,
            ["area_over_0.1pct"] = overTolerance,
            ["max_relative_difference"] = worst,
            ["only_metrocircle"] = onlyOurs,
            ["only_postgis"] = onlyTheirs,
            ["one_side_only_within_0.1pct_of_min_area"] = atThreshold,
            ["total_m2_metrocircle"] = Stats.Round(mine.Values.Sum()),
            ["total_m2_postgis"] = Stats.Round(postgis.Values.Sum()),
            ["same_answers"] = overTolerance == 0 && onlyOurs == 0 && onlyTheirs == 0,
        };
    }

    private static bool Near(IReadOnlyDictionary<string, double> minArea, string rule, double area) =>
        minArea.TryGetValue(rule, out var min) && min > 0 && Math.Abs(area - min) <= min * Tolerance;

    private static string Line(string kind, (string Rule, string A, string B, string County) key, double ours, double theirs, double relative) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind},{key.Rule},{key.A},{key.B},{key.County},{ours:R},{theirs:R},{relative:R}");
}
