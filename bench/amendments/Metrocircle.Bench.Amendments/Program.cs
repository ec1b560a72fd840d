using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

// Issue 12, item 4: the impact of an amendment that retires 1,000 farmland parcels and adds 1,000 elsewhere, against
// 100,000 stored checks and 1,000,000 parcels. The plan is generated here, deterministically (seed below), in the
// default dataset's Albers projection: a 500 km square region cut into 200 counties, 3,000 red-line patches, 500
// urban areas and ~1,000,000 rotated-rectangle parcels on a jittered 474 m grid. Rules and categories are the
// default dataset's. Usage: metrocircle-bench-amendments DATASET_FOLDER [--parcels N] [--checks N] [--changes N] [--runs N]
var argsList = args.ToList();
string Opt(string name, string otherwise) => argsList.IndexOf(name) is var i and >= 0 && i + 1 < argsList.Count ? argsList[i + 1] : otherwise;
var folder = argsList.Count > 0 && !argsList[0].StartsWith("--", StringComparison.Ordinal) ? argsList[0] : "data/capital-circle";
var parcels = int.Parse(Opt("--parcels", "1000000"), CultureInfo.InvariantCulture);
var checkCount = int.Parse(Opt("--checks", "100000"), CultureInfo.InvariantCulture);
var changeCount = int.Parse(Opt("--changes", "1000"), CultureInfo.InvariantCulture);
var runs = int.Parse(Opt("--runs", "5"), CultureInfo.InvariantCulture);
const ulong Seed = 20261203;

var projection = new EqualAreaProjection(38.5, 116.5, 36.5, 41.5);
var settings = new PlanSettings(projection, PlanSettings.DefaultEdgeToleranceM);
var factory = GeoJsonGeometry.MetricFactory;
var ct = CancellationToken.None;
var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.0} s] {text}"));

const double MinX = -250_000, MinY = -200_000, Size = 500_000;
Polygon Box(double x0, double y0, double x1, double y1) =>
    factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
Polygon Rectangle(double cx, double cy, double w, double h, double angle)
{
    var (c, s) = (Math.Cos(angle), Math.Sin(angle));
    Coordinate At(double u, double v) => new(cx + (u * c) - (v * s), cy + (u * s) + (v * c));
    return factory.CreatePolygon([At(-w / 2, -h / 2), At(w / 2, -h / 2), At(w / 2, h / 2), At(-w / 2, h / 2), At(-w / 2, -h / 2)]);
}

Polygon Octagon(double cx, double cy, double r) =>
    factory.CreatePolygon([.. Enumerable.Range(0, 9).Select(i => new Coordinate(cx + (r * Math.Cos(i % 8 * Math.PI / 4)), cy + (r * Math.Sin(i % 8 * Math.PI / 4))))]);
PlanLayer Layer(string id, string kind) => new(id, kind, id, id, id, LayerGeometry.Polygon, 1, []);

// Counties: a 20 × 10 grid; provinces by position.
var counties = new List<SnapshotFeature>();
for (var i = 0; i < 20; i++)
{
    for (var j = 0; j < 10; j++)
    {
        var (x0, y0) = (MinX + (i * Size / 20), MinY + (j * Size / 10));
        var province = x0 < -100_000 ? "hebei" : y0 >= 100_000 ? "beijing" : "tianjin";
        counties.Add(new SnapshotFeature($"c{i:00}{j:00}", Box(x0, y0, x0 + (Size / 20), y0 + (Size / 10)),
            new JsonObject { ["name"] = $"c{i:00}{j:00}", ["provinceId"] = province, ["province"] = province }));
    }
}

var random = new SplitMix64(Seed);
var redline = Enumerable.Range(0, 3000).Select(i => new SnapshotFeature($"e{i}",
    Octagon(random.Between(MinX, MinX + Size), random.Between(MinY + (Size / 2), MinY + Size), random.LogUniform(200, 2000)), [])).ToList();
var urban = Enumerable.Range(0, 500).Select(i => new SnapshotFeature($"u{i}",
    Octagon(random.Between(MinX, MinX + Size), random.Between(MinY, MinY + Size), random.LogUniform(1000, 4000)), [])).ToList();

