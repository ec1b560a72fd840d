using System.Globalization;
using System.Text;
using Metrocircle.Core.Alignment;
using Metrocircle.Web.Features.Conflicts;
using Metrocircle.Web.Features.Indicators;
using Metrocircle.Web.Features.Ledger;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle health-check --year YEAR --out report.html [--pdf report.pdf]</c>: the annual health check of the plan
/// in force as HTML, and printed from that same HTML to PDF by headless Chromium.
/// </summary>
internal static class HealthCheckVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var yearText = args.Option("year") ?? throw new UsageException("health-check needs --year YEAR");
        if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < Core.Indicators.ObservationValidator.EarliestYear || year > 2100)
        {
            throw new UsageException($"--year {yearText}: give a year from {Core.Indicators.ObservationValidator.EarliestYear} to 2100");
        }

        var outPath = args.Option("out") ?? throw new UsageException("health-check needs --out FILE.html");
        var pdfPath = args.Option("pdf");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; run `metrocircle seed` first");
        var snapshot = await PlanSnapshot.BuildAsync(store, version, ct);
        var conflicts = await ConflictHealthInput.LoadAsync(store, store, snapshot, ct);
        var html = await HealthCheckReport.RenderAsync(store, store, store, version, snapshot, year, conflicts, ct,
            ledger: await LedgerHealthInput.LoadAsync(store, store, version.Id, LedgerHealthInput.AsOfFor(year, TimeProvider.System), ct));
        var full = Path.GetFullPath(outPath);
        var temp = full + ".partial";
        try
        {
            await File.WriteAllTextAsync(temp, html, new UTF8Encoding(false), ct);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        await output.WriteLineAsync($"wrote the {year} health check of plan version {version.Id} to {full}");
        if (pdfPath is not null)
        {
            try
            {
                await ChromiumPdf.PrintAsync(full, pdfPath, ct);
            }
            catch (PdfPrintException e)
            {
                throw new CommandException(e.Message);
            }

            await output.WriteLineAsync($"printed it to {Path.GetFullPath(pdfPath)}");
        }

        return 0;
    }
}
