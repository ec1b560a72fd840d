using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The spatial-mismatch view in real Chromium against the seeded server.</summary>
public sealed class MismatchPageTests(SeededServer server)
{
    [Fact]
    public async Task the_mismatch_view_draws_a_choropleth_with_flow_lines_and_lists_the_findings()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        await Infrastructure.Browser.AddSessionCookieAsync(context, server.BaseAddress, TestAccounts.Office);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/mismatch.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.WaitForSelectorAsync("#mm-map[data-drawn='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });

        Assert.True(await page.Locator("#mm-synthetic").IsVisibleAsync(), "the SYNTHETIC notice is hidden while the inputs are synthetic");
        Assert.True(await page.Locator("#mm-findings tbody tr.finding").CountAsync() > 0);
        Assert.True(await page.Locator("#mm-findings tbody tr.not-applicable[data-kind='industry-outside-belts']").CountAsync() == 1);
        // A real map, not a collapsed box; the fill layer carries the classed expression (a rejected one leaves the
        // initial grey, which a colour count let pass) and renders counties with values.
        var canvas = await page.Locator("#mm-map canvas.maplibregl-canvas").BoundingBoxAsync();
        Assert.NotNull(canvas);
        Assert.True(canvas.Width > 300 && canvas.Height > 200, $"the map canvas is {canvas.Width}x{canvas.Height} px");
        var fill = await page.EvaluateAsync<JsonElement>("() => window.mismatchMap.getPaintProperty('counties-fill', 'fill-color')");
        Assert.Equal(JsonValueKind.Array, fill.ValueKind);
        Assert.Equal("case", fill[0].GetString());
        Assert.Contains("\"step\"", fill.GetRawText(), StringComparison.Ordinal);
        var values = await page.EvaluateAsync<double[]>("""
            () => window.mismatchMap.queryRenderedFeatures({ layers: ['counties-fill'] })
              .map((f) => f.properties.value).filter((v) => typeof v === 'number')
            """);
        Assert.True(values.Distinct().Count() > 4, $"the fill layer renders {values.Length} counties with {values.Distinct().Count()} distinct values");
        var png = await page.Locator("#mm-map").ScreenshotAsync();
        Assert.True(await Infrastructure.Browser.DistinctColoursAsync(page, png) > 8, "the choropleth looks blank");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("mismatch.png"), FullPage = true });

        // Another measure redraws the same map without an error.
        await page.SelectOptionAsync("#mm-measure", "selfContainment");
        await page.WaitForTimeoutAsync(500);
        await page.Locator("#mm-map").ScreenshotAsync(new LocatorScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("mismatch-self-containment.png") });
        Assert.Empty(errors);
    }
}
