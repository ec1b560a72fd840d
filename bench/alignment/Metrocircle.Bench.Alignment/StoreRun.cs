using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Relational;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// W1 in process on a real store: the plan in force is loaded into its alignment snapshot exactly as
/// <c>metrocircle serve</c> builds it (<see cref="PlanSnapshot.BuildAsync"/>), then the POST /checks bodies are checked
/// one after another, each call timed alone. What is timed is what the endpoint does between reading the body and
/// storing the verdict: <see cref="Footprint.FromFeature"/>, <see cref="AlignmentChecker.Check"/> and the verdict
/// document's JSON. Unlike <c>inproc</c>, this needs no metric GeoPackage of the farmland layer, so it runs at ten
/// million parcels on the store the scale run imported.
/// </summary>
internal sealed class StoreRun(string storeSpec, string bodiesPath)
{
    public int Calls { get; init; } = 10_000;

    public int Warmup { get; init; } = 2_000;

    public int Repeats { get; init; } = 3;

    /// <summary>A layer whose tile snapshot is built (and timed) first, as the web host builds it on a first tile request; null: none.</summary>
    public string? TileLayer { get; init; }

    /// <summary>Only the tile snapshot: no alignment snapshot, no W1.</summary>
    public bool TilesOnly { get; init; }

    public async Task<JsonObject> RunAsync(CancellationToken ct)
    {
        var result = new JsonObject
        {
            ["date"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["processors"] = Environment.ProcessorCount,
            ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            ["load_at_start"] = Stats.Load(),
            ["store"] = storeSpec.StartsWith("sqlite:", StringComparison.Ordinal) ? storeSpec : "postgresql",
        };

        var bodies = File.ReadLines(bodiesPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l)).ToArray();
        if (bodies.Length == 0)
        {
            throw new InvalidOperationException($"{bodiesPath} holds no bodies");
        }

        await using var store = Open(storeSpec);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new InvalidOperationException($"{storeSpec} holds no plan");
        if (TileLayer is not null)
        {
            var tiles = Stopwatch.StartNew();
            var tileSnapshot = await Metrocircle.Core.Tiles.TileSnapshot.BuildAsync(TileLayer, store.StreamFeaturesAsync(version.Id, TileLayer, ct), ct);
            result["tile_snapshot"] = new JsonObject
            {
                ["layer"] = TileLayer,
                ["features"] = tileSnapshot.Count,
                ["build_s"] = Stats.Round(tiles.Elapsed.TotalSeconds),
                ["rss"] = Rss(),
            };
            Console.Error.WriteLine($"tile snapshot of {TileLayer}: {tileSnapshot.Count:N0} features in {tiles.Elapsed.TotalSeconds:0.0} s ({Rss()}; load {Stats.Load()})");
            GC.KeepAlive(tileSnapshot);
            if (TilesOnly)
            {
                return result;
            }
        }

        var build = Stopwatch.StartNew();
        var snapshot = await PlanSnapshot.BuildAsync(store, version, ct);
        var buildSeconds = build.Elapsed.TotalSeconds;
        var counts = new JsonObject();
        foreach (var layer in snapshot.Layers)
        {
            counts[layer.Layer.Id] = layer.Features.Count;
        }

        result["snapshot"] = new JsonObject
        {
            ["version"] = version.Id,
            ["build_s"] = Stats.Round(buildSeconds),
            ["features"] = counts,
            ["managed_heap_mib"] = GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024),
            ["rss"] = Rss(),
        };
        Console.Error.WriteLine($"snapshot of {version.Id} built in {buildSeconds:0.0} s ({Rss()}; load {Stats.Load()})");

        long sink = 0;
        var checkOnly = TimeCalls(bodies, b =>
        {
            var (footprint, problem) = Footprint.FromFeature(b.RootElement, snapshot);
            sink += footprint is null ? (int)problem!.Kind : AlignmentChecker.Check(snapshot, footprint).Overlaps.Count;
        });
        var withDocument = TimeCalls(bodies, b =>
        {
            var (footprint, problem) = Footprint.FromFeature(b.RootElement, snapshot);
            if (footprint is null)
            {
                sink += (int)problem!.Kind;
                return;
            }

            var verdict = AlignmentChecker.Check(snapshot, footprint);
            sink += CheckDocument.Create(CheckDocument.NewId(), DateTimeOffset.UtcNow, footprint, verdict).ToJsonString().Length;
        });
        result["w1"] = new JsonObject { ["check"] = checkOnly, ["check_and_document"] = withDocument, ["sink"] = sink };
        result["rss_after"] = Rss();
        Console.Error.WriteLine(
            $"W1 in process: check p50 {checkOnly["p50_ms_median"]} ms, with the verdict document p50 {withDocument["p50_ms_median"]} ms (load {Stats.Load()})");
        return result;
    }

    private static RelationalStore Open(string spec) => spec.StartsWith("sqlite:", StringComparison.Ordinal)
        ? new SqlitePlanStore(spec["sqlite:".Length..], MapMegabytes())
        : new PostgresPlanStore(spec);

    /// <summary>METROCIRCLE_SQLITE_MMAP_MB as <c>metrocircle serve</c> reads it, so that both read the store alike.</summary>
    private static int MapMegabytes() =>
        int.TryParse(Environment.GetEnvironmentVariable(SqlitePlanStore.MapVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var mb)
            ? Math.Min(mb, SqlitePlanStore.MaxMapMegabytes)
            : SqlitePlanStore.DefaultMapMegabytes;

    private static string Rss()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return "?";
        }

        var lines = File.ReadAllLines(status);
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim() ?? "?";
        return $"VmRSS {Field("VmRSS:")}, RssAnon {Field("RssAnon:")}, VmHWM {Field("VmHWM:")}";
    }

    private JsonObject TimeCalls(JsonDocument[] bodies, Action<JsonDocument> call) =>
        Stats.TimeCalls(Warmup, Calls, Repeats, i => call(bodies[i % bodies.Length]), i => call(bodies[i % bodies.Length]));
}
