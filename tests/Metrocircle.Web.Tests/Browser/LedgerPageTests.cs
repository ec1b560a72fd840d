using System.Globalization;
using Metrocircle.Core.Model;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The land ledger page in real Chromium against the seeded server (issue 13 item 6).</summary>
public sealed class LedgerPageTests(SeededServer server)
{
    private const string Kind = "new-construction-land", Period = "2026-2030";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<string>> HebeiCountiesAsync()
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var counties = new List<PlanFeature>();
        await foreach (var c in server.Store.StreamFeaturesAsync(version, "counties", Ct))
        {
            if (c.Properties["provinceId"]?.GetValue<string>() == Jurisdictions.Hebei)
            {
                counties.Add(c);
            }
        }

        return [.. counties.Select(c => c.Id).Order(StringComparer.Ordinal)];
    }

    private static async Task<long> CellAsync(IPage page, string jurisdiction, string column) =>
        long.Parse((await page.GetAttributeAsync($"#ledger-table tr[data-jurisdiction='{jurisdiction}'] td.{column}", "data-value"))!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_transfer_proposed_on_the_page_and_approved_by_the_reviewers_moves_the_balances_the_page_shows()
    {
        var counties = await HebeiCountiesAsync();
        var (from, to) = (counties[20], counties[21]);
        const long amount = 7_777;
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        await Infrastructure.Browser.AddSessionCookieAsync(context, server.BaseAddress, TestAccounts.Admin);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/ledger.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });

        // The synthetic openings are said where everyone sees them.
        Assert.True(await page.IsVisibleAsync("#ledger-synthetic"));
        Assert.Contains("SYNTHETIC", await page.InnerTextAsync("#ledger-synthetic"), StringComparison.Ordinal);
        await page.SelectOptionAsync("#ledger-kind", Kind);
        await page.SelectOptionAsync("#ledger-period", Period);
        await page.WaitForSelectorAsync("#ledger-map[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var classes = (await page.GetAttributeAsync("#ledger-map", "data-classes"))!.Split(' ');
        Assert.Contains(classes, c => c.StartsWith(from + ":", StringComparison.Ordinal) && !c.EndsWith(":-1", StringComparison.Ordinal));
        Assert.True(classes.Select(c => c.Split(':')[1]).Distinct().Count() >= 4, "the choropleth uses too few classes");

        var (fromBalance, toBalance, fromAvailable) = (await CellAsync(page, from, "balance"), await CellAsync(page, to, "balance"), await CellAsync(page, from, "available"));

        // An account's history: the opening is its first transaction.
        await page.ClickAsync($"#ledger-table tr[data-jurisdiction='{from}']");
        await page.WaitForSelectorAsync("#ledger-history tr[data-seq]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal($"{Kind}/{Period}/{from}", await page.GetAttributeAsync("#ledger-account", "data-account"));

        // Propose on the page.
        await page.SelectOptionAsync("#transfer-from", from);
        await page.SelectOptionAsync("#transfer-to", to);
        await page.SelectOptionAsync("#transfer-kind", Kind);
        await page.SelectOptionAsync("#transfer-period", Period);
        await page.FillAsync("#transfer-amount", amount.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("#transfer-text", "browser test: price agreed by both sides");
        await page.FillAsync("#transfer-figures", "priceYuan = 880000");
        await page.ClickAsync("#transfer-submit");
        await page.WaitForSelectorAsync("#transfer-case", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var href = (await page.GetAttributeAsync("#transfer-case", "href"))!;
        Assert.StartsWith("./cases.html#", href, StringComparison.Ordinal);
        var caseId = Uri.UnescapeDataString(href["./cases.html#".Length..]);

        // Held, not moved: the hold is listed under its case and the available balance is lower.
        await page.WaitForSelectorAsync($"#ledger-holds [data-case='{caseId}']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#ledger-table tr[data-jurisdiction='{from}'] td.available\")?.dataset.value === '{fromAvailable - amount}'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(fromBalance, await CellAsync(page, from, "balance"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("ledger-proposed.png"), FullPage = true });

        // The reviewers decide in the co-approval case (the proposer, the administrator, may not).
        using var office = await server.ClientAsAsync(TestAccounts.Office);
        var (_, file) = await SendAsync(office, HttpMethod.Get, $"/cases/{caseId}");
        foreach (var task in file["tasks"]!.AsArray().Select(t => t!.AsObject()))
        {
            var (status, body) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "approve", 1, "agreed");
            Assert.True(status == System.Net.HttpStatusCode.OK, body.ToJsonString());
        }

        // The page shows the moved balances once refreshed.
        await page.ClickAsync("#ledger-refresh");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#ledger-table tr[data-jurisdiction='{to}'] td.balance\")?.dataset.value === '{toBalance + amount}'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(fromBalance - amount, await CellAsync(page, from, "balance"));
        Assert.Equal(fromAvailable - amount, await CellAsync(page, from, "available"));
        await page.WaitForSelectorAsync($"#ledger-holds [data-case='{caseId}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 30_000 });

        // The receiving account's history ends with the transfer, linked to its case.
        await page.ClickAsync($"#ledger-table tr[data-jurisdiction='{to}']");
        await page.WaitForSelectorAsync($"#ledger-account[data-account='{Kind}/{Period}/{to}'] #ledger-history a[href='./cases.html#{caseId}']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal(amount.ToString(CultureInfo.InvariantCulture), await page.Locator("#ledger-history tr[data-seq] td.amount").Last.GetAttributeAsync("data-value"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("ledger.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task signed_out_the_page_says_the_ledger_needs_an_account_and_shows_no_figures()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/ledger.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='signed-out']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.IsVisibleAsync("#ledger-sign-in"));
        Assert.Contains("needs an account", await page.InnerTextAsync("#ledger-status"), StringComparison.Ordinal);
        Assert.False(await page.IsVisibleAsync("#ledger-main"));
        Assert.Equal(0, await page.Locator("#ledger-table tr[data-jurisdiction]").CountAsync());
    }
}
