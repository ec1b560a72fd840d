using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Tiles;

// Times Metrocircle's in-process tile cutting on the harness's W3 tiles (bench_tiles.csv) over the 1M-parcel farmland
// layer (farmland.geojsons), in two modes: exact (no simplification or thinning, the content ST_AsMVT produces) and
// generalized (the served rule). Optionally compares the exact tiles with PostGIS's tiles dumped by run.sh.
// Usage: TilesBench DATA_DIR OUT_DIR [REPEATS] [POSTGIS_TILES_CSV]
var culture = CultureInfo.InvariantCulture;
var data = args[0];
var outDir = args[1];
var repeats = args.Length > 2 ? int.Parse(args[2], culture) : 3;
var postgisTiles = args.Length > 3 ? args[3] : null;
var warmupSeconds = double.Parse(Environment.GetEnvironmentVariable("WARMUP_SECONDS") ?? "2", culture);
Directory.CreateDirectory(outDir);
var log = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    log.AppendLine(line);
}

// ---- load: the same columns ST_AsMVT gets (id as the feature id; county_id, dlbm, permanent, area_ha as properties).
// The parcels are parsed as the snapshot takes them, not held in a list first: at ten million parcels a list of
// features would be about ten gigabytes, and the process's peak would say more about the list than about the snapshot.
var watch = Stopwatch.StartNew();
var provenance = new Provenance("anchors harness", Certainty.Synthetic);
IEnumerable<PlanFeature> Parcels()
{
    foreach (var line in File.ReadLines(Path.Combine(data, "farmland.geojsons")))
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var p = root.GetProperty("properties");
        var properties = new JsonObject();
        foreach (var prop in p.EnumerateObject())
        {
            if (prop.Name != "id")
            {
                properties[prop.Name] = JsonNode.Parse(prop.Value.GetRawText());
            }
        }

        yield return new PlanFeature("farmland", p.GetProperty("id").GetRawText(), GeoJsonGeometry.Read(root.GetProperty("geometry")), properties, provenance);
    }
}

var snapshot = TileSnapshot.Build("farmland", Parcels(), f => f.Properties);
var buildMs = watch.ElapsedMilliseconds;
GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
var heapAfterBuild = GC.GetTotalMemory(true);
Say($"loaded {snapshot.Count} parcels: parse and snapshot {buildMs} ms (streamed), managed heap with snapshot {heapAfterBuild / 1048576.0:0} MB");

var tiles = File.ReadLines(Path.Combine(data, "bench_tiles.csv")).Skip(1)
    .Select(l => l.Split(',')).Select(c => (Z: int.Parse(c[0], culture), I: int.Parse(c[1], culture), X: int.Parse(c[2], culture), Y: int.Parse(c[3], culture)))
    .ToList();

