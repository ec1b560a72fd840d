using System.Globalization;
using System.Net;
using System.Text;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>What the health check reports on conflicts: every rule's summary and every patch with its status; or why there is none.</summary>
public sealed record ConflictHealthInput(string PlanVersion, IReadOnlyList<ConflictRuleSummary> Rules, IReadOnlyList<ConflictPatch> Patches, string? Problem = null)
{
    /// <summary>The patches of the snapshot's version with their statuses (acceptances, and patches resolved by the amendment that made it).</summary>
    public static async Task<ConflictHealthInput> LoadAsync(IPlanStore store, IConflictStore conflicts, PlanSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            var history = await ConflictHistory.LoadAsync(store, snapshot, (before, token) => PlanSnapshot.BuildAsync(store, before, token), ct);
            return From(snapshot.Version.Id, history, await conflicts.ListConflictAcceptancesAsync(ct));
        }
        catch (FormatException e)
        {
            return Malformed(snapshot.Version.Id, e);
        }
    }

    /// <summary>The input from a version's history already computed (the server's conflict cache) and the acceptances.</summary>
    public static ConflictHealthInput From(string versionId, ConflictHistory history, IReadOnlyList<ConflictAcceptance> acceptances) =>
        new(versionId, history.Report.Rules, history.WithStatus(acceptances));

    public static ConflictHealthInput Malformed(string versionId, FormatException e) =>
        new(versionId, [], [], $"The plan's conflict rules are malformed: {e.Message}");
}

/// <summary>The "Conflicts between layers" section of the annual health check: counts by rule, severity and status, and the largest open patches.</summary>
public static class ConflictHealthSection
{
    /// <summary>How many open patches the section lists by area.</summary>
    public const int Largest = 10;

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string Ha(double m2) => (m2 / 1e4).ToString("#,0.00", CultureInfo.InvariantCulture);

    public static void Render(StringBuilder html, ConflictHealthInput? input)
    {
        html.Append("<h2 id=\"conflicts\">Conflicts between layers</h2>");
        if (input is null || input.Problem is not null || input.Rules.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(input?.Problem ?? "The plan version in force has no conflict rules.")}</p>");
            return;
        }

        var statuses = Enum.GetValues<ConflictStatus>();
        html.Append(CultureInfo.InvariantCulture, $"""
            <p class="meta">Patches where layers of plan version {E(input.PlanVersion)} overlap though its conflict rules say they may not, cut by county; pieces under a
            rule's minimum mapping unit are counted as slivers, not listed. Accepted: kept by the coordination office with a reason. Resolved: removed by the amendment that made the version.</p>
            <table id="conflict-rules"><tr><th>Rule</th><th>Severity</th><th>Patches</th><th>Area (ha)</th><th>Length (km)</th><th>Slivers</th>
            """);
        foreach (var s in statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{ConflictFeature.Name(s)}</th>");
        }

        html.Append("</tr>");
        foreach (var rule in input.Rules)
        {
            var own = input.Patches.Where(p => p.Rule == rule.Rule).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<tr data-rule=\"{E(rule.Rule)}\"><td>{E(rule.Rule)}<br><span class=\"meta\">{E(rule.Title)}</span></td><td>{E(rule.Severity)}</td>");
            if (!rule.Applicable)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td colspan=\"{4 + statuses.Length}\" class=\"meta\">{E(rule.Note)}</td></tr>");
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{rule.Patches}</td><td>{Ha(rule.AreaM2)}</td><td>{(rule.LengthM / 1e3).ToString("0.000", CultureInfo.InvariantCulture)}</td><td>{rule.Slivers}</td>");
            foreach (var s in statuses)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{own.Count(p => p.Status == s)}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table><p class=\"summary\">");
        foreach (var severity in new[] { "high", "medium", "low" })
        {
            html.Append(CultureInfo.InvariantCulture, $"<span>{severity}: {input.Patches.Count(p => p.Severity == severity && p.Status == ConflictStatus.Open)} open</span>");
        }

        html.Append("</p>");
        var largest = input.Patches.Where(p => p.Status == ConflictStatus.Open && p.AreaM2 is not null).OrderByDescending(p => p.AreaM2).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(Largest).ToList();
        if (largest.Count == 0)
        {
            html.Append("<p>No open conflict patch.</p>");
            return;
        }

        html.Append("<h3>Largest open patches</h3><table id=\"conflict-largest\"><tr><th>Patch</th><th>Rule</th><th>Severity</th><th>Feature A</th><th>Feature B</th><th>County</th><th>Area (ha)</th></tr>");
        foreach (var p in largest)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-patch="{E(p.Id)}"><td>{E(p.Id)}</td><td>{E(p.Rule)}</td><td>{E(p.Severity)}</td><td>{E(p.LayerA)}/{E(p.FeatureA)}</td><td>{E(p.LayerB)}/{E(p.FeatureB)}</td><td>{E(p.County)}</td><td>{Ha(p.AreaM2!.Value)}</td></tr>
                """);
        }

        html.Append("</table>");
    }
}
