using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The administrators' accounts page in real Chromium: add an account, its one-time password signs in once, disable and enable.</summary>
public sealed class AccountsPageTests(SeededServer server)
{
    /// <summary>The province the new reviewer is bound to, found in the plan by its English name.</summary>
    private const string ProvinceName = "Hebei";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> ProvinceIdAsync()
    {
        var items = await server.Client.GetFromJsonAsync<JsonObject>("/collections/provinces/items", Ct);
        return items!["features"]!.AsArray().Single(f => f!["properties"]!["nameEn"]?.GetValue<string>() == ProvinceName)!["id"]!.GetValue<string>();
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, Uri baseAddress, List<string> errors)
    {
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(baseAddress, "/accounts.html").ToString());
        return page;
    }

    [Fact]
    public async Task an_administrator_adds_a_reviewer_whose_one_time_password_signs_in_once_and_disabling_stops_it()
    {
        var province = await ProvinceIdAsync();
        var name = "t-page-" + Guid.NewGuid().ToString("N")[..8];
        const string chosen = "my own password for the reviewer page";
        var errors = new List<string>();

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await OpenAsync(context, server.BaseAddress, errors);
        await page.WaitForSelectorAsync("#accounts-denied[data-reason='anonymous']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await Infrastructure.Browser.SignInAsync(page, TestAccounts.Admin);
        await page.WaitForSelectorAsync("body[data-state='ready'] #accounts-table", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.Locator($"tr.account-row[data-user='{TestAccounts.HebeiReviewer}']").IsVisibleAsync());

        // The jurisdiction list comes from the plan: provinces, cities and counties, the province among them.
        Assert.True(await page.Locator($"#new-jurisdiction option[value='{province}']").CountAsync() == 1);
        Assert.True(await page.Locator("#new-jurisdiction option[data-level='counties']").CountAsync() > 10);

        await page.ClickAsync("#account-add-open");
        await page.FillAsync("#new-user", name);
        await page.FillAsync("#new-display", "Page-made reviewer");
        await page.SelectOptionAsync("#new-role", "reviewer");
        await page.SelectOptionAsync("#new-jurisdiction", province);
        await page.SelectOptionAsync("#new-department", "natural-resources");
        await page.ClickAsync("#new-submit");

        // The one-time password is shown once, with its note; the new row says it waits for a password change.
        await page.Locator("#one-time-panel").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        Assert.Equal(name, await page.Locator("#one-time-user").TextContentAsync());
        var oneTime = (await page.Locator("#one-time-password").TextContentAsync())!.Trim();
        Assert.Equal(20, oneTime.Length);
        Assert.Contains("Shown once", await page.Locator("#one-time-note").TextContentAsync(), StringComparison.Ordinal);
        var row = page.Locator($"tr.account-row[data-user='{name}']");
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal("one-time", await row.GetAttributeAsync("data-state"));
        Assert.Contains(ProvinceName, await row.TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("accounts-added.png"), FullPage = true });
        await page.ClickAsync("#one-time-done");
        Assert.Equal(0, await page.Locator("#one-time-password").CountAsync());

        // The new reviewer signs in with it in another browser, chooses a password and is signed in.
        var (playwright2, other) = await Infrastructure.Browser.LaunchAsync();
        using var ___ = playwright2;
        await using (other)
        {
            var theirs = await OpenAsync(other, server.BaseAddress, errors);
            await theirs.WaitForSelectorAsync("body[data-account='']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
            await theirs.ClickAsync("#sign-in-open");
            await theirs.FillAsync("#sign-in-user", name);
            await theirs.FillAsync("#sign-in-password", oneTime);
            await theirs.ClickAsync("#sign-in-submit");
            await theirs.Locator("#password-form").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            await theirs.FillAsync("#password-new", chosen);
            await theirs.FillAsync("#password-again", chosen);
            await theirs.ClickAsync("#password-submit");
            await theirs.WaitForSelectorAsync($"body[data-account='{name}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

            // A reviewer is told the page is for administrators.
            await theirs.WaitForSelectorAsync("#accounts-denied[data-reason='not-administrator']", new PageWaitForSelectorOptions { Timeout = 30_000 });
            Assert.False(await theirs.Locator("#accounts-table").IsVisibleAsync());
        }

        Assert.False(string.IsNullOrEmpty(await TestAccounts.SignInAsync(server.Client, name, chosen)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(server.Client, name, oneTime));

        // Disabling on the page stops sign-in; enabling lets the chosen password work again.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ReloadAsync();
        await page.WaitForSelectorAsync($"tr.account-row[data-user='{name}'][data-state='active']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.ClickAsync($"tr.account-row[data-user='{name}'] button[data-action='disable']");
        await page.WaitForSelectorAsync($"tr.account-row[data-user='{name}'][data-disabled='true']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("accounts-disabled.png"), FullPage = true });
        using (var refused = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password = chosen }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await page.ClickAsync($"tr.account-row[data-user='{name}'] button[data-action='enable']");
        await page.WaitForSelectorAsync($"tr.account-row[data-user='{name}'][data-disabled='false']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.False(string.IsNullOrEmpty(await TestAccounts.SignInAsync(server.Client, name, chosen)));

        // Their own row cannot be disabled from the page.
        Assert.True(await page.Locator($"tr.account-row[data-user='{TestAccounts.Admin}'] button[data-action='disable']").IsDisabledAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task enabling_is_for_administrators_and_an_unknown_account_is_a_404()
    {
        var reviewer = await server.ClientAsAsync(TestAccounts.HebeiReviewer);
        using (var forbidden = await reviewer.PostAsync($"/users/{TestAccounts.OtherProponent}/enable", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        using var unknown = await admin.PostAsync("/users/nobody-like-this/enable", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        // Enabling an active account changes nothing and keeps it active.
        using var active = await admin.PostAsync($"/users/{TestAccounts.OtherProponent}/enable", null, Ct);
        Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        Assert.False((await active.Content.ReadFromJsonAsync<JsonObject>(Ct))!["disabled"]!.GetValue<bool>());
    }
}
