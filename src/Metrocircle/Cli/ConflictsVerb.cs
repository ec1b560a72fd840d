using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metrocircle.Core.Conflicts;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle conflicts [--json] [--out FILE.geojson]</c>: every conflict patch of the plan in force, by the plan's
/// conflict rules. GeoJSON only: Metrocircle.Formats has no GeoPackage writer yet.
/// </summary>
internal static class ConflictsVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 0)
        {
            throw new UsageException("conflicts takes no file; use --out FILE.geojson to write the patches");
        }

        var json = args.Flag("json");
        var outPath = args.Option("out");
        if (outPath is not null && !outPath.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase) && !outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out must name a .geojson file (GeoPackage output is not built yet); got \"{outPath}\"");
        }

        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var snapshot = await AuditVerb.LoadSnapshotAsync(store, ct);
        IReadOnlyList<ConflictRule> rules;
        try
        {
            rules = await ConflictRule.LoadAsync(store, snapshot.Version.Id, ct);
        }
        catch (FormatException e)
        {
            throw new CommandException($"the conflict rules of {snapshot.Version.Id} are malformed: {e.Message}");
        }

        var clock = Stopwatch.StartNew();
        var report = ConflictDetector.Detect(snapshot, rules, ct);
        clock.Stop();
        var features = report.Patches.Select(p => ConflictFeature.From(p, snapshot.Projection, report.PlanVersion)).ToList();

        if (outPath is not null)
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
        if (outPath is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $"; written to {outPath}");
        }

        console.WriteLine(line.ToString());
        return 0;
    }
}
