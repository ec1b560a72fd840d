using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>
/// In Chromium, on a server of its own whose clock moves: an approved amendment is on the map's timeline as a version
/// to come, and on its effective date the map serves it as the plan in force (the retired parcel is gone from the
/// plan the page reads, the old version still has it).
/// </summary>
public sealed class AmendmentInForceTests(TimeTravelServer fixture) : IClassFixture<TimeTravelServer>
{
    private const string Farmland = "permanent-farmland";

    private SeededServer Server => fixture.Server;

    private Task<HttpClient> As(string user) => FreshAsync(Server.BaseAddress, Server.Client, user);

    [Fact]
    public async Task an_approved_amendment_becomes_the_plan_the_map_shows_on_its_effective_date()
    {
        try
        {
            var anonymous = Server.Client;
            var beijing = await ProvinceAsync(anonymous, Jurisdictions.Beijing);
            var parcel = await FeatureInAsync(anonymous, Farmland, beijing, skip: 1);
            var spot = await FreeSpotAsync(anonymous, Farmland, parcel.Geometry, beijing);
            var baseVersion = (await Server.Store.GetCurrentVersionAsync(TestContext.Current.CancellationToken))!.Id;
            var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(40)).ToString("yyyy-MM-dd");
            var (created, amendment) = await SendAsync(await As(TestAccounts.TianjinReviewer), HttpMethod.Post, "/amendments", Propose(baseVersion, "Farmland moved (browser)", effective,
                Retire(Farmland, parcel.Id), Add(Farmland, parcel.Id + "-moved", spot, new JsonObject { ["countyId"] = parcel.Properties["countyId"]!.GetValue<string>() })));
            Assert.True(created == HttpStatusCode.Created, amendment.ToJsonString());
            Server.Clock.Offset = TimeSpan.FromDays(31);
            Assert.All(await DecideAllAsync(amendment["caseId"]!.GetValue<string>(), As), d => Assert.True(d.Status == HttpStatusCode.OK, d.Body.ToJsonString()));
            var (_, approved) = await SendAsync(anonymous, HttpMethod.Get, $"/amendments/{amendment["id"]!.GetValue<string>()}");
            var published = approved["publishedVersion"]!.GetValue<string>();

            var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
            using var _ = playwright;
            await using var __ = context;
            var page = await context.NewPageAsync();
            await page.GotoAsync(Server.BaseAddress.ToString());
            await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
            var option = page.Locator($"#version-select option[value='{published}']");
            await option.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            Assert.Contains($"from {effective}", await option.TextContentAsync(), StringComparison.Ordinal);
            Assert.Equal(200, await page.EvaluateAsync<int>($"async () => (await fetch('/collections/{Farmland}/items/{parcel.Id}')).status"));

            // The effective date comes: a reload of the same page shows the amended plan as the one in force.
            Server.Clock.Offset = TimeSpan.FromDays(41);
            await System.Threading.Tasks.Task.Delay(400, TestContext.Current.CancellationToken); // the catalogue rechecks every 250 ms
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-ready='true']", new PageWaitForSelectorOptions { Timeout = 120_000 });
            await option.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            Assert.Contains("in force", await option.TextContentAsync(), StringComparison.Ordinal);
            Assert.Equal(404, await page.EvaluateAsync<int>($"async () => (await fetch('/collections/{Farmland}/items/{parcel.Id}')).status"));
            Assert.Equal(200, await page.EvaluateAsync<int>($"async () => (await fetch('/collections/{Farmland}/items/{parcel.Id}-moved')).status"));
            Assert.Equal(200, await page.EvaluateAsync<int>($"async () => (await fetch('/collections/{Farmland}/items/{parcel.Id}?version={Uri.EscapeDataString(baseVersion)}')).status"));
            Assert.Null(await page.GetAttributeAsync("body", "data-error"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("map-amended.png") });
        }
        finally
        {
            Server.Clock.Offset = TimeSpan.Zero;
        }
    }
}
