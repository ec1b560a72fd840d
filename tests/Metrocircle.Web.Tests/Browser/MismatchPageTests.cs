using System.Net;
using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Features.Cases;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The spatial-mismatch view in real Chromium against the seeded server.</summary>
public sealed class MismatchPageTests(SeededServer server)
{
    private string _caseId = "";

    [Fact]
    public async Task the_mismatch_view_draws_a_choropleth_with_flow_lines_and_lists_the_findings()
    {
        // A manufacturing case outside every industrial park (in a county of Zhangjiakou, where no other test submits).
        using (var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/counties/items?limit=1000", TestContext.Current.CancellationToken)))
        {
            var site = doc.RootElement.GetProperty("features").EnumerateArray()
                .Where(f => f.GetProperty("properties").TryGetProperty("cityId", out var city) && city.GetString() == Jurisdictions.Zhangjiakou)
                .OrderBy(f => f.GetProperty("id").GetString(), StringComparer.Ordinal).Select(f => GeoJsonGeometry.Read(f.GetProperty("geometry"))!.InteriorPoint).First();
            var (status, opened) = await CaseRequests.SubmitAsync(await server.ClientAsAsync(TestAccounts.Proponent), "Brickworks",
                CaseRequests.Feature(CaseRequests.Square(site.X, site.Y, 0.002), "general-manufacturing"));
            Assert.True(status == HttpStatusCode.Created, opened.ToJsonString());
            _caseId = opened["id"]!.GetValue<string>();
        }

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
        Assert.True(await page.Locator("#mm-findings tbody tr.not-applicable[data-kind='quota-demand']").CountAsync() == 1, "2024 lies in no ledger period");
        // The project finding names its case as a link to the case, not as a county.
        var link = page.Locator($"#mm-findings tbody tr.finding[data-kind='industry-outside-belts'] a.mm-case[href='./cases.html#{_caseId}']");
        Assert.Equal(1, await link.CountAsync());
        Assert.Contains(" in ", await link.Locator("xpath=..").InnerTextAsync(), StringComparison.Ordinal);
        // The shared header of the other pages, with this page current.
        Assert.Equal(1, await page.Locator("#app-header.app-header .header-links a[aria-current='page'][href='./mismatch.html']").CountAsync());
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
