using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// W1 (one check, single thread, individually timed) and W2 (all projects, Parallel over the cores) in process,
/// on PostGIS's own metric geometry, then the comparison with <c>audit_w2.csv</c>.
/// </summary>
internal sealed class InProcessRun(string data, string dataset, string output, string category)
{
    private static readonly EqualAreaProjection Projection = new(38.5, 116.5, 36.5, 41.5);

    public int Calls { get; init; } = 10_000;

    public int Warmup { get; init; } = 2_000;

    public int Repeats { get; init; } = 3;

    public int W2Runs { get; init; } = 3;

    public int W2SerialRuns { get; init; } = 1;

    /// <summary>Untimed pairs of runs (two threads, then one) before the timed W2 runs.</summary>
    public int W2Warmup { get; init; } = 3;

    public int Seed { get; init; } = 42;

    public async Task<JsonObject> RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(output);
        var result = new JsonObject
        {
            ["date"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["processors"] = Environment.ProcessorCount,
            ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            ["load_at_start"] = Stats.Load(),
        };

        // ---- load: the four layers and the projects in PostGIS's metric CRS, lon/lat projects for Footprint.Create
        var load = Stopwatch.StartNew();
        var county = await MetricGpkg.ReadAsync(Path.Combine(data, "county_aea.gpkg"), "county", ["adcode", "name", "city", "province"], ct);
        var eco = await MetricGpkg.ReadAsync(Path.Combine(data, "eco_redline_aea.gpkg"), "eco_redline", ["func"], ct);
        var urban = await MetricGpkg.ReadAsync(Path.Combine(data, "urban_boundary_aea.gpkg"), "urban_boundary", ["kind", "label"], ct);
        var farmland = await MetricGpkg.ReadAsync(Path.Combine(data, "farmland_aea.gpkg"), "farmland", [], ct);
        var projects = await MetricGpkg.ReadAsync(Path.Combine(data, "projects_aea.gpkg"), "projects", ["kind"], ct);
        var readSeconds = load.Elapsed.TotalSeconds;
        var lonLat = new Dictionary<long, Geometry>(projects.Length);
        await using (var reader = await Metrocircle.Formats.LayerFile.OpenAsync(Path.Combine(data, "projects.gpkg"), ct))
        {
            await foreach (var f in reader.ReadAsync(ct))
            {
                lonLat[long.Parse(f.Id!, CultureInfo.InvariantCulture)] = f.Geometry!;
            }
        }

        foreach (var c in county)
        {
            var p = c.Properties;
            p["nameZh"] = p["name"]?.DeepClone();
            p["provinceId"] = p["province"]?.DeepClone();
            p["code"] = p["adcode"]?.DeepClone();
        }

        var indexWatch = Stopwatch.StartNew();
        var layers = new AuditLayers(
            Layer("counties", LayerKinds.Jurisdiction, county),
            Layer("ecological-redline", "control:ecological-redline", eco),
            Layer("permanent-farmland", "control:permanent-farmland", farmland),
            Layer("urban-boundary", "control:urban-boundary", urban));
        var records = new List<PlanFeature>();
        foreach (var name in new[] { "rules", "categories" })
        {
            records.AddRange((await DatasetBuilder.ReadLayerFileAsync(Path.Combine(dataset, "layers", name + ".json"), Projection, ct)).Features);
        }

        SnapshotLayer[] all = [layers.Counties, layers.Eco, layers.Farmland, layers.Urban];
        var version = new PlanVersion("anchors@1", "anchors", 1, "PostGIS harness data", new DateOnly(2026, 11, 28), DateTimeOffset.UtcNow);
        var exact = PlanSnapshot.FromProjected(version, new PlanSettings(Projection, 0), all, records);
        var engine = PlanSnapshot.FromProjected(version, new PlanSettings(Projection, PlanSettings.DefaultEdgeToleranceM), all, records);
        var footprints = projects.Select(p => Audit.MetricFootprint(lonLat[p.Id], p.Geometry, category)).ToArray();
        result["load"] = new JsonObject
        {
            ["read_s"] = Stats.Round(readSeconds),
            ["index_s"] = Stats.Round(indexWatch.Elapsed.TotalSeconds),
            ["total_s"] = Stats.Round(load.Elapsed.TotalSeconds),
            ["features"] = new JsonObject { ["county"] = county.Length, ["eco_redline"] = eco.Length, ["farmland"] = farmland.Length, ["urban_boundary"] = urban.Length, ["projects"] = projects.Length },
            ["managed_heap_mib"] = GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024),
        };
        Console.Error.WriteLine($"loaded in {load.Elapsed.TotalSeconds:0.0} s: {farmland.Length:N0} parcels, {projects.Length:N0} projects (load {Stats.Load()})");

