using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser). Skipped without Chromium on a developer
/// machine; under CI a missing Chromium fails the test.
/// </summary>
public static class Browser
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    public static async Task<(IPlaywright Playwright, IBrowserContext Context)> LaunchAsync()
    {
        var chromium = Requirements.Program("chromium", "chromium");
        var playwright = await Playwright.CreateAsync();
        var profile = Path.Combine(Path.GetTempPath(), "mc-chromium-" + Guid.NewGuid().ToString("N"));
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = Flags,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        return (playwright, context);
    }

    /// <summary>
    /// Signs in through the header's sign-in form (every page has it) and waits until the page knows the account.
    /// </summary>
    public static async Task SignInAsync(IPage page, string userName, string password = TestAccounts.Password)
    {
        await page.WaitForSelectorAsync("body[data-account]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.ClickAsync("#sign-in-open");
        await page.FillAsync("#sign-in-user", userName);
        await page.FillAsync("#sign-in-password", password);
        await page.ClickAsync("#sign-in-submit");
        await page.WaitForSelectorAsync($"body[data-account='{userName}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
    }

    /// <summary>Gives the browser a session cookie from a cookie sign-in made over HTTP, as if it had signed in itself.</summary>
    public static async Task AddSessionCookieAsync(IBrowserContext context, Uri baseAddress, string userName)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        using var response = await client.PostAsJsonAsync("/auth/sign-in", new { userName, password = TestAccounts.Password, cookie = true });
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("metrocircle_session=", StringComparison.Ordinal));
        await context.AddCookiesAsync([new Cookie { Name = "metrocircle_session", Value = cookie["metrocircle_session=".Length..], Url = baseAddress.ToString() }]);
    }

    /// <summary>Where screenshots go, so a person (and CI's artifacts) can look at them.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(Metrocircle.Testing.TestPaths.RepoRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    /// <summary>Counts distinct colours of a PNG by decoding it in the page: a blank canvas has one or two.</summary>
    public static Task<int> DistinctColoursAsync(IPage page, byte[] png) => page.EvaluateAsync<int>("""
        async (b64) => {
          const img = new Image();
          img.src = 'data:image/png;base64,' + b64;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.width; c.height = img.height;
          const ctx = c.getContext('2d');
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set();
          for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return seen.size;
        }
        """, Convert.ToBase64String(png));
}
