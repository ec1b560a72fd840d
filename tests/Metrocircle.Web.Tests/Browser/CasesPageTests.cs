using Metrocircle.Core.Audit;
using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The co-approval page in real Chromium: a reviewer's inbox and decision, a proponent's cases, the one-time password.</summary>
public sealed class CasesPageTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Screenshots a person looks at (outside the repository).</summary>
    private static string TempScreenshot(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "metrocircle-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private async Task<string> SubmitAcrossAsync(string title)
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var (status, body) = await SubmitAsync(proponent, title, Feature(await AcrossBeijingAndHebeiAsync(server.Client), "public-service"));
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return body["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task signs_in_as_a_reviewer_and_approves_a_task()
    {
        var id = await SubmitAcrossAsync("Cross-boundary clinic (browser)");

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/cases.html").ToString());
        await Infrastructure.Browser.SignInAsync(page, TestAccounts.HebeiReviewer);
        Assert.Contains("Hebei", (await page.Locator("#account-who").TextContentAsync())!, StringComparison.OrdinalIgnoreCase);

        // The inbox lists the case (other tests add theirs to the same server); open it.
        await page.WaitForSelectorAsync("#case-list[data-tab='inbox'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var item = page.Locator($"a.case-item[data-case-id='{id}']");
        await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await item.ClickAsync();
        await page.WaitForSelectorAsync($"#case-view[data-case-id='{id}'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal("under-review", await page.GetAttributeAsync("#case-status", "data-status"));
        Assert.Contains(await page.GetAttributeAsync("#case-verdict", "data-verdict"), new[] { "aligned", "conditional", "not-aligned" });
        Assert.EndsWith("/report", await page.GetAttributeAsync("#case-report", "href"), StringComparison.Ordinal);

        // Only the Hebei jurisdiction task has a decision form for this reviewer.
        var hebei = page.Locator("#case-tasks tr.task-row[data-kind='jurisdiction'][data-jurisdiction='130000']");
        var taskId = (await hebei.GetAttributeAsync("data-task-id"))!;
        Assert.Equal("open", await hebei.GetAttributeAsync("data-status"));
        Assert.Equal(new[] { taskId }, await page.Locator(".decision-form").EvaluateAllAsync<string[]>("fs => fs.map(f => f.dataset.taskId)"));

        // Rejecting without a reason is refused on the page, before anything is sent.
        var form = page.Locator($".decision-form[data-task-id='{taskId}']");
        await form.Locator("button.decide[data-decision='reject']").ClickAsync();
        await form.Locator(".decision-error").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

        const string reason = "Access road fits Hebei's county plan";
        await form.Locator("textarea.decision-reason").FillAsync(reason);
        await form.Locator("button.decide[data-decision='approve']").ClickAsync();
        await page.WaitForSelectorAsync("#case-message", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync($"#case-tasks tr.task-row[data-task-id='{taskId}'][data-status='approved']");
        var decision = page.Locator($"#case-decisions li.decision[data-task-id='{taskId}']");
        Assert.Equal(TestAccounts.HebeiReviewer, await decision.GetAttributeAsync("data-actor"));
        Assert.Equal("approve", await decision.GetAttributeAsync("data-decision"));
        Assert.Contains(reason, await decision.TextContentAsync());
        Assert.Equal(0, await page.Locator(".decision-form").CountAsync());
        Assert.Equal("approve", await page.Locator("#case-timeline li").First.GetAttributeAsync("data-action"));
        Assert.False(await page.Locator("#case-error").IsVisibleAsync());

        await page.WaitForSelectorAsync("#case-map[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = TempScreenshot("case-approved.png"), FullPage = true });

        // The server has the decision, by that reviewer, with the reason.
        var (status, @case) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("approved", Task(@case, t => t["id"]!.GetValue<string>() == taskId)["status"]!.GetValue<string>());
        var recorded = Assert.Single(@case["decisions"]!.AsArray().Select(d => d!.AsObject()), d => d["taskId"]!.GetValue<string>() == taskId);
        Assert.Equal(TestAccounts.HebeiReviewer, recorded["actor"]!.GetValue<string>());
        Assert.Equal("approve", recorded["kind"]!.GetValue<string>());
        Assert.Equal(reason, recorded["reason"]!.GetValue<string>());
        Assert.Equal(1, recorded["revision"]!.GetValue<int>());
        Assert.Equal("under-review", Status(@case));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task a_proponent_sees_their_case_among_my_cases()
    {
        var id = await SubmitAcrossAsync("Riverside school (browser)");

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/cases.html").ToString());
        Assert.True(await page.Locator("#cases-sign-in").IsVisibleAsync());
        await Infrastructure.Browser.SignInAsync(page, TestAccounts.Proponent);

        await page.WaitForSelectorAsync("#case-list[data-tab='mine'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.False(await page.Locator("#cases-sign-in").IsVisibleAsync());
        Assert.True(await page.Locator("#submit-open").IsVisibleAsync());
        var item = page.Locator($"a.case-item[data-case-id='{id}']");
        await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Equal("under-review", await item.GetAttributeAsync("data-status"));
        Assert.Contains("Riverside school (browser)", await item.TextContentAsync());

        // Their case offers withdrawal, and no decision.
        await item.ClickAsync();
        await page.WaitForSelectorAsync($"#case-view[data-case-id='{id}'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.True(await page.Locator("#case-withdraw").IsVisibleAsync());
        Assert.Equal(0, await page.Locator(".decision-form").CountAsync());
        Assert.Equal(0, await page.Locator("#case-override").CountAsync());

        // Another proponent's page does not list it.
        var (_, other) = await SendAsync(await server.ClientAsAsync(TestAccounts.OtherProponent), HttpMethod.Get, "/cases");
        Assert.DoesNotContain(other["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task a_one_time_password_is_replaced_in_the_form_and_the_account_is_signed_in_with_the_new_one()
    {
        const string oneTime = "one-time password 4711";
        const string chosen = "a password of my own choosing";
        var name = "t-otp-" + Guid.NewGuid().ToString("N")[..8];
        await ((IAccountStore)server.Store).AddAccountAsync(
            new Account(name, "One-time reviewer", Role.Reviewer, Jurisdictions.Hebei, "development-reform", PasswordHasher.Hash(oneTime, 1_000), false, true, DateTimeOffset.UtcNow),
            new AuditRecord("test-fixture", "account.added", name, "{}"), Ct);

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/cases.html").ToString());
        await page.WaitForSelectorAsync("body[data-account='']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.ClickAsync("#sign-in-open");
        await page.FillAsync("#sign-in-user", name);
        await page.FillAsync("#sign-in-password", oneTime);
        await page.ClickAsync("#sign-in-submit");

        await page.Locator("#password-form").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.False(await page.Locator("#password-current").IsVisibleAsync());
        await page.FillAsync("#password-new", chosen);
        await page.FillAsync("#password-again", chosen + " typo");
        await page.ClickAsync("#password-submit");
        await page.Locator("#password-error").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await page.FillAsync("#password-again", chosen);
        await page.ClickAsync("#password-submit");
        await page.WaitForSelectorAsync($"body[data-account='{name}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.WaitForSelectorAsync("#case-list[data-tab='inbox'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 30_000 });

        // The new password is the account's now; the one-time one is gone.
        Assert.False(string.IsNullOrEmpty(await TestAccounts.SignInAsync(server.Client, name, chosen)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(server.Client, name, oneTime));
    }
}
