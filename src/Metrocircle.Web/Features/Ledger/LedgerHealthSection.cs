using System.Globalization;
using System.Net;
using System.Text;
using Metrocircle.Web.Features.Collaboration;
using Metrocircle.Core.Access;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Ledger;

/// <summary>What the health check needs of the land ledger: balances on the day judged, and the transactions that used quota up to then.</summary>
/// <param name="Restricted">Some jurisdiction accounts were left out because the viewer may not see them.</param>
public sealed record LedgerHealthInput(LedgerPlan Plan, IReadOnlyList<LedgerBalance> Balances, IReadOnlyList<LedgerTransaction> Uses, DateOnly AsOf, bool Restricted = false)
{
    /// <summary>The day a report of <paramref name="year"/> judges on: its last day, or today while it is not over.</summary>
    public static DateOnly AsOfFor(int year, TimeProvider time) => TaskHealthInput.AsOfFor(year, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    /// <summary>
    /// The ledger of a plan version as it stood at the end of <paramref name="asOf"/>, with only the jurisdiction
    /// accounts <paramref name="viewer"/> may see (all without a viewer: the command line); null when the plan keeps no ledger.
    /// </summary>
    public static async Task<LedgerHealthInput?> LoadAsync(IPlanStore store, ILedgerStore ledger, string versionId, DateOnly asOf, CancellationToken ct, Actor? viewer = null)
    {
        if (await LedgerPlan.LoadAsync(store, versionId, ct) is not { } plan)
        {
            return null;
        }

        var all = await ledger.GetBalancesAsync(new LedgerQuery(AsOf: asOf), ct);
        var balances = all.Where(b => viewer is null || b.Account.Role != LedgerRole.Jurisdiction || LedgerBook.MaySee(viewer, plan, b.Account)).ToList();
        var end = new DateTimeOffset(asOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var uses = new List<LedgerTransaction>();
        foreach (var used in balances.Where(b => b.Account.Role == LedgerRole.Used))
        {
            // Every posting to a used account is a consumption (or its reversal); only those account's transactions are read.
            for (long after = 0; ;)
            {
                var page = await ledger.ListTransactionsAsync(used.Account.Id, after, 1_000, ct);
                uses.AddRange(page.Where(t => t.At < end));
                if (page.Count < 1_000 || page[^1].At >= end)
                {
                    break;
                }

                after = page[^1].Seq;
            }
        }

        return new LedgerHealthInput(plan, balances, uses, asOf, balances.Count < all.Count);
    }
}

/// <summary>One jurisdiction's account on the day judged: granted (its balance plus what it used), used, held, and where the trend of use leads.</summary>
/// <param name="Reaches">The day the linear trend of cumulative use reaches <see cref="Granted"/>; null when use does not grow.</param>
public sealed record LedgerUse(LedgerAccount Account, LedgerPeriod Period, long Granted, long Used, long Held, DateOnly? Reaches)
{
    /// <summary>Used up already, or the trend reaches the total before the period's last day.</summary>
    public bool Warning => Used > 0 && (Used >= Granted || (Reaches is { } d && d <= Period.To));
}

/// <summary>
/// The "Land quota" section of the annual health check: per jurisdiction and period, the quota used against the quota
/// granted (the balance on the day plus what was used, so transfers count on the side that holds them), and a warning
/// where the least-squares line through the cumulative use (from zero on the period's first day to the day judged)
/// reaches the total before the period ends.
/// </summary>
public static class LedgerHealthSection
{
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Percent(long used, long granted) => granted <= 0 ? "–" : (100.0 * used / granted).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The jurisdiction accounts of periods begun by the day judged, with what they used and the trend of that use.</summary>
    public static IReadOnlyList<LedgerUse> Evaluate(LedgerHealthInput input)
    {
        var usedBy = new Dictionary<string, List<(DateOnly Day, long Amount)>>(StringComparer.Ordinal);
        var roles = input.Balances.ToDictionary(b => b.Account.Id, b => b.Account.Role, StringComparer.Ordinal);
        foreach (var t in input.Uses)
        {
            var day = DateOnly.FromDateTime(t.At.UtcDateTime);
            foreach (var p in t.Postings.Where(p => roles.GetValueOrDefault(p.Account) == LedgerRole.Jurisdiction))
            {
                (usedBy.TryGetValue(p.Account, out var list) ? list : usedBy[p.Account] = []).Add((day, -p.Amount));
            }
        }

        var result = new List<LedgerUse>();
        foreach (var b in input.Balances.Where(b => b.Account.Role == LedgerRole.Jurisdiction))
        {
            if (input.Plan.Settings.Period(b.Account.Period) is not { } period || period.From > input.AsOf)
            {
                continue;
            }

            var uses = usedBy.GetValueOrDefault(b.Account.Id) ?? [];
            var used = uses.Sum(u => u.Amount);
            result.Add(new LedgerUse(b.Account, period, b.Balance + used, used, b.Held, Reaches(period, input.AsOf, uses, b.Balance + used)));
        }

        return result;
    }

    /// <summary>
    /// Fits cumulative use against days since the period began through (0, 0), each use, and the day judged (use stays
    /// flat after the last one), and returns the day that line reaches <paramref name="granted"/>.
    /// </summary>
    public static DateOnly? Reaches(LedgerPeriod period, DateOnly asOf, IReadOnlyList<(DateOnly Day, long Amount)> uses, long granted)
    {
        var last = asOf < period.To ? asOf : period.To;
        var points = new List<(double X, double Y)> { (0, 0) };
        double total = 0;
        foreach (var (day, amount) in uses.OrderBy(u => u.Day))
        {
            total += amount;
            points.Add((day.DayNumber - period.From.DayNumber, total));
        }

        points.Add((last.DayNumber - period.From.DayNumber, total));
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        if (total <= 0 || sxx <= 0)
        {
            return null;
        }

        var slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
        if (slope <= 0)
        {
            return null;
        }

        var x = mx + ((granted - my) / slope);
        var days = Math.Clamp(Math.Ceiling(x), 0, DateOnly.MaxValue.DayNumber - period.From.DayNumber);
        return DateOnly.FromDayNumber(period.From.DayNumber + (int)days);
    }

    public static void Render(StringBuilder html, LedgerHealthInput? input)
    {
        html.Append("<h2 id=\"ledger\">Land quota: used against granted</h2>");
        if (input is null)
        {
            html.Append("<p>The plan version in force keeps no land ledger.</p>");
            return;
        }

        var day = input.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (input.Balances.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>The land ledger had not been opened by {day}.</p>");
            return;
        }

        var settings = input.Plan.Settings;
        html.Append(CultureInfo.InvariantCulture, $"""
            <p class="meta">As of {day}, in m². Granted: a jurisdiction's balance that day plus what it used (its opening share and the transfers it received, less those it gave).
            Used: what approved cases consumed. Warning: the least-squares line through the cumulative use since the period began reaches the granted total before the period's last day, or use has reached it.</p>
            """);
        if (settings.Opening.Synthetic)
        {
            html.Append("<p class=\"meta\"><strong>SYNTHETIC opening balances:</strong> no government publishes these quotas; the ledger's totals and their split are generated, not official figures.</p>");
        }

        if (input.Restricted)
        {
            html.Append("<p class=\"meta\">Only the jurisdictions whose ledger accounts you may see are shown (reviewers see their own jurisdiction's, the coordination office all).</p>");
        }

        var rows = Evaluate(input);
        if (rows.Count == 0)
        {
            html.Append(input.Restricted ? "" : $"<p>No ledger period had begun by {day}.</p>");
            return;
        }

        html.Append("<table id=\"ledger-totals\"><tr><th>Kind</th><th>Period</th><th>Granted to the jurisdictions shown</th><th>Used</th><th>Held</th><th>Used of granted</th><th>Jurisdictions warned</th></tr>");
        foreach (var g in rows.GroupBy(r => (r.Account.Kind, r.Account.Period)))
        {
            var (granted, used) = (g.Sum(r => r.Granted), g.Sum(r => r.Used));
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-kind="{E(g.Key.Kind)}" data-period="{E(g.Key.Period)}"><td>{E(settings.Kind(g.Key.Kind)?.NameEn ?? g.Key.Kind)}</td><td>{E(g.Key.Period)}</td>
                <td>{N(granted)}</td><td>{N(used)}</td><td>{N(g.Sum(r => r.Held))}</td><td>{Percent(used, granted)}</td><td>{g.Count(r => r.Warning)}</td></tr>
                """);
        }

        html.Append("</table>");
        var active = rows.Where(r => r.Used != 0 || r.Held != 0).OrderBy(r => r.Account.Id, StringComparer.Ordinal).ToList();
        html.Append("<h3>Jurisdictions that used or hold quota</h3>");
        if (active.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>No jurisdiction had used or held quota by {day}.</p>");
        }
        else
        {
            html.Append("<table id=\"ledger-use\"><tr><th>Jurisdiction</th><th>Kind</th><th>Period</th><th>Granted</th><th>Used</th><th>Held</th><th>Used of granted</th><th>Trend reaches the total</th></tr>");
            foreach (var r in active)
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr data-account="{E(r.Account.Id)}"><td>{E(Name(input, r))}<br><span class="meta">{E(r.Account.Jurisdiction)}</span></td><td>{E(r.Account.Kind)}</td><td>{E(r.Account.Period)}</td>
                    <td>{N(r.Granted)}</td><td>{N(r.Used)}</td><td>{N(r.Held)}</td><td>{Percent(r.Used, r.Granted)}</td><td>{Trend(r)}</td></tr>
                    """);
            }

            html.Append("</table>");
        }

        var warnings = rows.Where(r => r.Warning).OrderBy(r => r.Reaches ?? DateOnly.MinValue).ThenBy(r => r.Account.Id, StringComparer.Ordinal).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h3>Quota warnings as of {day}</h3>");
        if (warnings.Count == 0)
        {
            html.Append("<p>No jurisdiction's trend of use reaches its granted total before the period ends.</p>");
            return;
        }

        html.Append("<table id=\"ledger-warnings\"><tr><th>Jurisdiction</th><th>Kind</th><th>Period ends</th><th>Granted</th><th>Used</th><th>Trend reaches the total</th></tr>");
        foreach (var r in warnings)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-account="{E(r.Account.Id)}"><td>{E(Name(input, r))} <span class="meta">{E(r.Account.Jurisdiction)}</span></td><td>{E(r.Account.Kind)}</td><td>{r.Period.To:yyyy-MM-dd}</td>
                <td>{N(r.Granted)}</td><td>{N(r.Used)}</td><td><span class="status {(r.Used >= r.Granted ? "off-track" : "at-risk")}">{Trend(r)}</span></td></tr>
                """);
        }

        html.Append("</table>");
    }

    private static string Name(LedgerHealthInput input, LedgerUse r) =>
        r.Account.Jurisdiction is { } j && input.Plan.Jurisdictions.TryGetValue(j, out var place) ? place.Name : r.Account.Jurisdiction ?? r.Account.Id;

    private static string Trend(LedgerUse r) => r.Used >= r.Granted && r.Used > 0
        ? "used up"
        : r.Reaches is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (d <= r.Period.To ? " (before the period ends)" : "") : "–";
}
