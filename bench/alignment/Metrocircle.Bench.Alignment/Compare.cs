using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// Compares answers with PostGIS's <c>audit_w2.csv</c>: ids, counts and flags exactly; areas within
/// max(1e-6 relative, 0.01 m²), and separately within 0.1 %.
/// </summary>
internal static class Compare
{
    public const double RelTolerance = 1e-6;
    public const double AbsToleranceM2 = 0.01;

    public static Dictionary<long, Answer> ReadPostgis(string csv)
    {
        var result = new Dictionary<long, Answer>();
        foreach (var line in File.ReadLines(csv).Skip(1))
        {
            var c = line.Split(',');
            var counties = c[1].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var id = long.Parse(c[0], CultureInfo.InvariantCulture);
            result[id] = new Answer(id, counties, c[2] is "t" or "true", double.Parse(c[3], CultureInfo.InvariantCulture),
                int.Parse(c[4], CultureInfo.InvariantCulture), c[5]);
        }

        return result;
    }

    public static JsonObject Run(IReadOnlyList<Answer> ours, Dictionary<long, Answer> postgis, string mismatchesPath, int list = 20)
    {
        int countyDiff = 0, ecoDiff = 0, nDiff = 0, urbanDiff = 0, areaDiff = 0, missing = 0, within01 = 0, nonZero = 0, compared = 0;
        double maxRel = 0, maxAbs = 0;
        var lines = new List<string>();
        var byField = new SortedDictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var a in ours)
        {
            if (!postgis.TryGetValue(a.Id, out var p))
            {
                missing++;
                continue;
            }

            compared++;
            var fields = new List<string>();
            if (!a.CountyIds.SequenceEqual(p.CountyIds))
            {
                countyDiff++;
                fields.Add("county_ids");
            }

            if (a.HitsEco != p.HitsEco)
            {
                ecoDiff++;
                fields.Add("hits_eco");
            }

            if (a.FarmlandN != p.FarmlandN)
            {
                nDiff++;
                fields.Add("farmland_n");
            }

            if (a.Urban != p.Urban)
            {
                urbanDiff++;
                fields.Add("urban");
            }

            var abs = Math.Abs(a.FarmlandM2 - p.FarmlandM2);
            if (abs > Math.Max(RelTolerance * Math.Abs(p.FarmlandM2), AbsToleranceM2))
            {
                areaDiff++;
                fields.Add("farmland_m2");
            }

            if (p.FarmlandM2 > 0 || a.FarmlandM2 > 0)
            {
                nonZero++;
                var rel = p.FarmlandM2 > 0 ? abs / p.FarmlandM2 : double.PositiveInfinity;
                maxRel = Math.Max(maxRel, rel);
                if (rel <= 1e-3)
                {
                    within01++;
                }
            }

            maxAbs = Math.Max(maxAbs, abs);
            foreach (var f in fields)
            {
                (byField.TryGetValue(f, out var ids) ? ids : byField[f] = []).Add(a.Id);
            }

            if (fields.Count > 0)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{a.Id},{string.Join('+', fields)},{string.Join(' ', a.CountyIds)},{string.Join(' ', p.CountyIds)},{a.HitsEco},{p.HitsEco},{a.FarmlandM2:R},{p.FarmlandM2:R},{a.FarmlandN},{p.FarmlandN},{a.Urban},{p.Urban}"));
            }
        }

        var sb = new StringBuilder("id,fields,county_ids,pg_county_ids,hits_eco,pg_hits_eco,farmland_m2,pg_farmland_m2,farmland_n,pg_farmland_n,urban,pg_urban\n");
        lines.ForEach(l => sb.Append(l).Append('\n'));
        File.WriteAllText(mismatchesPath, sb.ToString());
        return new JsonObject
        {
            ["compared"] = compared,
            ["missing_in_postgis"] = missing,
            ["rows_with_any_mismatch"] = lines.Count,
            ["county_ids_mismatch"] = countyDiff,
            ["hits_eco_mismatch"] = ecoDiff,
            ["farmland_n_mismatch"] = nDiff,
            ["urban_mismatch"] = urbanDiff,
            ["farmland_m2_outside_tolerance"] = areaDiff,
            ["farmland_nonzero_rows"] = nonZero,
            ["farmland_m2_within_0.1pct"] = within01,
            ["farmland_m2_max_rel_diff"] = maxRel,
            ["farmland_m2_max_abs_diff"] = maxAbs,
            ["first_mismatches"] = new JsonArray(lines.Take(list).Select(l => (JsonNode)l).ToArray()),
            ["ids_by_field"] = new JsonObject(byField.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Take(list).Select(i => (JsonNode)i).ToArray())))),
        };
    }

    public static void WriteCsv(IReadOnlyList<Answer> answers, string path)
    {
        using var w = new StreamWriter(path);
        w.Write("id,county_ids,hits_eco,farmland_m2,farmland_n,urban\n");
        foreach (var a in answers)
        {
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{a.Id},{string.Join(' ', a.CountyIds)},{(a.HitsEco ? "t" : "f")},{a.FarmlandM2:R},{a.FarmlandN},{a.Urban}\n"));
        }
    }
}
