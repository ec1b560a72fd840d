using System.Globalization;
using System.Net;
using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>OGC API – Features Part 2: items and an item in CGCS2000 and its Gauss–Krüger zones.</summary>
public sealed class CrsTests(SeededServer server)
{
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const string Epsg = "http://www.opengis.net/def/crs/EPSG/0/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(JsonElement Doc, string? ContentCrs)> GetAsync(string path)
    {
        using var response = await server.Client.GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (doc.RootElement.Clone(), response.Headers.TryGetValues("Content-Crs", out var values) ? values.Single() : null);
    }

    private static IEnumerable<double[]> Positions(JsonElement geometry) =>
        geometry.GetProperty("coordinates") is var c ? Flatten(c) : [];

    private static IEnumerable<double[]> Flatten(JsonElement e) =>
        e[0].ValueKind == JsonValueKind.Number ? [[.. e.EnumerateArray().Select(v => v.GetDouble())]] : e.EnumerateArray().SelectMany(Flatten);

    [Fact]
    public async Task a_collection_offers_crs84_cgcs2000_and_the_gauss_kruger_zones_over_its_extent()
    {
        var (counties, _) = await GetAsync("/collections/counties");
        var crs = counties.GetProperty("crs").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(Crs84, crs[0]);
        Assert.Equal(Crs84, counties.GetProperty("storageCrs").GetString());
        Assert.Contains(Epsg + "4490", crs);
        // The default dataset spans about 113.5°E to 119.9°E: 3° zones 38 (114°E), 39 (117°E) and 40 (120°E), each with and without its prefix.
        Assert.Equal(["4526", "4527", "4528", "4547", "4548", "4549"], crs.Where(c => c!.StartsWith(Epsg + "45", StringComparison.Ordinal)).Select(c => c![Epsg.Length..]));
    }

    [Fact]
    public async Task items_are_crs84_by_default_and_say_so_in_content_crs()
    {
        var (_, contentCrs) = await GetAsync("/collections/counties/items?limit=1");
        Assert.Equal($"<{Crs84}>", contentCrs);
    }

    [Fact]
    public async Task epsg_4490_answers_the_same_numbers_latitude_first()
    {
        var (lonLat, _) = await GetAsync("/collections/counties/items?limit=20");
        var (latLon, contentCrs) = await GetAsync($"/collections/counties/items?limit=20&crs={Epsg}4490");
        Assert.Equal($"<{Epsg}4490>", contentCrs);
        var expected = lonLat.GetProperty("features").EnumerateArray().SelectMany(f => Positions(f.GetProperty("geometry"))).Select(p => (p[1], p[0])).ToList();
        var actual = latLon.GetProperty("features").EnumerateArray().SelectMany(f => Positions(f.GetProperty("geometry"))).Select(p => (p[0], p[1])).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task a_gauss_kruger_zone_answers_northing_first_in_metres_to_the_millimetre()
    {
        var (doc, contentCrs) = await GetAsync($"/collections/counties/items?limit=200&crs={Epsg}4527");
        Assert.Equal($"<{Epsg}4527>", contentCrs);
        var positions = doc.GetProperty("features").EnumerateArray().SelectMany(f => Positions(f.GetProperty("geometry"))).ToList();
        Assert.NotEmpty(positions);
        Assert.All(positions, p =>
        {
            // Zone 39 with its prefix: easting 39 500 000 ± a few hundred km; northing of 36°–43°N about 4.0–4.8 million metres.
            Assert.InRange(p[0], 3_900_000, 4_900_000);
            Assert.InRange(p[1], 39_000_000, 40_000_000);
            Assert.Equal(Math.Round(p[0], 3), p[0]);
            Assert.Equal(Math.Round(p[1], 3), p[1]);
        });
    }

    [Fact]
    public async Task one_item_in_a_zone_without_prefix_matches_the_same_feature_in_the_items()
    {
        var (items, _) = await GetAsync($"/collections/counties/items?limit=200&crs={Epsg}4548");
        var first = items.GetProperty("features")[0];
        var id = first.GetProperty("id").GetString()!;
        var (item, contentCrs) = await GetAsync($"/collections/counties/items/{Uri.EscapeDataString(id)}?crs={Uri.EscapeDataString("EPSG:4548")}");
        Assert.Equal($"<{Epsg}4548>", contentCrs);
        Assert.Equal(Positions(first.GetProperty("geometry")).Select(p => (p[0], p[1])), Positions(item.GetProperty("geometry")).Select(p => (p[0], p[1])));
        Assert.All(Positions(item.GetProperty("geometry")), p => Assert.InRange(p[1], 0, 1_000_000));
    }

    [Fact]
    public async Task a_bbox_in_a_gauss_kruger_zone_finds_the_county_under_it()
    {
        var (items, _) = await GetAsync($"/collections/counties/items?limit=200&crs={Epsg}4527");
        var county = items.GetProperty("features")[5];
        // A 20 m box around a vertex of the county, given as northing, easting like the answer.
        var vertex = Positions(county.GetProperty("geometry")).First();
        var box = string.Create(CultureInfo.InvariantCulture, $"{vertex[0] - 10},{vertex[1] - 10},{vertex[0] + 10},{vertex[1] + 10}");
        var (found, _) = await GetAsync($"/collections/counties/items?bbox={box}&bbox-crs={Epsg}4527&limit=50");
        Assert.Contains(county.GetProperty("id").GetString(), found.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.InRange(found.GetProperty("numberMatched").GetInt32(), 1, 4);
    }

    [Fact]
    public async Task a_bbox_in_epsg_4490_is_latitude_first()
    {
        var (lonLat, _) = await GetAsync("/collections/counties/items?bbox=116.2,39.6,116.9,40.1&limit=50");
        var (latLon, _) = await GetAsync($"/collections/counties/items?bbox=39.6,116.2,40.1,116.9&bbox-crs={Epsg}4490&limit=50");
        Assert.Equal(Ids(lonLat), Ids(latLon));
        Assert.True(Ids(lonLat).Count > 3);
    }

    private static List<string?> Ids(JsonElement doc) => [.. doc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString())];

    [Theory]
    [InlineData("/collections/counties/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857", "crs", "EPSG/0/3857")]
    [InlineData("/collections/counties/items?crs=EPSG:2436", "crs", "EPSG:2436")]
    [InlineData("/collections/counties/items?crs=WGS84", "crs", "WGS84")]
    [InlineData("/collections/counties/items?bbox=1,2,3,4&bbox-crs=EPSG:32650", "bbox-crs", "EPSG:32650")]
    [InlineData("/collections/counties/items/110112?crs=EPSG:4555", "crs", "EPSG:4555")]
    public async Task an_unsupported_crs_is_refused_by_name(string path, string parameter, string named)
    {
        var problem = await HttpAssertions.GetProblemAsync(server.Client, path, HttpStatusCode.BadRequest);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Contains(Epsg + "4527", detail, StringComparison.Ordinal);
    }
}
