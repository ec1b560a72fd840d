using System.Text;
using Metrocircle.Formats.GeoJson;

namespace Metrocircle.Formats.Tests.GeoJson;

public sealed class GeoJsonReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    private const string Square = """{"type":"Polygon","coordinates":[[[116,39],[116.1,39],[116.1,39.1],[116,39.1],[116,39]]]}""";

    [Fact]
    public async Task reads_a_feature_collection_with_ids_properties_and_geometry()
    {
        var path = _files.Text("layer.geojson", $$"""
            {
              "type": "FeatureCollection",
              "name": "parcels",
              "features": [
                { "type": "Feature", "id": "a-1", "properties": { "name": "一号", "area": 12.5 }, "geometry": {{Square}} },
                { "type": "Feature", "properties": { "id": 7, "ok": true }, "geometry": { "coordinates": [116.5, 39.5], "type": "Point" } },
                { "type": "Feature", "properties": null, "geometry": null }
              ]
            }
            """);

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(3, features.Count);
        Assert.Equal("a-1", features[0].Id);
        Assert.Equal("一号", (string?)features[0].Properties["name"]);
        Assert.Equal(12.5, (double?)features[0].Properties["area"]);
        ReaderAssert.SameGeometry("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39.1, 116 39))", features[0].Geometry);
        Assert.Equal("7", features[1].Id);
        ReaderAssert.SameGeometry("POINT (116.5 39.5)", features[1].Geometry);
        Assert.Null(features[2].Id);
        Assert.Null(features[2].Geometry);
        Assert.Equal("feature 2 (line 6)", features[1].Where);
    }

    [Fact]
    public async Task streams_a_collection_much_larger_than_its_buffer_without_losing_a_feature()
    {
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[\n");
        const int n = 20_000;
        for (var i = 1; i <= n; i++)
        {
            sb.Append($$$"""{"type":"Feature","id":{{{i}}},"properties":{"note":"{{{new string('x', 100)}}}"},"geometry":{"type":"Point","coordinates":[116.{{{i}}},39.5]}}""");
            sb.Append(i < n ? ",\n" : "\n");
        }

        var path = _files.Text("big.geojson", sb.Append("]}").ToString());
        Assert.True(new FileInfo(path).Length > 3 << 20);

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(n, features.Count);
        Assert.Equal(Enumerable.Range(1, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), features.Select(f => f.Id));
        Assert.Equal($"feature {n} (line {n + 1})", features[^1].Where);
    }

    [Fact]
    public async Task reads_a_text_sequence_with_and_without_record_separators()
    {
        var path = _files.Text("seq.geojsons",
            "\u001e{\"type\":\"Feature\",\"properties\":{\"id\":\"p1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116,39]}}\n" +
            "\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[117,40]}}\r\n");

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(["p1", null], features.Select(f => f.Id));
        Assert.Equal(["line 1", "line 3"], features.Select(f => f.Where));
        ReaderAssert.SameGeometry("POINT (117 40)", features[1].Geometry);
    }

    [Fact]
    public async Task tells_one_feature_per_line_from_a_collection_by_content_when_named_geojson()
    {
        var path = _files.Text("lines.geojson",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116,39]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[117,40]}}\n");

        await using var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);

        Assert.IsType<GeoJsonSequenceReader>(reader);
    }

    [Fact]
    public async Task a_truncated_collection_fails_with_the_line_where_it_breaks()
    {
        var full = $$"""
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{{Square}}},
            {"type":"Feature","properties":{},"geometry":{{Square}}},
            {"type":"Feature","properties":{"name":"cut here"},"geometry":{"type":"Polygon","coordinates":[[[116,39],[116.1,
            """;
        var path = _files.Text("cut.geojson", full);

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_truncated_text_sequence_fails_with_its_last_line()
    {
        var path = _files.Text("cut.geojsons",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116,39]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[117,40]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Poi");

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_geometry_that_cannot_be_built_comes_back_with_its_reason_instead_of_failing_the_file()
    {
        var path = _files.Text("open.geojsons",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116,39],[116.1,39],[116.1,39.1],[116,39.1]]]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[117,40]}}\n");

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(2, features.Count);
        Assert.Null(features[0].Geometry);
        Assert.Equal("the exterior ring is not closed", features[0].GeometryError);
        Assert.NotNull(features[1].Geometry);
    }

    [Fact]
    public async Task refuses_a_collection_that_declares_a_projected_crs_naming_it()
    {
        var path = _files.Text("mercator.geojson", """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}
            """);

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("urn:ogc:def:crs:EPSG::3857", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task reads_multi_geometries_and_drops_z()
    {
        var path = _files.Text("multi.geojsons",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[116,39,5],[117,39,5],[117,40,5],[116,39,5]]],[[[118,39],[119,39],[119,40],[118,39]]]]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[[[116,39],[117,40]]]}}\n");

        var features = await ReaderAssert.ReadAllAsync(path);

        ReaderAssert.SameGeometry("MULTIPOLYGON (((116 39, 117 39, 117 40, 116 39)), ((118 39, 119 39, 119 40, 118 39)))", features[0].Geometry);
        ReaderAssert.SameGeometry("MULTILINESTRING ((116 39, 117 40))", features[1].Geometry);
    }

    [Fact]
    public async Task refuses_a_file_of_unknown_format()
    {
        var path = _files.Text("notes.txt", "parcel 1, parcel 2\n");

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("unknown format", e.Message, StringComparison.Ordinal);
        Assert.Contains("notes.txt", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
