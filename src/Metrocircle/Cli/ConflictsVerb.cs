using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Formats.GeoPackage;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle conflicts [--json] [--out FILE.gpkg|FILE.geojson]</c>: every conflict patch of the plan in force, by the
/// plan's conflict rules, with its status (accepted by the office, resolved by the amendment that made the version).
/// </summary>
internal static class ConflictsVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly GpkgColumn[] Columns =
    [
        new("id", false), new("rule", false), new("severity", false), new("status", false), new("layerA", false), new("featureA", false),
        new("layerB", false), new("featureB", false), new("county", false), new("province", false), new("areaM2", true), new("lengthM", true),
        new("reason", false), new("amendmentId", false), new("planVersion", false),
    ];

    private static object?[] Values(string id, ConflictProperties p) =>
        [id, p.Rule, p.Severity, p.Status, p.LayerA, p.FeatureA, p.LayerB, p.FeatureB, p.County, p.Province, p.AreaM2, p.LengthM, p.Reason, p.AmendmentId, p.PlanVersion];

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 0)
        {
            throw new UsageException("conflicts takes no file; use --out FILE.gpkg or --out FILE.geojson to write the patches");
        }

        var json = args.Flag("json");
        var outPath = args.Option("out");
        var geoPackage = outPath?.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase) ?? false;
        if (outPath is not null && !geoPackage && !outPath.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase) && !outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out must name a .gpkg (GeoPackage) or .geojson file; got \"{outPath}\"");
        }

        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var snapshot = await AuditVerb.LoadSnapshotAsync(store, ct);
        var clock = Stopwatch.StartNew();
        ConflictHistory history;
        try
        {
            history = await ConflictHistory.LoadAsync(store, snapshot, (before, token) => PlanSnapshot.BuildAsync(store, before, token), ct);
        }
        catch (FormatException e)
        {
            throw new CommandException($"the conflict rules of {snapshot.Version.Id} (or of the version before it) are malformed: {e.Message}");
        }

        clock.Stop();
        var report = history.Report;
        var patches = history.WithStatus(await ((IConflictStore)store).ListConflictAcceptancesAsync(ct));
        var features = patches.Select(p => ConflictFeature.From(p, snapshot.Projection, report.PlanVersion)).ToList();

        if (geoPackage)
        {
            await GeoPackageWriter.WriteAsync(outPath!, "conflicts", $"Conflict patches of {report.PlanVersion} (computed by Metrocircle from the plan's conflict rules)",
                Columns, features.Select(f => new GpkgRow(GeoJsonGeometry.Read(f.Geometry)!, Values(f.Id, f.Properties))), ct);
        }
        else if (outPath is not null)
        {
            var full = Path.GetFullPath(outPath);
            var temp = full + ".partial";
            await using (var stream = File.Create(temp))
            {
                await JsonSerializer.SerializeAsync(stream, new { type = "FeatureCollection", planVersion = report.PlanVersion, features }, Json, ct);
            }

            File.Move(temp, full, overwrite: true);
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { planVersion = report.PlanVersion, rules = report.Rules, conflicts = features },
                new JsonSerializerOptions(Json) { WriteIndented = true }));
            return 0;
        }

        var table = new Table().AddColumns("rule", "severity", "applies", "patches", "area (ha)", "length (km)", "slivers", "note");
        foreach (var r in report.Rules)
        {
            table.AddRow(Markup.Escape(r.Rule), r.Severity, r.Applicable ? "yes" : "no", r.Patches.ToString(CultureInfo.InvariantCulture),
                (r.AreaM2 / 1e4).ToString("0.00", CultureInfo.InvariantCulture), (r.LengthM / 1e3).ToString("0.000", CultureInfo.InvariantCulture),
                r.Slivers.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Note ?? string.Empty));
        }

        console.Write(table);
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{report.Patches.Count} conflict patches in {report.PlanVersion} ({clock.ElapsedMilliseconds} ms)"));
        foreach (var status in patches.GroupBy(p => p.Status).OrderBy(g => g.Key))
        {
            line.Append(CultureInfo.InvariantCulture, $"; {status.Count()} {ConflictFeature.Name(status.Key)}");
        }

        if (outPath is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $"; written to {outPath}");
        }

        console.WriteLine(line.ToString());
        return 0;
    }
}
