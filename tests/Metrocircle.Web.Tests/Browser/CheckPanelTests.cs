using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>A person draws a footprint on the map, picks a category and reads the verdict.</summary>
public sealed class CheckPanelTests(SeededServer server)
{
    [Fact]
    public async Task drawing_a_footprint_and_submitting_it_shows_its_verdict()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
        await page.EvaluateAsync("() => { window.metrocircle.map.jumpTo({ center: [116.47, 39.77], zoom: 12 }); }");
        await page.WaitForFunctionAsync("() => !window.metrocircle.map.isMoving()");

        await page.ClickAsync("#check-start");
        var canvas = page.Locator("canvas.maplibregl-canvas");
        var box = (await canvas.BoundingBoxAsync())!;
        var (cx, cy) = (box.Width / 2, box.Height / 2);
        foreach (var (dx, dy) in new[] { (-60, -40), (60, -40), (60, 40), (-60, 40) })
        {
            await canvas.ClickAsync(new LocatorClickOptions { Position = new Position { X = cx + dx, Y = cy + dy } });
        }

        await page.ClickAsync("#check-finish");
        await page.SelectOptionAsync("#check-category", "logistics");
        await page.ClickAsync("#check-submit");
        var verdict = page.Locator("#check-verdict[data-verdict]");
        await verdict.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Contains(await verdict.GetAttributeAsync("data-verdict"), new[] { "aligned", "conditional", "not-aligned" });
        Assert.False(await page.Locator("#check-error").IsVisibleAsync() && !string.IsNullOrWhiteSpace(await page.Locator("#check-error").TextContentAsync()));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("check.png") });
    }
}
