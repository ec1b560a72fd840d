using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The web map in real Chromium against the seeded server.</summary>
public sealed class MapPageTests(SeededServer server)
{
    [Fact]
    public async Task the_map_loads_lists_the_layers_and_draws_them()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });

        var collections = await page.Locator("#layer-list [data-collection]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.collection)");
        Assert.Contains("counties", collections);
        Assert.Contains("circles", collections);
        Assert.Contains("corridors", collections);
        Assert.Contains("structure", collections);
        Assert.Null(await page.GetAttributeAsync("body", "data-error"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("map.png") });
        var canvas = await page.Locator("canvas.maplibregl-canvas").ScreenshotAsync();
        Assert.True(await Infrastructure.Browser.DistinctColoursAsync(page, canvas) > 50, "the map canvas looks blank");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task clicking_a_district_shows_its_provenance()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
        // Zoom to Tongzhou and click in it.
        await page.EvaluateAsync("() => { window.metrocircle.map.jumpTo({ center: [116.66, 39.78], zoom: 10 }); }");
        await page.WaitForFunctionAsync("() => window.metrocircle.map.loaded() && !window.metrocircle.map.isMoving()");
        var point = await page.EvaluateAsync<double[]>("() => { const p = window.metrocircle.map.project([116.66, 39.78]); return [p.x, p.y]; }");
        await page.Locator("canvas.maplibregl-canvas").ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)point[0], Y = (float)point[1] } });
        var info = page.Locator(".feature-info");
        await info.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        var badge = info.Locator(".certainty-badge").First;
        Assert.Contains(await badge.GetAttributeAsync("data-certainty"), new[] { "indicative", "synthetic", "confirmed" });
        Assert.False(string.IsNullOrWhiteSpace(await info.Locator(".provenance__source").First.TextContentAsync()));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("inspect.png") });
    }

    [Fact]
    public async Task choosing_a_version_on_the_timeline_reloads_the_plan_of_that_version()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("#version-select option[value='capital-circle-2023-2035@2026-02-03']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        var planReads = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/collections", StringComparison.Ordinal))
            {
                lock (planReads)
                {
                    planReads.Add(r.Url);
                }
            }
        };
        await page.SelectOptionAsync("#version-select", "capital-circle-2023-2035@2026-02-03");
        await page.WaitForFunctionAsync("() => location.search.includes('version=') && document.body.dataset.ready === 'true'", null,
            new PageWaitForFunctionOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });

        Assert.Contains("version=capital-circle-2023-2035%402026-02-03", page.Url, StringComparison.Ordinal);
        Assert.Equal("capital-circle-2023-2035@2026-02-03", await page.InputValueAsync("#version-select"));
        Assert.Null(await page.GetAttributeAsync("body", "data-error"));
        lock (planReads)
        {
            Assert.NotEmpty(planReads);
            Assert.All(planReads, url => Assert.Contains("version=", url, StringComparison.Ordinal));
        }
    }
}
