using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle mismatch --year Y [--json]</c>: the spatial-mismatch analysis of a year;
/// <c>mismatch import FILE</c>: an OD file, every bad row reported and nothing written if any;
/// <c>mismatch synthesize --year Y [--dataset DIR]</c>: the SYNTHETIC demo county figures and OD matrix of a dataset.
/// </summary>
internal static class MismatchVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct) => args.Positional switch
    {
        ["import", var file] => await ImportAsync(args, file, output, ct),
        ["synthesize"] => await SynthesizeAsync(args, output, ct),
        [] => await AnalyseAsync(args, output, ct),
        _ => throw new UsageException("mismatch needs: --year YEAR [--json] | import FILE | synthesize --year YEAR [--dataset DIR]"),
    };

    private static int Year(CliArguments args) =>
        int.TryParse(args.Option("year"), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y >= ObservationValidator.EarliestYear && y <= 2100
            ? y : throw new UsageException($"mismatch needs --year YEAR, a year from {ObservationValidator.EarliestYear} to 2100");

    private static async Task<int> AnalyseAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var year = Year(args);
        var json = args.Flag("json");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; run `metrocircle seed` first");
        var gathered = await MismatchData.GatherAsync(store, store, store, version, year, (v, c) => PlanSnapshot.BuildAsync(store, v, c), ct, store, store);
        var report = MismatchReport.Of(gathered);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(report, Json));
            return 0;
        }

        await output.WriteLineAsync($"spatial mismatch {year}, plan version {report.Version}{(report.VersionBefore is null ? "" : $" (land growth against {report.VersionBefore})")}: " +
            $"{report.Flows} flows, {report.Findings.Count(f => f.Status == "finding")} findings{(report.Synthetic ? "; SYNTHETIC inputs (demo data), not official figures" : "")}");
        foreach (var f in report.Findings)
        {
            await output.WriteLineAsync(f.Status == "finding" ? $"  {f.Kind}: {f.Message}" : $"  {f.Kind}: not applicable: {f.Message}");
        }

        return 0;
    }

    private static async Task<int> ImportAsync(CliArguments args, string file, TextWriter output, CancellationToken ct)
    {
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; run `metrocircle seed` first");
        IReadOnlyList<CommuteRow> rows;
        try
        {
            rows = await CommuteFile.ReadAsync(file, ct);
        }
        catch (ObservationFileException e)
        {
            throw new CommandException($"{file}: {e.Message}; nothing was imported");
        }

        var index = await JurisdictionIndex.LoadAsync(store, version.Id, await store.GetLayersAsync(version, ct), ct);
        var validation = CommuteValidator.Validate(rows, index.IdsOf(PlanIndicators.ScopeLayers["county"]).ToHashSet(StringComparer.Ordinal), index.Resolve, DateTime.UtcNow.Year);
        if (!validation.Ok)
        {
            var lines = validation.Problems.Select(p => $"  line {p.Line}: {p.Message}");
            throw new CommandException($"{file}: {validation.Problems.Count} of {rows.Count} rows are bad; nothing was imported{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
        }

        var result = await store.ImportCommuteFlowsAsync(validation.Valid, imported => new AuditRecord(StoreOptions.Actor, "commuting.imported", version.Id, new JsonObject
        {
            ["file"] = Path.GetFileName(file),
            ["added"] = imported.Added,
            ["replaced"] = imported.Replaced.Count,
        }.ToJsonString()), ct);
        await output.WriteLineAsync($"imported {validation.Valid.Count} commuting flows from {file}: {result.Added} added, {result.Replaced.Count} replaced");
        return 0;
    }

    /// <summary>Writes observations/synthetic-county.csv and observations/synthetic-commuting.csv of a dataset from its built counties.</summary>
    private static async Task<int> SynthesizeAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var year = Year(args);
        var folder = StoreOptions.DatasetFolder(args.Option("dataset"));
        args.RejectUnknown();
        var (figures, flows) = await SynthesizeAsync(folder, year, ct);
        var directory = Path.Combine(folder, "observations");
        await File.WriteAllTextAsync(Path.Combine(directory, "synthetic-county.csv"), SyntheticCommuting.WriteFigures(figures), ct);
        await File.WriteAllTextAsync(Path.Combine(directory, "synthetic-commuting.csv"), CommuteFile.Write(flows), ct);
        await output.WriteLineAsync($"wrote {figures.Count} SYNTHETIC county figures and {flows.Count} SYNTHETIC flows for {year} into {directory}");
        return 0;
    }

    internal static async Task<(IReadOnlyList<Observation> Figures, IReadOnlyList<CommuteFlow> Flows)> SynthesizeAsync(string folder, int year, CancellationToken ct)
    {
        var build = await DatasetBuilder.BuildAsync(folder, ct);
        var snapshot = PlanSnapshot.Create(build.Version, build.Layers, build.Features);
        var counties = MismatchData.Counties(snapshot);
        return (SyntheticCommuting.Figures(counties, year), SyntheticCommuting.Flows(counties, year));
    }
}