        // ---- W1: random ids over the harness's range, seeded; each call timed alone, single thread
        var index = projects.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var maxId = projects.Max(p => p.Id);
        var random = new Random(Seed);
        var ids = Enumerable.Range(0, Warmup + Calls).Select(_ => index[random.NextInt64(1, maxId + 1)]).ToArray();
        var w1 = new JsonObject();
        long sink = 0;
        w1["context_tol0"] = TimeCalls(ids, i => sink += Audit.Answer(exact, layers, projects[i].Id, footprints[i]).FarmlandN);
        w1["context_tol1"] = TimeCalls(ids, i => sink += Audit.Answer(engine, layers, projects[i].Id, footprints[i]).FarmlandN);
        w1["checker_full"] = TimeCalls(ids, i => sink += AlignmentChecker.Check(engine, footprints[i]).Overlaps.Count);
        w1["create_and_check"] = TimeCalls(ids, i =>
        {
            var (footprint, problem) = Footprint.Create(lonLat[projects[i].Id], category, null, [], engine);
            sink += footprint is null ? (int)problem!.Kind : AlignmentChecker.Check(engine, footprint).Overlaps.Count;
        });
        w1["breakdown_tol0"] = Breakdown(exact, layers, ids, footprints);
        w1["sink"] = sink;
        result["w1"] = w1;
        Console.Error.WriteLine($"W1 done (load {Stats.Load()})");

        // ---- W2: every project in spatial order, Parallel over all cores, then serially
        var answers = new Answer[projects.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        var serial = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = ct };
        var metrics = footprints.Select(f => f.Metric).ToArray();
        Action<int> auditExact = i => answers[i] = Audit.Answer(exact, layers, projects[i].Id, footprints[i]);
        // Both paths warmed alike before either is timed: the JIT's tiers and profile-guided recompilation keep making
        // the audit faster over its first runs (CPU per serial run fell 0.97 → 0.64 s over five runs), so timing the
        // parallel runs first and the serial runs after them would compare cold code with warm code.
        for (var w = 0; w < W2Warmup && W2Runs > 0; w++)
        {
            TimeAudit(1, parallel, metrics, auditExact, projects.Length, "warm-up ");
            TimeAudit(1, serial, metrics, auditExact, projects.Length, "warm-up ");
        }

        if (Environment.GetEnvironmentVariable("W2_ALLOCATIONS") == "1")
        {
            // What one serial audit allocates, by type (sampled), for the closing note of a change.
            using var sampler = new AllocationSampler();
            TimeAudit(1, serial, metrics, auditExact, projects.Length, "sampled ");
            foreach (var (type, bytes) in sampler.Top(20))
            {
                Console.Error.WriteLine($"    {bytes / 1048576.0,8:0.0} MB  {type}");
            }
        }

