using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Bench.Alignment;

var mode = args.Length > 0 ? args[0] : "help";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var data = Opt("data", Path.Combine(Environment.GetEnvironmentVariable("ANCHORS_WORK") ?? "/tmp/metrocircle-anchors", "data"));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

switch (mode)
{
    case "inproc":
    {
        var run = new InProcessRun(data, Opt("dataset", "data/capital-circle"), Opt("out", "."), Opt("category", "housing"))
        {
            Calls = Int("calls", 10_000),
            Warmup = Int("warmup", 2_000),
            Repeats = Int("repeats", 3),
            W2Runs = Int("w2-runs", 3),
            W2SerialRuns = Int("w2-serial-runs", 1),
            W2Warmup = Int("w2-warmup", 3),
            Seed = Int("seed", 42),
        };
        var result = await run.RunAsync(cts.Token);
        Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    case "profile":
        await Profile.RunAsync(data, Int("passes", 5), Opt("parts", "all"), Opt("order", "id") == "spatial", cts.Token);
        return 0;

    case "store":
    {
        var run = new StoreRun(Opt("store", "sqlite:metrocircle-data/metrocircle.sqlite"), Opt("bodies", "bodies.ndjson"))
        {
            Calls = Int("calls", 10_000),
            Warmup = Int("warmup", 2_000),
            Repeats = Int("repeats", 3),
            TileLayer = options.GetValueOrDefault("tiles"),
            TilesOnly = Opt("tiles-only", "no") == "yes",
        };
        var result = await run.RunAsync(cts.Token);
        var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (options.TryGetValue("out", out var outFile))
        {
            await File.WriteAllTextAsync(outFile, json, cts.Token);
        }

        Console.WriteLine(json);
        return 0;
    }

    case "bodies":
        await Bodies.WriteAsync(data, Opt("out", "bodies.ndjson"), Int("n", 10_000), Int("seed", 42), Opt("category", "housing"), cts.Token);
        return 0;

    default:
        Console.Error.WriteLine("""
            usage: metrocircle-bench-alignment inproc [--data DIR] [--dataset DIR] [--out DIR] [--calls N] [--warmup N] [--repeats N]
                                                      [--w2-runs N] [--w2-serial-runs N] [--w2-warmup N] [--seed N] [--category ID]
                   metrocircle-bench-alignment profile [--data DIR] [--passes N] [--parts all|context,counties,eco,farmland,urban,answer] [--order id|spatial]
                   metrocircle-bench-alignment store [--store sqlite:PATH|postgresql://...] [--bodies FILE] [--calls N] [--warmup N] [--repeats N] [--out FILE]
                                                      [--tiles LAYER [--tiles-only yes]]
                   metrocircle-bench-alignment bodies [--data DIR] [--out FILE] [--n N] [--seed N] [--category ID]
            """);
        return 2;
}
