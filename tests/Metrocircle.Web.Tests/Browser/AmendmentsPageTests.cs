using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>
/// The amendments page in real Chromium on the shared seeded server: a reviewer proposes by uploading change sets
/// (farmland taken without compensation is shown blocked, with the farmland line; moved within the province it is
/// balanced), and the public reads the notice with its map and comments on it. Only Tianjin farmland parcels are
/// used, which no other test on this server amends; nothing is approved and no clock is moved.
/// </summary>
public sealed class AmendmentsPageTests(SeededServer server)
{
    private const string Farmland = "permanent-farmland";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    /// <summary>Screenshots a person looks at (outside the repository).</summary>
    private static string TempScreenshot(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "metrocircle-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static string Effective => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(200)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A Tianjin farmland parcel, the <paramref name="nth"/> by id near the province's interior point, with a free spot to move it to.</summary>
    private async Task<(string Id, Geometry Geometry, string County, Geometry Spot)> TianjinParcelAsync(int nth)
    {
        var tianjin = await ProvinceAsync(server.Client, Jurisdictions.Tianjin);
        var c = tianjin.InteriorPoint.Coordinate;
        var parcels = (await ItemsAsync(server.Client, Farmland, new Envelope(c.X - 0.6, c.X + 0.6, c.Y - 0.6, c.Y + 0.6)))
            .Where(f => tianjin.Contains(f.Geometry)).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        Assert.True(parcels.Count > nth, $"only {parcels.Count} Tianjin parcels near {c}");
        var p = parcels[nth];
        return (p.Id, p.Geometry, p.Properties["countyId"]!.GetValue<string>(), await FreeSpotAsync(server.Client, Farmland, p.Geometry, tianjin));
    }

    private static string RetireFeature(string id) =>
        $$"""{"type":"Feature","op":"retire","layer":"{{Farmland}}","featureId":"{{id}}","properties":{},"geometry":null}""";

    private static string AddFeature(string id, Geometry g, string county) =>
        $$"""{"type":"Feature","op":"add","layer":"{{Farmland}}","featureId":"{{id}}","properties":{"countyId":"{{county}}"},"geometry":{{GeoJson(g)}}}""";

    private static FilePayload Upload(params string[] features) => new()
    {
        Name = "changes.geojson",
        MimeType = "application/geo+json",
        Buffer = Encoding.UTF8.GetBytes($$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}"""),
    };

    private static async Task ProposeAsync(IPage page, string title, FilePayload file, int changes)
    {
        await page.WaitForSelectorAsync("#propose-form", Long);
        await page.WaitForFunctionAsync("() => document.querySelector('#propose-base')?.value", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.FillAsync("#propose-title", title);
        await page.FillAsync("#propose-rationale", "Browser test: farmland of a Tianjin county moved away from a new road.");
        await page.FillAsync("#propose-effective", Effective);
        await page.SetInputFilesAsync("#propose-file", file);
        await page.WaitForSelectorAsync($"#propose-changes-host[data-count='{changes}'] #amendment-diff", Long);
        Assert.Equal(changes, await page.Locator("#amendment-diff tbody tr").CountAsync());
        Assert.Contains(title, await page.Locator("#propose-preview").TextContentAsync());
        await page.ClickAsync("#propose-submit");
        await page.WaitForSelectorAsync("#propose-result", Long);
    }

    [Fact]
    public async Task a_reviewer_uploads_farmland_taken_without_compensation_and_sees_it_blocked_then_moved_within_the_province_and_balanced()
    {
        var taken = await TianjinParcelAsync(2);
        var moved = await TianjinParcelAsync(4);

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/amendments.html").ToString());
        await Infrastructure.Browser.SignInAsync(page, TestAccounts.TianjinReviewer);
        await page.ClickAsync("#propose-open");

        // Farmland taken, nothing added: proposed, and the sheet shows the Tianjin farmland line blocked.
        await ProposeAsync(page, "Take Tianjin farmland (browser)", Upload(RetireFeature(taken.Id)), 1);
        Assert.Equal("false", await page.GetAttributeAsync("#propose-result", "data-ok"));
        Assert.Equal("false", await page.GetAttributeAsync("#propose-result #amendment-balance", "data-ok"));
        var line = page.Locator("#propose-result tr.balance-line[data-rule='B2-farmland-compensate'][data-province='120000']");
        Assert.Equal("false", await line.GetAttributeAsync("data-ok"));
        Assert.Contains("Blocked", await line.TextContentAsync());
        Assert.True(await page.Locator("#propose-result .balance-verdict--blocked").IsVisibleAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = TempScreenshot("amendment-propose-blocked.png"), FullPage = true });
        var blockedId = (await page.GetAttributeAsync("#propose-result", "data-amendment-id"))!;

        // The same county's parcel moved to a free spot in Tianjin: balanced.
        await page.GotoAsync(new Uri(server.BaseAddress, "/amendments.html").ToString());
        await page.ClickAsync("#propose-open");
        await ProposeAsync(page, "Move Tianjin farmland (browser)", Upload(RetireFeature(moved.Id), AddFeature(moved.Id + "-moved-browser", moved.Spot, moved.County)), 2);
        Assert.Equal("true", await page.GetAttributeAsync("#propose-result", "data-ok"));
        Assert.Equal("true", await page.Locator("#propose-result tr.balance-line[data-rule='B2-farmland-compensate'][data-province='120000']").GetAttributeAsync("data-ok"));
        await page.WaitForSelectorAsync("#propose-result #amendment-impact[data-state='ready']", Long);
        var balancedId = (await page.GetAttributeAsync("#propose-result", "data-amendment-id"))!;

        // Both are listed, with their balance; the server has them as proposed.
        await page.WaitForSelectorAsync($"a.amendment-item[data-amendment-id='{balancedId}'][data-balance='ok']", Long);
        Assert.Equal("blocked", await page.GetAttributeAsync($"a.amendment-item[data-amendment-id='{blockedId}']", "data-balance"));
        var (status, stored) = await SendAsync(server.Client, HttpMethod.Get, $"/amendments/{blockedId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(stored["balance"]!["ok"]!.GetValue<bool>());
        Assert.Equal(TestAccounts.TianjinReviewer, stored["proposer"]!.GetValue<string>());

        // Its notice page: the map, the diff with the retired and the added parcel, the balance, the case link.
        await page.ClickAsync("#propose-notice");
        await page.WaitForSelectorAsync($"#amendment-view[data-amendment-id='{balancedId}'][data-state='ready']", Long);
        await page.WaitForSelectorAsync("#amendment-map[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        Assert.Equal(1, await page.Locator($"#amendment-diff tr[data-op='retire'][data-feature-id='{moved.Id}']").CountAsync());
        Assert.Equal(1, await page.Locator("#amendment-diff tr[data-op='add']").CountAsync());
        Assert.Equal("true", await page.GetAttributeAsync("#amendment-balance", "data-ok"));
        Assert.StartsWith("./cases.html#", await page.GetAttributeAsync("#amendment-case", "href"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = TempScreenshot("amendment-detail-reviewer.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task the_public_reads_the_notice_with_its_map_and_comments_on_a_point_and_the_office_shows_the_comment()
    {
        var parcel = await TianjinParcelAsync(6);
        var proposer = await server.ClientAsAsync(TestAccounts.TianjinReviewer);
        var (_, versions) = await SendAsync(server.Client, HttpMethod.Get, "/versions");
        var baseVersion = versions["versions"]!.AsArray().First(v => v!["inForce"]!.GetValue<bool>())!["id"]!.GetValue<string>();
        var (created, amendment) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "Tianjin farmland moved for the public (browser)", Effective,
            Retire(Farmland, parcel.Id), Add(Farmland, parcel.Id + "-public-browser", parcel.Spot, new JsonObject { ["countyId"] = parcel.County })));
        Assert.True(created == HttpStatusCode.Created, amendment.ToJsonString());
        var id = amendment["id"]!.GetValue<string>();

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        // Signed out: the list shows it (and no proposal button), and its notice page opens from it.
        await page.GotoAsync(new Uri(server.BaseAddress, "/amendments.html").ToString());
        await page.WaitForSelectorAsync("body[data-account='']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        var item = page.Locator($"a.amendment-item[data-amendment-id='{id}']");
        await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 60_000 });
        Assert.Equal("public-notice", await item.GetAttributeAsync("data-status"));
        Assert.Equal("ok", await item.GetAttributeAsync("data-balance"));
        Assert.False(await page.Locator("#propose-open").IsVisibleAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = TempScreenshot("amendment-list-public.png"), FullPage = true });

        await item.ClickAsync();
        await page.WaitForSelectorAsync($"#amendment-view[data-amendment-id='{id}'][data-state='ready']", Long);
        await page.WaitForSelectorAsync("#amendment-map[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        Assert.Equal("public-notice", await page.GetAttributeAsync("#amendment-status", "data-status"));
        Assert.Equal(2, await page.Locator("#amendment-diff tbody tr").CountAsync());
        Assert.Equal("true", await page.GetAttributeAsync("#amendment-balance", "data-ok"));
        Assert.Equal("ready", await page.GetAttributeAsync("#amendment-impact", "data-state"));
        Assert.True(await page.Locator("#amendment-impact table.impact-areas").IsVisibleAsync());

        // A comment on a point of the map, sent anonymously.
        await page.ClickAsync("#comment-point");
        await page.Locator("#amendment-map canvas").ClickAsync(new LocatorClickOptions { Position = new Microsoft.Playwright.Position { X = 200, Y = 150 } });
        await page.FillAsync("#comment-text", "Will the new parcel be irrigated as the old one was?");
        await page.ClickAsync("#comment-submit");
        await page.WaitForSelectorAsync("#amendment-message", Long);
        Assert.False(await page.Locator("#amendment-error").IsVisibleAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = TempScreenshot("amendment-detail-public.png"), FullPage = true });

        var office = await server.ClientAsAsync(TestAccounts.Office);
        var (_, seen) = await SendAsync(office, HttpMethod.Get, $"/amendments/{id}");
        var comment = Assert.Single(seen["comments"]!.AsArray())!;
        Assert.Equal("pending", comment["status"]!.GetValue<string>());
        Assert.Equal("Point", comment["geometry"]!["type"]!.GetValue<string>());

        // The coordination office shows it from the page; the public then sees it.
        var (officePlaywright, officeContext) = await Infrastructure.Browser.LaunchAsync();
        using var ___ = officePlaywright;
        await using var ____ = officeContext;
        await Infrastructure.Browser.AddSessionCookieAsync(officeContext, server.BaseAddress, TestAccounts.Office);
        var officePage = await officeContext.NewPageAsync();
        await officePage.GotoAsync(new Uri(server.BaseAddress, $"/amendments.html?id={id}").ToString());
        await officePage.WaitForSelectorAsync($"#amendment-view[data-amendment-id='{id}'][data-state='ready']", Long);
        await officePage.ClickAsync("li.comment[data-comment-id='c1'] button[data-moderate='show']");
        await officePage.WaitForSelectorAsync("li.comment[data-comment-id='c1'][data-status='shown']", Long);

        await page.ReloadAsync();
        await page.WaitForSelectorAsync($"#amendment-view[data-amendment-id='{id}'][data-state='ready']", Long);
        Assert.Contains("irrigated", await page.Locator("#amendment-comments li.comment[data-comment-id='c1']").TextContentAsync());
        Assert.Empty(errors);
    }
}