using var raw = new StreamWriter(Path.Combine(outDir, "metrocircle_tiles.csv"));
raw.WriteLine("mode,run,z,i,x,y,ms,bytes,features,gc");
var modes = new (string Name, TileOptions Options)[] { ("exact", TileOptions.Exact), ("generalized", TileOptions.Default) };
var summary = new List<string> { "mode,z,run,ms_per_tile,avg_bytes,max_bytes,avg_features" };
var exactTiles = new Dictionary<(int, int, int), byte[]>();
foreach (var (name, options) in modes)
{
    // Warm-up, as the harness does before its timed runs (caches; for .NET also the JIT): the first pass is timed and
    // reported, then passes go on until WARMUP_SECONDS (2) have gone by, so that the timed runs see the code a running
    // server has after its first seconds of requests — tiered compilation replaces the first, quick code of a method
    // once it is hot, in the background, which one pass of 150 tiles (about a third of a second) does not leave time for.
    var warmup = Stopwatch.StartNew();
    var warmupPasses = 0;
    do
    {
        var first = warmupPasses == 0 ? new Dictionary<int, double>() : null;
        foreach (var t in tiles)
        {
            var start = Stopwatch.GetTimestamp();
            MvtEncoder.Encode(snapshot, new TileId(t.Z, t.X, t.Y), options);
            if (first is not null)
            {
                first[t.Z] = first.GetValueOrDefault(t.Z) + Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        if (first is not null)
        {
            Say(string.Create(culture, $"{name,-11} first pass (warm-up, not counted): {string.Join(", ", first.Select(kv => $"z{kv.Key} {kv.Value / tiles.Count(t => t.Z == kv.Key):0.000} ms/tile"))}"));
        }

        warmupPasses++;
    }
    while (warmup.Elapsed.TotalSeconds < warmupSeconds);
    Say(string.Create(culture, $"{name,-11} warm-up: {warmupPasses} passes in {warmup.Elapsed.TotalSeconds:0.0} s"));

    for (var run = 1; run <= repeats; run++)
    {
        foreach (var group in tiles.GroupBy(t => t.Z))
        {
            var total = 0.0;
            var collected = (Tiles: 0, Ms: 0.0);
            long bytes = 0, maxBytes = 0, feats = 0;
            foreach (var t in group)
            {
                var (gc0, gc1, gc2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var start = Stopwatch.GetTimestamp();
                var tile = MvtEncoder.Encode(snapshot, new TileId(t.Z, t.X, t.Y), options);
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

                // The highest generation the runtime collected while this tile was encoded (-1: none). A collection
                // is part of the cost of encoding (the tile's bytes are allocated), so such tiles stay in the mean;
                // the column and the summary line say where the outliers come from.
                var gc = GC.CollectionCount(2) != gc2 ? 2 : GC.CollectionCount(1) != gc1 ? 1 : GC.CollectionCount(0) != gc0 ? 0 : -1;
                if (gc >= 0)
                {
                    collected = (collected.Tiles + 1, collected.Ms + ms);
                }

                total += ms;
                bytes += tile.Bytes.Length;
                maxBytes = Math.Max(maxBytes, tile.Bytes.Length);
                feats += tile.FeatureCount;
                raw.WriteLine(string.Create(culture, $"{name},{run},{t.Z},{t.I},{t.X},{t.Y},{ms:0.000},{tile.Bytes.Length},{tile.FeatureCount},{gc}"));
                if (name == "exact" && run == 1)
                {
                    exactTiles[(t.Z, t.X, t.Y)] = tile.Bytes;
                }
            }

            var n = group.Count();
            summary.Add(string.Create(culture, $"{name},{group.Key},{run},{total / n:0.000},{bytes / n},{maxBytes},{feats / (double)n:0.0}"));
            var gcNote = collected.Tiles == 0 ? ""
                : string.Create(culture, $"; {collected.Tiles} tile(s) with a GC, {collected.Ms:0.000} ms of them, without them {(total - collected.Ms) / (n - collected.Tiles):0.000} ms/tile");
            Say(string.Create(culture, $"{name,-11} z{group.Key} run {run}: {total / n,8:0.000} ms/tile, {bytes / n,9} B avg, {maxBytes,9} B max, {feats / (double)n,8:0.0} features avg{gcNote}"));
        }
    }
}

File.WriteAllLines(Path.Combine(outDir, "metrocircle_summary.csv"), summary);

// ---- does generalisation keep low zooms small? The z8 and z6 parents of the W3 z10 tiles, both modes, one pass.
foreach (var z in new[] { 8, 6 })
{
    var parents = tiles.Where(t => t.Z == 10).Select(t => (X: t.X >> (10 - z), Y: t.Y >> (10 - z))).Distinct().ToList();
    foreach (var (name, options) in modes)
    {
        double total = 0;
        long bytes = 0, maxBytes = 0, feats = 0;
        foreach (var (x, y) in parents)
        {
            var start = Stopwatch.GetTimestamp();
            var tile = MvtEncoder.Encode(snapshot, new TileId(z, x, y), options);
            total += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            bytes += tile.Bytes.Length;
            maxBytes = Math.Max(maxBytes, tile.Bytes.Length);
            feats += tile.FeatureCount;
        }

        var n = parents.Count;
        Say(string.Create(culture, $"{name,-11} z{z} ({n} parent tiles): {total / n,8:0.0} ms/tile, {bytes / n,9} B avg, {maxBytes,9} B max, {feats / (double)n,8:0.0} features avg"));
    }
}

// ---- same content as PostGIS? Feature ids and property values per tile, exact mode against ST_AsMVT.
if (postgisTiles is not null && File.Exists(postgisTiles))
{
    foreach (var zoom in tiles.Select(t => t.Z).Distinct())
    {
        long pgFeatures = 0, ourFeatures = 0, both = 0, propsDiffer = 0, pgBytes = 0, ourBytes = 0;
        foreach (var line in File.ReadLines(postgisTiles))
        {
            var c = line.Split(',');
            var (z, x, y) = (int.Parse(c[0], culture), int.Parse(c[1], culture), int.Parse(c[2], culture));
            if (z != zoom)
            {
                continue;
            }

            var pg = c.Length > 3 && c[3].Length > 0 ? Convert.FromBase64String(c[3]) : [];
            var ours = exactTiles[(z, x, y)];
            pgBytes += pg.Length;
            ourBytes += ours.Length;
            var pgById = (MvtReader.Read(pg).FirstOrDefault()?.Features ?? []).ToDictionary(f => f.Id!.Value);
            var ourById = (MvtReader.Read(ours).FirstOrDefault()?.Features ?? []).ToDictionary(f => f.Id!.Value);
            pgFeatures += pgById.Count;
            ourFeatures += ourById.Count;
            foreach (var (id, f) in ourById)
            {
                if (!pgById.TryGetValue(id, out var g))
                {
                    continue;
                }

                both++;
                var same = f.Properties.Count == g.Properties.Count && f.Properties.All(kv =>
                    g.Properties.TryGetValue(kv.Key, out var v) && Convert.ToDouble(v is bool b ? (b ? 1 : 0) : v is string s ? s.GetHashCode(StringComparison.Ordinal) : v, culture)
                        == Convert.ToDouble(kv.Value is bool b2 ? (b2 ? 1 : 0) : kv.Value is string s2 ? s2.GetHashCode(StringComparison.Ordinal) : kv.Value, culture));
                if (!same)
                {
                    propsDiffer++;
                }
            }
        }

        Say($"content z{zoom}: PostGIS {pgFeatures} features ({pgBytes / 50} B/tile), Metrocircle exact {ourFeatures} ({ourBytes / 50} B/tile), in both {both}, property values differ in {propsDiffer}");
    }
}

Say($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB; GC heap now {GC.GetTotalMemory(false) / 1048576.0:0} MB; {Environment.ProcessorCount} cores");
File.WriteAllText(Path.Combine(outDir, "metrocircle.log"), log.ToString());
GC.KeepAlive(snapshot);
