using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Bench.Alignment;
using Metrocircle.Bench.Conflicts;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;

// All conflict patches of the harness's farmland parcels against the urban boundary and the red line, found by
// Metrocircle's ConflictDetector in process on PostGIS's own metric geometry, timed, and compared patch by patch
// with PostGIS's answers (conflicts.sql) when a CSV of them is given.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var data = Opt("data", Path.Combine(Environment.GetEnvironmentVariable("ANCHORS_WORK") ?? "/tmp/metrocircle-anchors", "data"));
var dataset = Opt("dataset", "data/capital-circle");
var output = Opt("out", ".");
var repeats = int.Parse(Opt("repeats", "3"), CultureInfo.InvariantCulture);
var postgisCsv = Opt("postgis", string.Empty);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;
Directory.CreateDirectory(output);

var projection = new EqualAreaProjection(38.5, 116.5, 36.5, 41.5);
var result = new JsonObject
{
    ["date"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    ["processors"] = Environment.ProcessorCount,
    ["load_at_start"] = Stats.Load(),
};

var load = Stopwatch.StartNew();
var county = await MetricGpkg.ReadAsync(Path.Combine(data, "county_aea.gpkg"), "county", ["adcode", "name", "province"], ct);
var eco = await MetricGpkg.ReadAsync(Path.Combine(data, "eco_redline_aea.gpkg"), "eco_redline", [], ct);
var urban = await MetricGpkg.ReadAsync(Path.Combine(data, "urban_boundary_aea.gpkg"), "urban_boundary", [], ct);
var farmland = await MetricGpkg.ReadAsync(Path.Combine(data, "farmland_aea.gpkg"), "farmland", [], ct);
foreach (var c in county)
{
    c.Properties["provinceId"] = c.Properties["province"]?.DeepClone();
}

// The rules of the dataset that set farmland against the urban boundary or the red line, as the plan states them.
var (_, ruleRecords, _) = await DatasetBuilder.ReadLayerFileAsync(Path.Combine(dataset, "layers", "conflict-rules.json"), projection, ct);
var rules = ConflictRule.Read(ruleRecords).Where(r => (r.KindA, r.KindB) is
    ("control:urban-boundary", "control:permanent-farmland") or ("control:permanent-farmland", "control:ecological-redline")).ToList();
SnapshotLayer[] layers =
[
    Layer("counties", LayerKinds.Jurisdiction, county),
    Layer("ecological-redline", "control:ecological-redline", eco),
    Layer("permanent-farmland", "control:permanent-farmland", farmland),
    Layer("urban-boundary", "control:urban-boundary", urban),
];
var version = new PlanVersion("anchors@1", "anchors", 1, "PostGIS harness data", new DateOnly(2026, 12, 3), DateTimeOffset.UtcNow);
// Edge tolerance 0: every polygonal overlap from the minimum mapping unit up is a patch, as in the SQL.
var snapshot = PlanSnapshot.FromProjected(version, new PlanSettings(projection, 0), layers, []);
result["load"] = new JsonObject
{
    ["seconds"] = Stats.Round(load.Elapsed.TotalSeconds),
    ["features"] = new JsonObject { ["county"] = county.Length, ["eco_redline"] = eco.Length, ["farmland"] = farmland.Length, ["urban_boundary"] = urban.Length },
    ["rules"] = new JsonArray([.. rules.Select(r => (JsonNode)JsonValue.Create(r.Id)!)]),
    ["managed_heap_mib"] = GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024),
};
Console.Error.WriteLine($"loaded in {load.Elapsed.TotalSeconds:0.0} s: {farmland.Length:N0} parcels; rules {string.Join(", ", rules.Select(r => r.Id))} (load {Stats.Load()})");

ConflictReport? report = null;
var runs = new JsonArray();
var walls = new List<double>();
for (var r = 0; r < repeats; r++)
{
    GC.Collect();
    var loadAvg = Stats.Load();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    report = ConflictDetector.Detect(snapshot, rules, ct);
    var wall = watch.Elapsed.TotalSeconds;
    var cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    walls.Add(wall);
    runs.Add(new JsonObject { ["wall_s"] = Stats.Round(wall), ["cpu_s"] = Stats.Round(cpuS), ["load"] = loadAvg, ["patches"] = report.Patches.Count });
    Console.Error.WriteLine($"  detect run {r + 1}: {wall:0.00} s wall, {cpuS:0.00} s CPU, {report.Patches.Count:N0} patches (load {loadAvg})");
}

result["detect"] = new JsonObject
{
    ["wall_s_median"] = Stats.Round(Stats.Median(walls)),
    ["wall_s_min"] = Stats.Round(walls.Min()),
    ["runs"] = runs,
    ["peak_working_set_mib"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
    ["rules"] = new JsonArray([.. report!.Rules.Select(s => (JsonNode)new JsonObject
    {
        ["rule"] = s.Rule, ["applicable"] = s.Applicable, ["patches"] = s.Patches, ["area_m2"] = Stats.Round(s.AreaM2), ["slivers"] = s.Slivers,
    })]),
};

var patches = report.Patches.Select(p => new Patch(p.Rule, p.FeatureA, p.FeatureB, p.County ?? string.Empty, p.AreaM2 ?? 0)).ToList();
await File.WriteAllLinesAsync(Path.Combine(output, "patches_metrocircle.csv"),
    ["rule,a,b,county,area_m2", .. patches.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Rule},{p.A},{p.B},{p.County},{p.AreaM2:R}"))], Encoding.UTF8, ct);
if (postgisCsv.Length > 0)
{
    result["compare"] = PatchCompare.Run(patches, PatchCompare.Read(postgisCsv), rules.ToDictionary(r => r.Id, r => r.MinAreaM2), Path.Combine(output, "mismatches.csv"));
}

result["load_at_end"] = Stats.Load();
var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(output, "inproc.json"), json, ct);
Console.WriteLine(json);
return 0;

static SnapshotLayer Layer(string id, string kind, LayerRow[] rows) =>
    new(new PlanLayer(id, kind, id, id, id, LayerGeometry.Polygon, 1, []),
        rows.Select(r => new SnapshotFeature(r.Id.ToString(CultureInfo.InvariantCulture), r.Geometry, r.Properties)).ToArray());
