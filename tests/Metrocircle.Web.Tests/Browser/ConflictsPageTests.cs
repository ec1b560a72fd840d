using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Metrocircle.Web.Tests.Browser;

/// <summary>The conflicts page in real Chromium against the seeded server (issue 14).</summary>
public sealed class ConflictsPageTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> Conflicts(string query = "") =>
        JsonNode.Parse(await server.Client.GetStringAsync("/conflicts" + query, Ct))!.AsObject();

    private static async Task<int> Shown(IPage page) =>
        int.Parse((await page.GetAttributeAsync("#conflict-count", "data-shown"))!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task the_conflicts_view_shows_the_patches_filters_them_and_inspects_both_features()
    {
        var all = await Conflicts();
        var total = all["numberMatched"]!.GetValue<int>();
        Assert.True(total > 1, "the seeded plan needs conflict patches for this test");
        var patches = all["conflicts"]!.AsArray().Select(c => c!["properties"]!).ToList();

        var (playwright, context) = await Infrastructure.Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/conflicts.html").ToString());
        await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.WaitForSelectorAsync("#conflict-map[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        // Every patch of the plan is on the map and counted; the list holds them (up to its limit).
        Assert.Equal(total, await Shown(page));
        Assert.Equal(total.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#conflict-map", "data-patches"));
        Assert.Equal(Math.Min(total, 300), await page.Locator("#conflict-list li[data-id]").CountAsync());
        var canvas = await page.Locator("#conflict-map canvas.maplibregl-canvas").BoundingBoxAsync();
        Assert.NotNull(canvas);
        Assert.True(canvas.Width > 300 && canvas.Height > 200, $"the map canvas is {canvas.Width}x{canvas.Height} px");
        var png = await page.Locator("#conflict-map").ScreenshotAsync();
        Assert.True(await Infrastructure.Browser.DistinctColoursAsync(page, png) > 8, "the conflicts map looks blank");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("conflicts.png") });

        // A rule on layers the plan lacks is listed as not applicable; the status filter is offered since patches carry one.
        var flood = page.Locator("#conflict-rules li[data-rule='C7-construction-flood']");
        Assert.Equal("false", await flood.GetAttributeAsync("data-applicable"));
        Assert.Contains("Not applicable", await flood.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#filter-status-label").IsVisibleAsync());

        // Filtering by rule keeps that rule's patches only, as the API counts them; a rule without patches empties the view.
        var rule = patches.GroupBy(p => (string)p["rule"]!).OrderByDescending(g => g.Count()).First().Key;
        var empty = all["rules"]!.AsArray().Select(r => r!.AsObject())
            .First(r => (bool)r["applicable"]! && !patches.Any(p => (string)p["rule"]! == (string)r["rule"]!))["rule"]!.GetValue<string>();
        await page.SelectOptionAsync("#filter-rule", empty);
        Assert.Equal(0, await Shown(page));
        Assert.Equal("0", await page.GetAttributeAsync("#conflict-map", "data-patches"));
        await page.SelectOptionAsync("#filter-rule", rule);
        var byRule = (await Conflicts($"?rule={rule}"))["numberMatched"]!.GetValue<int>();
        Assert.Equal(byRule, await Shown(page));
        Assert.Equal(byRule.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#conflict-map", "data-patches"));
        Assert.All(await page.Locator("#conflict-list li[data-id]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.rule)"), r => Assert.Equal(rule, r));

        // The county filter names counties (not codes) and narrows the set to that county's patches.
        var county = patches.Where(p => (string)p["rule"]! == rule && p["county"] is not null)
            .GroupBy(p => (string)p["county"]!).OrderBy(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var label = await page.Locator($"#filter-county option[value='{county}']").InnerTextAsync();
        Assert.DoesNotContain(county, label, StringComparison.Ordinal);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", label);
        await page.SelectOptionAsync("#filter-county", county);
        var byCounty = (await Conflicts($"?rule={rule}&county={county}"))["numberMatched"]!.GetValue<int>();
        Assert.Equal(byCounty, await Shown(page));
        Assert.All(await page.Locator("#conflict-list li[data-id]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.county)"), c => Assert.Equal(county, c));
        Assert.True(byCounty < byRule || patches.Select(p => (string?)p["county"]).Distinct().Count() == 1, "the county filter did not narrow the set");

        // A status no patch has empties the set; back to all statuses restores it.
        await page.SelectOptionAsync("#filter-status", "open");
        var open = patches.Count(p => (string)p["rule"]! == rule && (string?)p["county"] == county && (string)p["status"]! == "open");
        Assert.Equal(open, await Shown(page));
        await page.SelectOptionAsync("#filter-status", "");

        // The inspector shows the patch's figures and loads both features with their layers' names.
        var first = page.Locator("#conflict-list li[data-id]").First;
        var id = (await first.GetAttributeAsync("data-id"))!;
        await first.ClickAsync();
        await page.WaitForSelectorAsync($"#conflict-inspector[data-patch='{id}']", new PageWaitForSelectorOptions { Timeout = 10_000 });
        var patch = all["conflicts"]!.AsArray().Single(c => (string)c!["id"]! == id)!["properties"]!;
        foreach (var role in new[] { "A", "B" })
        {
            var box = page.Locator($"#conflict-inspector .inspect-feature[data-role='{role}']");
            await page.WaitForSelectorAsync($"#conflict-inspector .inspect-feature[data-role='{role}'][data-state='ready']", new PageWaitForSelectorOptions { Timeout = 20_000 });
            var layer = (string)patch["layer" + role]!;
            Assert.Equal(layer, await box.GetAttributeAsync("data-layer"));
            Assert.Equal((string)patch["feature" + role]!, await box.GetAttributeAsync("data-feature"));
            var collection = JsonNode.Parse(await server.Client.GetStringAsync($"/collections/{layer}?f=json", Ct))!;
            Assert.Contains((string)collection["metrocircle"]!["titleEn"]!, await box.Locator(".inspect-feature__layer").InnerTextAsync(), StringComparison.Ordinal);
        }

        await page.WaitForSelectorAsync("#conflict-map[data-highlighted='2']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 10_000 });
        Assert.Matches(@"^[\d,.]+ (m²|ha|km²|m|km)$", await page.Locator("#inspect-size").InnerTextAsync());
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await page.Locator("#inspect-county").InnerTextAsync());
        Assert.StartsWith("./amendments.html", await page.GetAttributeAsync("#propose-amendment", "href"), StringComparison.Ordinal);
        await page.WaitForSelectorAsync("#conflict-map[data-ready='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Infrastructure.Browser.ScreenshotPath("conflicts-inspector.png") });
        Assert.Empty(errors);
    }
}
