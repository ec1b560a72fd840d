using System.Diagnostics;
using System.Globalization;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// For work on the engine, not for the record: the serial W2 audit (tolerance 0) split by layer, each part run over
/// all projects several times, with the minimum wall and process CPU time per pass. The minimum over passes is the
/// figure least disturbed by other jobs on shared cores; run it under <c>perf</c> to see where a part's time goes.
/// </summary>
internal static class Profile
{
    public static async Task RunAsync(string data, int passes, string parts, bool spatial, CancellationToken ct)
    {
        var county = await MetricGpkg.ReadAsync(Path.Combine(data, "county_aea.gpkg"), "county", ["adcode", "name"], ct);
        var eco = await MetricGpkg.ReadAsync(Path.Combine(data, "eco_redline_aea.gpkg"), "eco_redline", [], ct);
        var urban = await MetricGpkg.ReadAsync(Path.Combine(data, "urban_boundary_aea.gpkg"), "urban_boundary", [], ct);
        var farmland = await MetricGpkg.ReadAsync(Path.Combine(data, "farmland_aea.gpkg"), "farmland", [], ct);
        var projects = await MetricGpkg.ReadAsync(Path.Combine(data, "projects_aea.gpkg"), "projects", [], ct);
        var layers = new AuditLayers(
            InProcessRun.Layer("counties", LayerKinds.Jurisdiction, county),
            InProcessRun.Layer("ecological-redline", "control:ecological-redline", eco),
            InProcessRun.Layer("permanent-farmland", "control:permanent-farmland", farmland),
            InProcessRun.Layer("urban-boundary", "control:urban-boundary", urban));
        var version = new PlanVersion("anchors@1", "anchors", 1, "PostGIS harness data", new DateOnly(2026, 11, 28), DateTimeOffset.UtcNow);
        var snapshot = PlanSnapshot.FromProjected(version, new PlanSettings(new EqualAreaProjection(38.5, 116.5, 36.5, 41.5), 0),
            [layers.Counties, layers.Eco, layers.Farmland, layers.Urban], []);
        var footprints = projects.Select(p => Audit.MetricFootprint(p.Geometry, p.Geometry, "housing")).ToArray();
        if (spatial)
        {
            var order = BatchOrder.Spatial(footprints.Select(f => f.Metric).ToArray());
            footprints = order.Select(i => footprints[i]).ToArray();
        }

        Console.Error.WriteLine($"loaded (load {Stats.Load()})");

        long sink = 0;
        var all = new (string Name, Action<CheckContext> Part)[]
        {
            ("context", _ => { }),
            ("counties", c => sink += Audit.Counties(c, layers.Counties).Length),
            ("eco", c => sink += c.IntersectsAny(layers.Eco) ? 1 : 0),
            ("farmland", c => sink += Audit.Farmland(c, layers.Farmland).N),
            ("urban", c => sink += Audit.Urban(c, layers.Urban).Length),
            ("answer", c => sink += Audit.Answer(snapshot, layers, 0, c.Footprint).FarmlandN),
        };
        foreach (var (name, part) in all.Where(p => parts == "all" || parts.Split(',').Contains(p.Name)))
        {
            double wall = double.MaxValue, cpu = double.MaxValue;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var pass = 0; pass < passes; pass++)
            {
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < footprints.Length; i++)
                {
                    part(new CheckContext(snapshot, footprints[i]));
                }

                wall = Math.Min(wall, watch.Elapsed.TotalSeconds);
                allocated = pass == 0 ? GC.GetAllocatedBytesForCurrentThread() - allocated : allocated;
                cpu = Math.Min(cpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-10} min of {passes}: wall {wall * 1e6 / footprints.Length,6:0.00} µs/check, CPU {cpu * 1e6 / footprints.Length,6:0.00} µs/check, {allocated / footprints.Length,5} B/check (load {Stats.Load()})"));
        }

        Console.Error.WriteLine($"sink {sink}");
    }
}
