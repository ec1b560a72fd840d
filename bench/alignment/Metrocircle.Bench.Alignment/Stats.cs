using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Metrocircle.Bench.Alignment;

/// <summary>Latency percentiles over individually timed calls, and the machine's load average.</summary>
internal static class Stats
{
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static JsonObject Latencies(long[] ticks)
    {
        var ms = ticks.Select(Ms).Order().ToArray();
        return new JsonObject
        {
            ["calls"] = ms.Length,
            ["p50_ms"] = Round(Percentile(ms, 50)),
            ["p90_ms"] = Round(Percentile(ms, 90)),
            ["p99_ms"] = Round(Percentile(ms, 99)),
            ["mean_ms"] = Round(ms.Average()),
            ["max_ms"] = Round(ms[^1]),
            ["load"] = Load(),
        };
    }

    /// <summary>
    /// Warms up for at least <paramref name="warmup"/> calls and two seconds (so that tiered JIT has promoted the hot
    /// paths), then times <paramref name="calls"/> calls one by one, <paramref name="repeats"/> times; each call gets its
    /// index (of the warm-up, then of the run).
    /// </summary>
    public static JsonObject TimeCalls(int warmup, int calls, int repeats, Action<int> warmCall, Action<int> timedCall)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < warmup || warm.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            warmCall(i);
        }

        var runs = new JsonArray();
        var p50 = new List<double>();
        var p99 = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var ticks = new long[calls];
            for (var i = 0; i < calls; i++)
            {
                var at = Stopwatch.GetTimestamp();
                timedCall(i);
                ticks[i] = Stopwatch.GetTimestamp() - at;
            }

            var run = Latencies(ticks);
            p50.Add(run["p50_ms"]!.GetValue<double>());
            p99.Add(run["p99_ms"]!.GetValue<double>());
            runs.Add(run);
        }

        return new JsonObject { ["p50_ms_median"] = Median(p50), ["p50_ms_min"] = p50.Min(), ["p99_ms_median"] = Median(p99), ["runs"] = runs };
    }

    public static double Round(double v) => Math.Round(v, 5);

    public static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    public static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