        var w2 = new JsonObject
        {
            ["parallel_tol0"] = TimeAudit(W2Runs, parallel, metrics, auditExact, projects.Length),
            ["serial_tol0"] = TimeAudit(W2SerialRuns, serial, metrics, auditExact, projects.Length),
        };
        var engineAnswers = new Answer[projects.Length];
        w2["parallel_tol1"] = TimeAudit(Math.Min(1, W2Runs), parallel, metrics, i => engineAnswers[i] = Audit.Answer(engine, layers, projects[i].Id, footprints[i]), projects.Length);
        var verdicts = new string[projects.Length];
        w2["parallel_checker_full"] = TimeAudit(Math.Min(1, W2Runs), parallel, metrics, i => verdicts[i] = AlignmentChecker.Check(engine, footprints[i]).Result, projects.Length);
        w2["verdicts"] = new JsonObject(verdicts.OfType<string>().GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count())));
        result["w2"] = w2;
        Console.Error.WriteLine($"W2 done (load {Stats.Load()})");

        // ---- answers and the comparison with PostGIS
        if (W2Runs == 0)
        {
            await File.WriteAllTextAsync(Path.Combine(output, "inproc.json"), result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ct);
            return result;
        }

        Compare.WriteCsv(answers, Path.Combine(output, "audit_metrocircle_tol0.csv"));
        Compare.WriteCsv(engineAnswers, Path.Combine(output, "audit_metrocircle_tol1.csv"));
        var csv = Path.Combine(data, "audit_w2.csv");
        if (File.Exists(csv))
        {
            var postgis = Compare.ReadPostgis(csv);
            result["compare_tol0"] = Compare.Run(answers, postgis, Path.Combine(output, "mismatches_tol0.csv"));
            result["compare_tol1"] = Compare.Run(engineAnswers, postgis, Path.Combine(output, "mismatches_tol1.csv"));
            result["audit_w2_csv"] = new JsonObject { ["path"] = csv, ["modified"] = File.GetLastWriteTimeUtc(csv).ToString("O", CultureInfo.InvariantCulture), ["rows"] = postgis.Count };
        }
        else
        {
            result["compare_tol0"] = $"{csv} not found: run the harness's W2 first";
        }

        result["load_at_end"] = Stats.Load();
        await File.WriteAllTextAsync(Path.Combine(output, "inproc.json"), result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ct);
        return result;
    }

    internal static SnapshotLayer Layer(string id, string kind, LayerRow[] rows) =>
        new(new PlanLayer(id, kind, id, id, id, LayerGeometry.Polygon, 1, []),
            rows.Select(r => new SnapshotFeature(r.Id.ToString(CultureInfo.InvariantCulture), r.Geometry, r.Properties)).ToArray());

    private JsonObject TimeCalls(int[] ids, Action<int> call) =>
        Stats.TimeCalls(Warmup, Calls, Repeats, i => call(ids[i % ids.Length]), i => call(ids[Warmup + i]));

    /// <summary>
    /// Where a check's time goes: each layer's part of the exact (tolerance 0) answer timed apart, as
    /// <see cref="Audit.Answer"/> computes it; "intersecting" counts counties and parcels, and 0/1 for red line and urban.
    /// </summary>
    private JsonObject Breakdown(PlanSnapshot snapshot, AuditLayers layers, int[] ids, Footprint[] footprints)
    {
        SnapshotLayer[] order = [layers.Counties, layers.Eco, layers.Farmland, layers.Urban];
        var ticks = new long[order.Length];
        var perCall = order.Select(_ => new long[Calls]).ToArray();
        var candidates = new long[order.Length];
        var query = new long[order.Length];
        var hits = new long[order.Length];
        long contexts = 0;
        for (var n = 0; n < Calls; n++)
        {
            var footprint = footprints[ids[Warmup + n]];
            var at = Stopwatch.GetTimestamp();
            var ctx = new CheckContext(snapshot, footprint);
            contexts += Stopwatch.GetTimestamp() - at;
            for (var l = 0; l < order.Length; l++)
            {
                at = Stopwatch.GetTimestamp();
                hits[l] += l switch
                {
                    0 => Audit.Counties(ctx, order[l]).Length,
                    1 => ctx.IntersectsAny(order[l]) ? 1 : 0,
                    2 => Audit.Farmland(ctx, order[l]).N,
                    _ => Audit.Urban(ctx, order[l]) == "outside" ? 0 : 1,
                };
                var spent = Stopwatch.GetTimestamp() - at;
                ticks[l] += spent;
                perCall[l][n] = spent;
                var search = footprint.Metric.EnvelopeInternal;
                at = Stopwatch.GetTimestamp();
                candidates[l] += order[l].Candidates(search).Count;
                query[l] += Stopwatch.GetTimestamp() - at;
            }
        }

        var result = new JsonObject { ["new_context_us"] = Stats.Round(Stats.Ms(contexts) * 1000 / Calls) };
        for (var l = 0; l < order.Length; l++)
        {
            result[order[l].Layer.Id] = new JsonObject
            {
                ["mean_us"] = Stats.Round(Stats.Ms(ticks[l]) * 1000 / Calls),
                ["p50_us"] = Stats.Round(Stats.Percentile(perCall[l].Select(Stats.Ms).Order().ToArray(), 50) * 1000),
                ["p99_us"] = Stats.Round(Stats.Percentile(perCall[l].Select(Stats.Ms).Order().ToArray(), 99) * 1000),
                ["share_of_time_in_slowest_1pct"] = Stats.Round(perCall[l].Order().TakeLast(Math.Max(1, Calls / 100)).Sum() / (double)Math.Max(1, ticks[l])),
                ["candidates_per_call"] = Stats.Round((double)candidates[l] / Calls),
                ["index_query_mean_us"] = Stats.Round(Stats.Ms(query[l]) * 1000 / Calls),
                ["intersecting_per_call"] = Stats.Round((double)hits[l] / Calls),
            };
        }

        return result;
    }

    /// <summary>
    /// One batch audit per run: the projects put in spatial order (<see cref="BatchOrder.Spatial"/>, inside the timed
    /// part) so that consecutive checks work on neighbouring parcels, then Parallel.For over that order.
    /// </summary>
    private static JsonObject TimeAudit(int runs, ParallelOptions options, NetTopologySuite.Geometries.Geometry[] footprints, Action<int> check, int count,
        string label = "")
    {
        if (runs == 0)
        {
            return new JsonObject { ["threads"] = options.MaxDegreeOfParallelism, ["skipped"] = true };
        }

        var times = new JsonArray();
        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            GC.Collect();
            var load = Stats.Load();
            // CPU time of the whole process beside the wall time: on cores shared with other jobs it stays close to
            // the work done, while the wall time also holds the time spent waiting for a core.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var collections = GC.CollectionCount(0);
            var watch = Stopwatch.StartNew();
            var order = BatchOrder.Spatial(footprints);
            Parallel.For(0, count, options, i => check(order[i]));
            var s = watch.Elapsed.TotalSeconds;
            var cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var allocatedMb = (GC.GetTotalAllocatedBytes() - allocated) / 1048576.0;
            collections = GC.CollectionCount(0) - collections;
            seconds.Add(s);
            cpuSeconds.Add(cpuS);
            times.Add(new JsonObject { ["wall_s"] = Stats.Round(s), ["cpu_s"] = Stats.Round(cpuS), ["allocated_mb"] = Stats.Round(allocatedMb), ["gen0_collections"] = collections, ["load"] = load });
            Console.Error.WriteLine($"  {label}audit of {count:N0} projects, {options.MaxDegreeOfParallelism} thread(s): {s:0.00} s, CPU {cpuS:0.00} s, {allocatedMb:0} MB allocated, {collections} collections (load {load})");
        }

        return new JsonObject
        {
            ["threads"] = options.MaxDegreeOfParallelism,
            ["wall_s_median"] = Stats.Round(Stats.Median(seconds)),
            ["wall_s_min"] = Stats.Round(seconds.Min()),
            ["cpu_s_median"] = Stats.Round(Stats.Median(cpuSeconds)),
            ["runs"] = times,
        };
    }
}
