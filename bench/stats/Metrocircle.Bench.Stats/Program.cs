// W5b in a running process: the computation behind `metrocircle stats LAYER --by GROUPS` and
// GET /collections/{id}/stats (AreaByGroup.ComputeAsync: both layers read from the store, the group grids built, every
// feature measured and assigned), repeated in one process after a warm-up run, as a server computes it for a version
// it has not answered before. Nothing is kept between runs: each reads the store again and builds everything anew.
// This is the counterpart of PostGIS answering the harness's W5b query on a running cluster; the whole `metrocircle
// stats` process (start-up and JIT included) is timed apart by bench/stats/run.sh.
// Usage: metrocircle-bench-stats sqlite:PATH|postgresql://… LAYER GROUPLAYER [RUNS=5] [ANSWER.json]
// Prints one line per run (wall and process CPU seconds) and a JSON summary line; exits 1 if two runs disagree.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Relational;
using Metrocircle.Storage.Sqlite;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: metrocircle-bench-stats sqlite:PATH|postgresql://… LAYER GROUPLAYER [RUNS=5] [ANSWER.json]");
    return 2;
}

var (spec, layer, by) = (args[0], args[1], args[2]);
var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
await using RelationalStore store = spec.StartsWith("sqlite:", StringComparison.Ordinal) ? new SqlitePlanStore(spec["sqlite:".Length..]) : new PostgresPlanStore(spec);
var version = await store.GetCurrentVersionAsync(CancellationToken.None);
if (version is null)
{
    Console.Error.WriteLine($"{store.Description} holds no plan");
    return 1;
}

if (AreaByGroup.Problem(version.Id, await store.GetLayersAsync(version.Id, CancellationToken.None), layer, by) is { } problem)
{
    Console.Error.WriteLine(problem);
    return 1;
}

var process = Process.GetCurrentProcess();
var first = await AreaByGroup.ComputeAsync(store, version, layer, by, CancellationToken.None);
var walls = new List<double>();
var cpus = new List<double>();
for (var run = 1; run <= runs; run++)
{
    process.Refresh();
    var cpu0 = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var result = await AreaByGroup.ComputeAsync(store, version, layer, by, CancellationToken.None);
    watch.Stop();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
    walls.Add(watch.Elapsed.TotalSeconds);
    cpus.Add(cpu);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run}: {watch.Elapsed.TotalSeconds:F3} s wall, {cpu:F3} s CPU, {result.Features} features"));
    if (!Same(first, result))
    {
        Console.Error.WriteLine($"run {run} disagrees with the warm-up run");
        return 1;
    }
}

if (args.Length > 4)
{
    // The shape bench/stats/summarize.py reads (the same fields as `metrocircle stats --json`).
    var answer = new
    {
        layer,
        by,
        version = version.Id,
        features = first.Features,
        groups = first.Groups.Select(g => new { id = g.Id, areaM2 = g.AreaM2, count = g.Count }),
        unassigned = new { areaM2 = first.UnassignedAreaM2, count = first.UnassignedCount },
    };
    await File.WriteAllTextAsync(args[4], JsonSerializer.Serialize(answer));
}

walls.Sort();
cpus.Sort();
Console.WriteLine(JsonSerializer.Serialize(new
{
    runs,
    medianSeconds = walls[walls.Count / 2],
    minSeconds = walls[0],
    maxSeconds = walls[^1],
    medianCpuSeconds = cpus[cpus.Count / 2],
    times = walls,
}));
return 0;

static bool Same(AreaByGroupResult a, AreaByGroupResult b) =>
    a.Features == b.Features && a.UnassignedCount == b.UnassignedCount && a.UnassignedAreaM2.Equals(b.UnassignedAreaM2)
    && a.Groups.Count == b.Groups.Count && a.Groups.Zip(b.Groups).All(p => p.First == p.Second);
