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
        // POST /checks needs an account: sign in through the header's form.
        await Infrastructure.Browser.SignInAsync(page, TestAccounts.Proponent);
        await page.Locator("#check-start").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
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

    [Fact]
    public async Task an_anonymous_visitor_browses_the_map_and_is_asked_to_sign_in_to_check()
    {
        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("body[data-account='']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        Assert.True(await page.Locator("#check-sign-in").IsVisibleAsync());
        Assert.False(await page.Locator("#check-start").IsVisibleAsync());
        Assert.True(await page.Locator("#sign-in-open").IsVisibleAsync());
        Assert.Equal("cases.html", (await page.GetAttributeAsync("#link-cases", "href"))?.TrimStart('.', '/'));

        // The prompt's button opens the header's form; signing in there shows the panel's steps.
        await page.ClickAsync("#check-sign-in-button");
        await page.Locator("#sign-in-form").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await page.FillAsync("#sign-in-user", TestAccounts.OtherProponent);
        await page.FillAsync("#sign-in-password", "not the password");
        await page.ClickAsync("#sign-in-submit");
        await page.Locator("#sign-in-error").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains("wrong", await page.Locator("#sign-in-error").TextContentAsync(), StringComparison.OrdinalIgnoreCase);
        await page.FillAsync("#sign-in-password", TestAccounts.Password);
        await page.ClickAsync("#sign-in-submit");
        await page.WaitForSelectorAsync($"body[data-account='{TestAccounts.OtherProponent}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.Locator("#check-start").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains(TestAccounts.OtherProponent, await page.Locator("#account-who").TextContentAsync());
        Assert.Empty(errors);
    }
}
