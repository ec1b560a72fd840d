using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>OGC API – Features Part 3: queryables and a CQL2-text filter composed with bbox, paging and numberMatched.</summary>
public sealed class FilterTests(SeededServer server)
{
    private const string Beijing = "北京市";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await server.Client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static string Q(string filter) => Uri.EscapeDataString(filter);

    /// <summary>All 200 counties, to filter on the client side as the expected answer.</summary>
    private async Task<List<JsonNode>> AllCountiesAsync(string extra = "") =>
        [.. (await GetAsync($"/collections/counties/items?limit=1000{extra}"))["features"]!.AsArray().Select(f => f!)];

    private static string P(JsonNode feature, string name) => feature["properties"]![name]?.ToString() ?? string.Empty;

    [Fact]
    public async Task queryables_are_a_json_schema_of_the_layer_attributes()
    {
        using var response = await server.Client.GetAsync("/collections/counties/queryables", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var schema = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
        Assert.EndsWith("/collections/counties/queryables", schema["$id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        var properties = schema["properties"]!.AsObject();
        Assert.Equal("string", properties["province"]!["type"]!.GetValue<string>());
        Assert.Equal("number", properties["areaKm2"]!["type"]!.GetValue<string>());
        Assert.Equal("geometry-polygon-or-multipolygon", properties["geometry"]!["format"]!.GetValue<string>());
        Assert.Equal("string", properties["certainty"]!["type"]!.GetValue<string>());

        var collection = await GetAsync("/collections/counties");
        Assert.Contains(collection["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "http://www.opengis.net/def/rel/ogc/1.0/queryables");
    }

    [Fact]
    public async Task queryables_of_an_unknown_collection_are_not_found() =>
        await HttpAssertions.GetProblemAsync(server.Client, "/collections/no-such/queryables", HttpStatusCode.NotFound);

    [Fact]
    public async Task a_filter_returns_exactly_the_matching_features_and_counts_them()
    {
        var expected = (await AllCountiesAsync()).Where(f => P(f, "province") == Beijing).Select(f => f["id"]!.ToString()).ToList();
        Assert.Equal(16, expected.Count);
        var page = await GetAsync($"/collections/counties/items?limit=100&filter={Q($"province = '{Beijing}'")}&filter-lang=cql2-text");
        Assert.Equal(expected, page["features"]!.AsArray().Select(f => f!["id"]!.ToString()));
        Assert.Equal(16, page["numberMatched"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(3, "areaKm2 > 1500 AND (province = '北京市' OR city LIKE '保定%')")]
    [InlineData(7, "NOT province IN ('北京市', '天津市') AND areaKm2 BETWEEN 500 AND 1200")]
    [InlineData(50, "areaKm2 < 800")]
    public async Task next_links_page_a_filter_by_key_without_gaps_or_repeats(int limit, string filter)
    {
        var all = await AllCountiesAsync();
        var expected = all.Where(f => Matches(f, filter)).Select(f => f["id"]!.ToString()).ToList();
        Assert.True(expected.Count > limit, $"{filter} fits on one page");
        var seen = new List<string>();
        string? url = $"/collections/counties/items?limit={limit}&filter={Q(filter)}";
        while (url is not null)
        {
            var page = await GetAsync(url);
            Assert.Equal(expected.Count, page["numberMatched"]!.GetValue<int>());
            seen.AddRange(page["features"]!.AsArray().Select(f => f!["id"]!.ToString()));
            url = page["links"]!.AsArray().FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next")?["href"]!.GetValue<string>();
        }

        Assert.Equal(expected, seen);
    }

    /// <summary>The three filters of the paging test, written out on the client side.</summary>
    private static bool Matches(JsonNode f, string filter)
    {
        var area = f["properties"]!["areaKm2"]!.GetValue<double>();
        var province = P(f, "province");
        return filter switch
        {
            "areaKm2 > 1500 AND (province = '北京市' OR city LIKE '保定%')" => area > 1500 && (province == Beijing || P(f, "city").StartsWith("保定", StringComparison.Ordinal)),
            "NOT province IN ('北京市', '天津市') AND areaKm2 BETWEEN 500 AND 1200" => province is not (Beijing or "天津市") && area is >= 500 and <= 1200,
            "areaKm2 < 800" => area < 800,
            _ => throw new ArgumentOutOfRangeException(nameof(filter)),
        };
    }

    [Fact]
    public async Task offset_counts_matches_not_candidates()
    {
        var filter = Q("province = '天津市'");
        var all = await GetAsync($"/collections/counties/items?limit=100&filter={filter}");
        var skipped = await GetAsync($"/collections/counties/items?limit=4&offset=5&filter={filter}");
        Assert.Equal(all["features"]!.AsArray().Skip(5).Take(4).Select(f => f!["id"]!.ToString()), skipped["features"]!.AsArray().Select(f => f!["id"]!.ToString()));
        Assert.Equal(all["numberMatched"]!.GetValue<int>(), skipped["numberMatched"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_filter_composes_with_bbox_and_a_spatial_predicate()
    {
        const string Box = "116.2,39.6,116.9,40.1";
        var inBox = await AllCountiesAsync($"&bbox={Box}");
        var expected = inBox.Where(f => P(f, "province") == Beijing).Select(f => f["id"]!.ToString()).ToList();
        Assert.True(expected.Count < inBox.Count, "the box holds only Beijing counties");
        var filtered = await GetAsync($"/collections/counties/items?limit=100&bbox={Box}&filter={Q($"province = '{Beijing}'")}");
        Assert.Equal(expected, filtered["features"]!.AsArray().Select(f => f!["id"]!.ToString()));

        // The same box as a CQL2 spatial predicate answers what bbox does.
        var spatial = await GetAsync($"/collections/counties/items?limit=100&filter={Q("S_INTERSECTS(geometry, POLYGON((116.2 39.6, 116.9 39.6, 116.9 40.1, 116.2 40.1, 116.2 39.6)))")}");
        Assert.Equal(inBox.Select(f => f["id"]!.ToString()), spatial["features"]!.AsArray().Select(f => f!["id"]!.ToString()));
    }

    [Theory]
    [InlineData("colour = 'red'", "unknown property \"colour\"", "character 1")]
    [InlineData("province = '北京市' AND areaKm2 > 'big'", "property \"areaKm2\" is a number", "character 32")]
    [InlineData("province = '北京市' AND", "the end of the filter", "character 21")]
    [InlineData("province LIKE", "expected a property name or a literal", "character 14")]
    public async Task a_bad_filter_is_refused_naming_the_property_or_the_position(string filter, string what, string where)
    {
        var problem = await HttpAssertions.GetProblemAsync(server.Client, $"/collections/counties/items?filter={Q(filter)}", HttpStatusCode.BadRequest);
        Assert.Equal("filter", problem.GetProperty("parameter").GetString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(what, detail, StringComparison.Ordinal);
        Assert.Contains(where, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("filter-lang=cql2-json", "filter-lang")]
    [InlineData("filter-crs=http://www.opengis.net/def/crs/EPSG/0/4527", "filter-crs")]
    public async Task a_filter_language_or_crs_not_offered_is_refused(string query, string parameter)
    {
        var problem = await HttpAssertions.GetProblemAsync(server.Client, $"/collections/counties/items?filter={Q("areaKm2 > 1")}&{query}", HttpStatusCode.BadRequest);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task conformance_declares_crs_queryables_and_cql2_text()
    {
        var conformance = await GetAsync("/conformance");
        var classes = conformance["conformsTo"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter", classes);
        Assert.Contains("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text", classes);
        Assert.Contains("http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators", classes);
    }
}
