using System.Net;
using System.Text.Json;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Tiles;

public sealed class TilesApiTests(SeededServer server)
{
    // z8 tile (tileMatrix/tileRow/tileCol) over central Beijing: lon 115.31–116.72, lat 39.91–40.98.
    private const string Beijing8 = "/collections/counties/tiles/WebMercatorQuad/8/96/210";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> GetJson(string path)
    {
        using var response = await server.Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    private Task<JsonElement> GetProblem(string path, HttpStatusCode status) => HttpAssertions.GetProblemAsync(server.Client, path, status);

    private static string? Link(JsonElement doc, string rel) => HttpAssertions.Link(doc, rel);

    [Fact]
    public async Task a_collection_with_geometry_links_to_its_vector_tilesets_and_a_record_collection_does_not()
    {
        var counties = await GetJson("/collections/counties");
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/collections/counties/tiles", Link(counties, "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"));
        var goals = await GetJson("/collections/goals");
        Assert.Null(Link(goals, "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"));
        await GetProblem("/collections/goals/tiles", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_tile_matrix_set_is_webmercatorquad_with_25_matrices_of_256_cells()
    {
        var list = await GetJson("/tileMatrixSets");
        Assert.Equal("WebMercatorQuad", Assert.Single(list.GetProperty("tileMatrixSets").EnumerateArray()).GetProperty("id").GetString());
        var tms = await GetJson("/tileMatrixSets/WebMercatorQuad");
        Assert.Equal("http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad", tms.GetProperty("uri").GetString());
        Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/3857", tms.GetProperty("crs").GetString());
        var matrices = tms.GetProperty("tileMatrices").EnumerateArray().ToList();
        Assert.Equal(25, matrices.Count);
        Assert.Equal(256, matrices[8].GetProperty("matrixWidth").GetInt32());
        Assert.Equal(256, matrices[8].GetProperty("tileWidth").GetInt32());
        Assert.Equal(559082264.0287178, matrices[0].GetProperty("scaleDenominator").GetDouble(), 1e-3);
        await GetProblem("/tileMatrixSets/WorldCRS84Quad", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_tileset_metadata_names_the_vector_layer_its_zooms_limits_and_bounds()
    {
        var sets = await GetJson("/collections/counties/tiles");
        var set = Assert.Single(sets.GetProperty("tilesets").EnumerateArray());
        Assert.Equal("vector", set.GetProperty("dataType").GetString());
        var metadata = await GetJson(Link(set, "self")!);
        Assert.Equal("http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad", metadata.GetProperty("tileMatrixSetURI").GetString());
        var layer = Assert.Single(metadata.GetProperty("layers").EnumerateArray());
        Assert.Equal("counties", layer.GetProperty("id").GetString());
        Assert.Equal("0", layer.GetProperty("minTileMatrix").GetString());
        Assert.Equal("16", layer.GetProperty("maxTileMatrix").GetString());
        Assert.Equal("string", layer.GetProperty("propertiesSchema").GetProperty("properties").GetProperty("name").GetProperty("type").GetString());
        var z8 = metadata.GetProperty("tileMatrixSetLimits").EnumerateArray().Single(l => l.GetProperty("tileMatrix").GetString() == "8");
        Assert.InRange(210, z8.GetProperty("minTileCol").GetInt32(), z8.GetProperty("maxTileCol").GetInt32());
        Assert.InRange(96, z8.GetProperty("minTileRow").GetInt32(), z8.GetProperty("maxTileRow").GetInt32());
        var lowerLeft = metadata.GetProperty("boundingBox").GetProperty("lowerLeft").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(lowerLeft[0], 113, 114);
        var template = metadata.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "item");
        Assert.True(template.GetProperty("templated").GetBoolean());
        Assert.EndsWith("/collections/counties/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}", template.GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("application/vnd.mapbox-vector-tile", template.GetProperty("type").GetString());
    }

    [Fact]
    public async Task tilejson_gives_maplibre_an_absolute_zyx_template_zooms_bounds_and_fields()
    {
        var doc = await GetJson("/collections/counties/tiles/WebMercatorQuad/tilejson.json");
        Assert.Equal("3.0.0", doc.GetProperty("tilejson").GetString());
        var template = Assert.Single(doc.GetProperty("tiles").EnumerateArray()).GetString()!;
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/collections/counties/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}", template);
        Assert.Equal(0, doc.GetProperty("minzoom").GetInt32());
        Assert.Equal(16, doc.GetProperty("maxzoom").GetInt32());
        var bounds = doc.GetProperty("bounds").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(bounds[0], 113, 114);
        Assert.InRange(bounds[3], 42, 43);
        var layer = Assert.Single(doc.GetProperty("vector_layers").EnumerateArray());
        Assert.Equal("counties", layer.GetProperty("id").GetString());
        Assert.Equal("String", layer.GetProperty("fields").GetProperty("name").GetString());
        Assert.Equal("String", layer.GetProperty("fields").GetProperty("certainty").GetString());

        // The template really resolves: the same z8 tile through it.
        using var tile = await server.Client.GetAsync(template.Replace("{z}", "8").Replace("{y}", "96").Replace("{x}", "210"), Ct);
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
    }

    [Fact]
    public async Task the_z8_tile_over_beijing_holds_dongcheng_with_its_public_properties()
    {
        using var response = await server.Client.GetAsync(Beijing8, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var layer = Assert.Single(MvtReader.Read(await response.Content.ReadAsByteArrayAsync(Ct)));
        Assert.Equal("counties", layer.Name);
        Assert.Equal(4096, layer.Extent);
        var dongcheng = Assert.Single(layer.Features, f => f.Id == 110101);
        Assert.Equal(TileGeometryType.Polygon, dongcheng.Type);
        Assert.Equal("东城区", dongcheng.Properties["name"]);
        Assert.Equal("北京市", dongcheng.Properties["province"]);
        Assert.Equal("indicative", dongcheng.Properties["certainty"]);
        Assert.Contains(layer.Features, f => f.Id == 110105); // Chaoyang
        Assert.DoesNotContain(layer.Features, f => f.Id == 120101); // Tianjin's Heping lies south-east, outside
        Assert.All(layer.Features.SelectMany(f => f.Parts).SelectMany(p => p), p =>
        {
            Assert.InRange(p.X, -64, 4160);
            Assert.InRange(p.Y, -64, 4160);
        });
    }

    [Fact]
    public async Task a_tile_with_no_feature_answers_204_no_content()
    {
        using var response = await server.Client.GetAsync("/collections/counties/tiles/WebMercatorQuad/8/0/0", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task a_tile_is_revalidated_by_its_plan_version_etag()
    {
        using var first = await server.Client.GetAsync(Beijing8, Ct);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, Beijing8);
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await server.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task an_unknown_collection_is_a_404_problem_naming_the_known_ones()
    {
        var problem = await GetProblem("/collections/parcels/tiles/WebMercatorQuad/8/96/210", HttpStatusCode.NotFound);
        Assert.Contains("\"parcels\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("counties", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await GetProblem("/collections/counties/tiles/WorldCRS84Quad/8/96/210", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("17/0/0", "tileMatrix", "\"17\"")]
    [InlineData("-1/0/0", "tileMatrix", "\"-1\"")]
    [InlineData("eight/0/0", "tileMatrix", "\"eight\"")]
    [InlineData("8/256/210", "tileRow", "\"256\"")]
    [InlineData("8/96/999", "tileCol", "\"999\"")]
    [InlineData("0/0/1", "tileCol", "\"1\"")]
    [InlineData("8/96/2.5", "tileCol", "\"2.5\"")]
    public async Task a_tile_address_out_of_range_is_a_400_problem_naming_the_bad_value(string address, string parameter, string quoted)
    {
        var problem = await GetProblem($"/collections/counties/tiles/WebMercatorQuad/{address}", HttpStatusCode.BadRequest);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains($"{parameter} {quoted}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
