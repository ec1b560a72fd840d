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

    public static double Round(double v) => Math.Round(v, 5);

    public static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    public static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
