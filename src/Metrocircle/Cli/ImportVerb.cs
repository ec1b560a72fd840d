using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Formats;
using Metrocircle.Formats.Import;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle import FILE --layer ID --rationale TEXT</c>: streams a GeoJSON, GeoJSON text sequence, GeoPackage or Shapefile into
/// a new plan version in which that layer is replaced, in one transaction. <c>--map mapping.json</c> reads an agency's
/// file through a field map (<see cref="FieldMap"/>); a value the map or the kind's schema cannot place is reported per
/// feature and nothing is imported.
/// </summary>
internal static partial class ImportVerb
{
    private const int ReportLinesShown = 50;

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("import needs exactly one FILE");
        }

        var file = args.Positional[0];
        var layerId = args.Option("layer") ?? throw new UsageException("import needs --layer ID");
        if (!LayerId().IsMatch(layerId))
        {
            throw new UsageException($"--layer \"{layerId}\" is not a layer id: use lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }

        var rationale = args.Option("rationale");
        if (string.IsNullOrWhiteSpace(rationale))
        {
            throw new UsageException("import needs --rationale TEXT: why the layer is replaced, recorded with the new plan version (metrocircle versions, GET /versions)");
        }

        var kind = args.Option("kind");
        if (kind is not null && !LayerKinds.IsValid(kind))
        {
            throw new UsageException($"--kind \"{kind}\" is not a layer kind: use one of jurisdiction, circle, structure, corridor, key-area, control, thematic, sector, record, optionally with a sub-kind (control:permanent-farmland, sector:transport)");
        }

        var mapPath = args.Option("map");
        var title = args.Option("title");
        var certaintyText = args.Option("certainty") ?? "indicative";
        if (!Provenance.TryParse(certaintyText, out var certainty))
        {
            throw new UsageException($"--certainty \"{certaintyText}\" must be confirmed, indicative or synthetic");
        }

        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();

        var fileName = Path.GetFileName(file);
        try
        {
            // The map is checked before the store is touched: a broken map is the operator's to fix, whatever the file holds.
            var map = mapPath is null ? null : await FieldMap.LoadAsync(mapPath, kind, ct);
            await using var reader = await LayerFile.OpenAsync(file, ct);
            await store.MigrateAsync(ct);
            var version = await store.GetCurrentVersionAsync(ct)
                ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed` before importing a layer");
            var layers = await store.GetLayersAsync(version.Id, ct);
            var existing = layers.FirstOrDefault(l => l.Id == layerId);
            var layerKind = kind ?? map?.Kind ?? existing?.Kind ?? LayerKinds.Thematic;
            if (map?.Kind is { } mapKind && mapKind != layerKind)
            {
                throw new CommandException($"field map {mapPath} is written for {mapKind}, but layer {layerId} is {layerKind}; nothing was written");
            }

            var report = new ImportReport($"import {fileName} ({reader.Format}) into layer {layerId}") { Rationale = rationale.Trim() };
            await using var import = await LayerImport.StartAsync(reader, layerId, report, ct, KindSchemas.For(layerKind), map);
            var layer = new PlanLayer(
                layerId,
                layerKind,
                title ?? existing?.TitleZh ?? layerId,
                title ?? existing?.TitleEn ?? layerId,
                $"imported from {fileName} ({reader.Format})",
                import.Geometry,
                existing?.Order ?? (layers.Count == 0 ? 0 : layers.Max(l => l.Order) + 1),
                import.Attributes);
            var provenance = new Provenance(fileName, certainty,
                certainty == Certainty.Indicative ? $"imported from {fileName}; the file does not state how certain it is" : null);

            var written = new WrittenCounter();
            var clock = Stopwatch.StartNew();
            var work = store.ReplaceLayerAsync(version.PlanId, layer, import.FeaturesAsync(provenance, ct), report, written,
                imported => new Core.Audit.AuditRecord(StoreOptions.Actor, "layer.imported", imported.Id, new System.Text.Json.Nodes.JsonObject
                {
                    ["layer"] = layerId,
                    ["kind"] = layer.Kind,
                    ["file"] = fileName,
                    ["read"] = report.Read,
                    ["stored"] = report.Stored,
                }.ToJsonString()), ct);
            var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            await (interactive
                ? ShowLiveProgressAsync(console, work, reader, written, clock, layerId)
                : ShowPlainProgressAsync(output, work, reader, written, clock, layerId, ct));
            var newVersion = await work;
            clock.Stop();
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"imported {report.Stored:N0} of {report.Read:N0} features into layer {layerId} ({layer.Kind}, {layer.Geometry}) as plan version {newVersion.Id} in {seconds:0.0} s ({report.Read / seconds:N0} features/s)"));
            await WriteReportAsync(output, report);
            return 0;
        }
        catch (ImportRejectedException e)
        {
            await WriteRejectionsAsync(output, e);
            throw new CommandException(e.Message);
        }
        catch (LayerFileException e)
        {
            throw new CommandException($"{e.Message}; nothing was written");
        }
    }

    private static async Task ShowLiveProgressAsync(IAnsiConsole console, Task work, LayerReader reader, WrittenCounter written, Stopwatch clock, string layerId)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"importing {layerId}"), maxValue: 100);
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(250, CancellationToken.None));
                    task.Value = reader.Fraction * 100;
                    task.Description = Markup.Escape(Line(layerId, written.Value, reader.Fraction, clock));
                }

                if (work.IsCompletedSuccessfully)
                {
                    task.Value = 100;
                }
            });
    }

    /// <summary>Redirected output gets a line a second, which logs and the tests can read.</summary>
    private static async Task ShowPlainProgressAsync(TextWriter output, Task work, LayerReader reader, WrittenCounter written, Stopwatch clock, string layerId, CancellationToken ct)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(1000, CancellationToken.None));
            if (!work.IsCompleted && !ct.IsCancellationRequested)
            {
                await output.WriteLineAsync(Line(layerId, written.Value, reader.Fraction, clock));
                await output.FlushAsync(CancellationToken.None);
            }
        }
    }

    private static string Line(string layerId, long written, double fraction, Stopwatch clock) => string.Create(CultureInfo.InvariantCulture,
        $"importing {layerId}: {written:N0} features written, {fraction * 100:0}% of the file read, {written / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} features/s");

    /// <summary>The counts and the first lines; a long report is kept whole in the store, not flooded onto the terminal.</summary>
    private static async Task WriteReportAsync(TextWriter output, ImportReport report)
    {
        // Only the lines shown are rendered: a capped report still holds 100,000 issue lines.
        var lines = report.ToText(ReportLinesShown).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line.TrimEnd('\r'));
        }

        if (report.Issues.Count > ReportLinesShown)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  ... and {report.Issues.Count - ReportLinesShown:N0} more lines; the store keeps the whole report (GET /import-reports)"));
        }
    }

    /// <summary>Every refused value, one line each (feature, field, value, why), up to the kept lines.</summary>
    private static async Task WriteRejectionsAsync(TextWriter output, ImportRejectedException e)
    {
        await output.WriteLineAsync(e.Map is null
            ? $"Import refused: {e.Features:N0} features do not fit the layer kind's codes"
            : $"Import refused: {e.Features:N0} features have values the map does not place; {e.Map.Note}");
        foreach (var rejection in e.Rejections)
        {
            await output.WriteLineAsync($"  {rejection}");
        }

        if (e.Rejections.Count >= LayerImport.MaxReportLines)
        {
            await output.WriteLineAsync($"  ... only the first {LayerImport.MaxReportLines:N0} lines are listed");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex LayerId();

    /// <summary>The store reports from its writer thread; the display only needs the latest number.</summary>
    private sealed class WrittenCounter : IProgress<long>
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Report(long value) => Interlocked.Exchange(ref _value, value);
    }
}
