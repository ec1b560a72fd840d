using System.Net;
using System.Text.Json;
using Metrocircle.Web.Features.Collections;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>Issue 11, item 4: an anonymous bbox read counts only up to a cap and pages by key, not by a growing offset.</summary>
public sealed class ItemsPagingTests(SeededServer server)
{
    private const string Box = "bbox=115.5,39,117.5,40.5";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> GetJson(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    /// <summary>Follows next links from <paramref name="path"/> to the end: the ids in order and the pages' documents.</summary>
    private static async Task<(List<string> Ids, List<JsonElement> Pages)> FollowAsync(HttpClient client, string path)
    {
        var (ids, pages) = (new List<string>(), new List<JsonElement>());
        string? url = path;
        while (url is not null)
        {
            var page = await GetJson(client, url);
            pages.Add(page);
            ids.AddRange(page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
            url = HttpAssertions.Link(page, "next");
            Assert.True(pages.Count < 100, "the next links do not end");
        }

        return (ids, pages);
    }

    [Fact]
    public async Task a_bbox_query_matching_more_than_the_cap_has_no_numberMatched_yet_links_every_page()
    {
        var everything = await GetJson(server.Client, $"/collections/counties/items?{Box}&limit=1000");
        var matched = everything.GetProperty("numberMatched").GetInt32();
        Assert.InRange(matched, 20, 80);

        await using var app = MetrocircleWebApp.Build(server.Store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Warning,
            Security: SeededServer.Unlimited, Paging: new ItemsPaging(NumberMatchedCap: 5)));
        await app.StartAsync(Ct);
        using var capped = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var (ids, pages) = await FollowAsync(capped, $"/collections/counties/items?{Box}&limit=7");
        Assert.False(pages[0].TryGetProperty("numberMatched", out _), "above the cap the count must be left out");
        Assert.Equal(7, pages[0].GetProperty("numberReturned").GetInt32());
        Assert.Equal(everything.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()), ids);

        // A small layer stays under the cap and is counted exactly.
        Assert.Equal(3, (await GetJson(capped, "/collections/circles/items")).GetProperty("numberMatched").GetInt32());
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task next_links_carry_the_last_row_key_as_a_cursor_and_the_last_page_has_none()
    {
        var (ids, pages) = await FollowAsync(server.Client, $"/collections/counties/items?{Box}&limit=5");
        var matched = pages[0].GetProperty("numberMatched").GetInt32();
        Assert.Equal(matched, ids.Count);
        Assert.Equal(matched, ids.Distinct().Count());
        Assert.Equal((matched + 4) / 5, pages.Count);
        foreach (var page in pages[..^1])
        {
            var next = HttpAssertions.Link(page, "next")!;
            Assert.Contains("cursor=", next, StringComparison.Ordinal);
            Assert.DoesNotContain("offset=", next, StringComparison.Ordinal);
            Assert.Contains("bbox=115.5%2C39%2C117.5%2C40.5", next, StringComparison.Ordinal);
            Assert.Equal(5, page.GetProperty("numberReturned").GetInt32());
            Assert.Equal(matched, page.GetProperty("numberMatched").GetInt32());
        }

        Assert.Null(HttpAssertions.Link(pages[^1], "next"));
        Assert.Contains("cursor=", HttpAssertions.Link(pages[^1], "self"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_page_asked_for_by_offset_still_answers_and_links_on_by_cursor()
    {
        var all = (await FollowAsync(server.Client, $"/collections/counties/items?{Box}&limit=5")).Ids;
        var (ids, pages) = await FollowAsync(server.Client, $"/collections/counties/items?{Box}&limit=5&offset=5");
        Assert.Equal(all[5..], ids);
        Assert.Contains("offset=0", HttpAssertions.Link(pages[0], "prev"), StringComparison.Ordinal);
        Assert.Contains("cursor=", HttpAssertions.Link(pages[0], "next"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 10_000)]
    [InlineData("25", 25)]
    public void the_count_cap_comes_from_its_environment_variable(string? text, int cap) =>
        Assert.Equal(cap, ItemsPaging.FromEnvironment(name => name == ItemsPaging.NumberMatchedCapVariable ? text : null).NumberMatchedCap);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("lots")]
    public void a_malformed_count_cap_stops_the_host_naming_its_variable(string text) =>
        Assert.Contains(ItemsPaging.NumberMatchedCapVariable,
            Assert.Throws<FormatException>(() => ItemsPaging.FromEnvironment(_ => text)).Message, StringComparison.Ordinal);
}