// Parcels: one per kept cell of a grid sized so that ~90% of the cells give the number asked for.
var spacing = Size / Math.Ceiling(Math.Sqrt(parcels / 0.9));
var cells = (int)Math.Round(Size / spacing);
var farmland = new List<SnapshotFeature>(parcels + 1000);
for (var i = 0; i < cells && farmland.Count < parcels; i++)
{
    for (var j = 0; j < cells && farmland.Count < parcels; j++)
    {
        if (SplitMix64.Hash(Seed, i, j, 1) >= 0.9)
        {
            continue;
        }

        var (cx, cy) = (MinX + ((i + 0.5) * spacing), MinY + ((j + 0.5) * spacing));
        var w = spacing * (0.3 + (0.4 * SplitMix64.Hash(Seed, i, j, 2)));
        var h = spacing * (0.3 + (0.4 * SplitMix64.Hash(Seed, i, j, 3)));
        farmland.Add(new SnapshotFeature($"p{i}-{j}", Rectangle(cx, cy, w, h, SplitMix64.Hash(Seed, i, j, 4) * Math.PI), []));
    }
}

Say($"generated {farmland.Count:N0} parcels, {redline.Count:N0} red-line patches, {urban.Count} urban areas, {counties.Count} counties");

var records = new List<PlanFeature>();
foreach (var file in new[] { "rules.json", "categories.json", "indicators.json" })
{
    records.AddRange((await DatasetBuilder.ReadLayerFileAsync(Path.Combine(folder, "layers", file), projection, ct)).Features);
}

var version = new PlanVersion("bench@1", "bench", 1, "base", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);
var before = PlanSnapshot.FromProjected(version, settings,
[
    new SnapshotLayer(Layer("counties", LayerKinds.Jurisdiction), counties),
    new SnapshotLayer(Layer("urban-boundary", "control:urban-boundary"), urban),
    new SnapshotLayer(Layer("ecological-redline", "control:ecological-redline"), redline),
    new SnapshotLayer(Layer("permanent-farmland", "control:permanent-farmland"), farmland),
], records);
Say("built the base snapshot");

// Stored checks: 1–50 ha rotated rectangles over the region, with the verdict the base version gives them.
string[] routingKinds = ["control:ecological-redline"];
var stored = new CheckOnRecord[checkCount];
var sites = Enumerable.Range(0, checkCount).Select(i =>
{
    var area = random.LogUniform(1e4, 5e5);
    var aspect = random.Between(0.5, 2);
    return Rectangle(random.Between(MinX, MinX + Size), random.Between(MinY, MinY + Size), Math.Sqrt(area * aspect), Math.Sqrt(area / aspect), random.Between(0, Math.PI));
}).ToList();
Parallel.For(0, checkCount, i =>
{
    var lonLat = projection.Unproject(sites[i]);
    var (footprint, problem) = Footprint.Create(lonLat, "housing", null, [], before);
    if (footprint is null)
    {
        throw new InvalidOperationException($"site {i}: {problem!.Detail}");
    }

    var verdict = AlignmentChecker.Check(before, footprint);
    stored[i] = new CheckOnRecord($"chk-{i}", lonLat, "housing", verdict.Result, ImpactAssessor.Routing(verdict, routingKinds));
});
Say($"stored {checkCount:N0} checks with their base verdicts");

// The amendment: retire every n-th parcel up to the count asked for, add as many new parcels at random places.
var changes = new List<FeatureChange>();
var step = farmland.Count / changeCount;
for (var k = 0; k < changeCount; k++)
{
    changes.Add(new FeatureChange(ChangeOp.Retire, "permanent-farmland", farmland[(k * step) + (step / 2)].Id, null));
}

for (var k = 0; k < changeCount; k++)
{
    var shape = projection.Unproject(Rectangle(random.Between(MinX, MinX + Size), random.Between(MinY, MinY + Size),
        random.Between(150, 330), random.Between(150, 330), random.Between(0, Math.PI)));
    changes.Add(new FeatureChange(ChangeOp.Add, "permanent-farmland", $"new-{k}",
        new PlanFeature("permanent-farmland", $"new-{k}", shape, [], new Provenance("bench", Certainty.Synthetic, "bench"))));
}

var catalog = IndicatorCatalog.Read(records);
var amended = version with { Id = "bench@2", Sequence = 2 };
Console.WriteLine("run,with_changes_ms,assess_ms,total_ms,with_changes_cpu_ms,cpu_ms,rechecked,unchanged_without_recheck,changed_checks,area_rows,adjacent,indicators");
for (var run = 0; run <= runs; run++)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var after = before.WithChanges(amended, changes);
    var built = sw.Elapsed.TotalMilliseconds;
    var builtCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    var impact = ImpactAssessor.Assess(before, after, changes, stored, catalog, routingKinds, ct);
    var total = sw.Elapsed.TotalMilliseconds;
    var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(run == 0 ? "warm-up" : run.ToString(CultureInfo.InvariantCulture))},{built:0},{total - built:0},{total:0},{builtCpu:0},{used:0},{impact.Rechecked},{impact.UnchangedWithoutRecheck},{impact.Checks.Count},{impact.Areas.Count},{impact.Adjacent.Count},{impact.Indicators.Count}"));
}

Say("done");
