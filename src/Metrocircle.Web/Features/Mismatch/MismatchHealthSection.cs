using System.Globalization;
using System.Net;
using System.Text;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Mismatch;

/// <summary>The spatial-mismatch section of the annual health check: the year's findings with value, threshold and basis.</summary>
public static class MismatchHealthSection
{
    /// <summary>The analysis of the year, or null when the store keeps no commuting flows.</summary>
    public static async Task<MismatchReport?> GatherAsync(IPlanStore store, IObservationStore observations, PlanVersion version, PlanSnapshot snapshot, int year, CancellationToken ct)
    {
        if (store is not ICommuteStore commuting)
        {
            return null;
        }

        var gathered = await MismatchData.GatherAsync(store, observations, commuting, version, year,
            (v, c) => v.Id == snapshot.Version.Id ? Task.FromResult(snapshot) : PlanSnapshot.BuildAsync(store, v, c), ct, store as ICaseStore, store as ILedgerStore);
        return MismatchReport.Of(gathered);
    }

    public static void Render(StringBuilder html, MismatchReport? report)
    {
        if (report is null)
        {
            return;
        }

        html.Append("<h2 id=\"mismatch\">Spatial mismatch <span class=\"meta\">空间错配</span></h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Jobs–housing, commuting and land against people in {report.Year}, from {report.Flows} commuting flows and the county figures; thresholds from the plan's mismatch rules.");
        if (report.Synthetic)
        {
            html.Append(" <strong>SYNTHETIC inputs: demo county figures and commuting matrix, not official statistics.</strong>");
        }

        html.Append("</p>");
        var findings = report.Findings.Where(f => f.Status == "finding").ToList();
        if (findings.Count == 0)
        {
            html.Append("<p>No county or circle lies outside the thresholds.</p>");
        }
        else
        {
            var names = report.Places.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
            html.Append("<table class=\"mismatch\"><tr><th>Kind</th><th>Places</th><th>Value</th><th>Threshold</th><th>Basis</th></tr>");
            foreach (var f in findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(f.Kind)}</td><td>{E(string.Join(", ", f.Places.Select(p => names.GetValueOrDefault(p, p))))}</td><td>{Number(f.Value)}</td><td>{Number(f.Threshold)}</td><td>{E(f.Basis)}</td></tr>");
            }

            html.Append("</table>");
        }

        foreach (var f in report.Findings.Where(f => f.Status != "finding"))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">{E(f.Kind)}: not applicable: {E(f.Message)}</p>");
        }
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "—";

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
