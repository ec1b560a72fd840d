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
        await page.SelectOptionAsync("#jurisdiction", Jurisdictions.Tianjin);
        Assert.Empty(await page.Locator(".dash-card[data-indicator='beijing-resident-population'] .dash-reason").AllAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task the_dashboard_groups_the_indicators_by_strategic_role_with_each_roles_progress()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        await Infrastructure.Browser.AddSessionCookieAsync(context, server.BaseAddress, TestAccounts.Office);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/dashboard.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });

        // The five roles in the plan's order, each headed by its Chinese and English name.
        var roles = await page.Locator(".dash-role").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.role)");
        Assert.Equal(["capital-functions", "world-class-cluster", "civilisation", "collaborative-governance", "beautiful-china"], roles);
        Assert.Contains("美丽中国", await page.Locator(".dash-role[data-role='beautiful-china'] > h2").InnerTextAsync(), StringComparison.Ordinal);

        // Each card sits in its role's section, as the API assigns it.
        using var client = await server.ClientAsAsync(TestAccounts.Office);
        var catalogue = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/indicators", TestContext.Current.CancellationToken))!;
        foreach (var indicator in catalogue["indicators"]!.AsArray())
        {
            var id = indicator!["id"]!.GetValue<string>();
            var role = indicator["role"]!.GetValue<string>();
            Assert.Equal(1, await page.Locator($".dash-role[data-role='{role}'] .dash-card[data-indicator='{id}']").CountAsync());
        }

        // The summary of a role says what the API says of it: indicators by status, tasks done and overdue.
        foreach (var role in catalogue["roles"]!.AsArray())
        {
            var summary = page.Locator($".dash-role[data-role='{role!["id"]!.GetValue<string>()}'] .dash-role-summary");
            Assert.Equal(role["onTrack"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), await summary.GetAttributeAsync("data-on-track"));
            Assert.Equal(role["offTrack"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), await summary.GetAttributeAsync("data-off-track"));
            Assert.Equal(role["tasksDone"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), await summary.GetAttributeAsync("data-tasks-done"));
            Assert.Contains($"of {role["tasks"]!.AsArray().Count}", await summary.InnerTextAsync(), StringComparison.Ordinal);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("dashboard-roles.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("beijing-resident-population")]
    [InlineData("beijing-rail-length")]
    public async Task the_dashboard_draws_a_trend_through_the_official_figures_shipped_with_the_dataset(string indicator)
    {
        // The series the page gets is the shipped one, year for year, each figure with the URL it comes from.
        var shipped = (await Core.Indicators.ObservationFile.ReadAsync(Features.Indicators.ShippedObservationsTests.OfficialCsv, TestContext.Current.CancellationToken))
            .Where(r => r.Indicator == indicator).ToList();
        Assert.True(shipped.Count >= 3, $"{indicator}: {shipped.Count} shipped figures, too few for a trend");
        Assert.All(shipped, r => Assert.Contains("http", r.Source, StringComparison.Ordinal));
        using var client = await server.ClientAsAsync(TestAccounts.Office);
        var detail = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/indicators/{indicator}", TestContext.Current.CancellationToken))!;
        var points = detail["series"]!.AsArray().Single(s => s!["scope"]!.GetValue<string>() == Jurisdictions.Beijing)!["points"]!.AsArray()
            .Select(p => (p!["year"]!.GetValue<int>(), p["value"]!.GetValue<double>())).ToList();
        Assert.Equal(shipped.Select(r => (int.Parse(r.Year!, System.Globalization.CultureInfo.InvariantCulture), double.Parse(r.Value!, System.Globalization.CultureInfo.InvariantCulture))).Order(), points.Order());

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        await Infrastructure.Browser.AddSessionCookieAsync(context, server.BaseAddress, TestAccounts.Office);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/dashboard.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var card = $".dash-card[data-indicator='{indicator}']";
        await page.WaitForSelectorAsync($"{card} .dash-chart[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 30_000 });

        // An evaluation with a projection is what the trend line is drawn from; its reason is shown under the chart.
        var statuses = await page.Locator($"{card} .dash-status").AllInnerTextsAsync();
        Assert.Contains(statuses, s => s is "on-track" or "at-risk" or "off-track");
        // The trend is the only purple (#6a1b9a) on the chart: its dotted line and its legend entry.
        var png = await page.Locator($"{card} .dash-chart").ScreenshotAsync();
        Assert.True(await PixelsNearAsync(page, png, 0x6a, 0x1b, 0x9a) > 50, $"{indicator}: no trend line on the chart");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath($"dashboard-official-{indicator}.png"), FullPage = true });
        Assert.Empty(errors);
    }

    /// <summary>Counts pixels of a PNG within a small distance of one colour (anti-aliasing blends line edges).</summary>
    private static Task<int> PixelsNearAsync(IPage page, byte[] png, int r, int g, int b) => page.EvaluateAsync<int>("""
        async ([b64, r, g, b]) => {
          const img = new Image();
          img.src = 'data:image/png;base64,' + b64;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.width; c.height = img.height;
          const ctx = c.getContext('2d');
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40) n++;
          }
          return n;
        }
        """, new object[] { Convert.ToBase64String(png), r, g, b });

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
        Assert.Contains(Jurisdictions.Tianjin, scopes);
    }
}
