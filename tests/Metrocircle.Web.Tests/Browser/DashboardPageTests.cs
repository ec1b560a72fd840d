using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The indicators dashboard in real Chromium against the seeded server.</summary>
public sealed class DashboardPageTests(SeededServer server)
{
    [Fact]
    public async Task the_dashboard_draws_a_chart_for_every_indicator()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        // The indicators need an account: the browser gets the cookie of a sign-in made over HTTP.
        await Infrastructure.Browser.AddSessionCookieAsync(context, server.BaseAddress, TestAccounts.Office);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/dashboard.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });

        var cards = await page.Locator(".dash-card").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.indicator)");
        Assert.Contains("beijing-resident-population", cards);
        Assert.Contains("redline-share", cards);
        var rail = page.Locator(".dash-card[data-indicator='beijing-rail-length'] .dash-chart");
        await page.WaitForSelectorAsync(".dash-card[data-indicator='beijing-rail-length'] .dash-chart[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var png = await rail.ScreenshotAsync();
        Assert.True(await Infrastructure.Browser.DistinctColoursAsync(page, png) > 8, "the rail chart looks blank");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("dashboard.png"), FullPage = true });

        // Filtering to Tianjin leaves Beijing's series out of the charts without breaking them.
        await page.SelectOptionAsync("#jurisdiction", "tianjin");
        Assert.Empty(await page.Locator(".dash-card[data-indicator='beijing-resident-population'] .dash-reason").AllAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task an_anonymous_visitor_is_asked_to_sign_in_and_then_sees_the_indicators()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/dashboard.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='signed-out']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.Locator("#dash-sign-in").IsVisibleAsync());
        Assert.Empty(await page.Locator(".dash-card").AllAsync());

        await page.ClickAsync("#dash-sign-in-button");
        await page.FillAsync("#sign-in-user", TestAccounts.TianjinReviewer);
        await page.FillAsync("#sign-in-password", TestAccounts.Password);
        await page.ClickAsync("#sign-in-submit");
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.NotEmpty(await page.Locator(".dash-card").AllAsync());
        Assert.False(await page.Locator("#dash-sign-in").IsVisibleAsync());
        // The jurisdiction filter comes from the plan's data, not from the page.
        var scopes = await page.Locator("#jurisdiction option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        Assert.Contains("tianjin", scopes);
    }
}
