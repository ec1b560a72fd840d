using System.Text;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Formats.Import;

namespace Metrocircle.Formats.Tests.Import;

public sealed class LayerImportTests : IDisposable
{
    private readonly TestFiles _files = new();
    private static readonly Provenance Source = new("test", Certainty.Synthetic);

    private static string Line(string geometry, string properties = "{}") =>
        $$"""{"type":"Feature","properties":{{properties}},"geometry":{{geometry}}}""" + "\n";

    private static string Box(double x, double y, bool clockwise = false) => clockwise
        ? $"{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{x},{y + 0.1}],[{x + 0.1},{y + 0.1}],[{x + 0.1},{y}],[{x},{y}]]]}}"
        : $"{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{x + 0.1},{y}],[{x + 0.1},{y + 0.1}],[{x},{y + 0.1}],[{x},{y}]]]}}";

    private async Task<(LayerImport Import, ImportReport Report, List<PlanFeature> Features)> ImportAsync(string path)
    {
        var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var report = new ImportReport("test");
        var import = await LayerImport.StartAsync(reader, "parcels", report, TestContext.Current.CancellationToken);
        var features = new List<PlanFeature>();
        await foreach (var f in import.FeaturesAsync(Source, TestContext.Current.CancellationToken))
        {
            features.Add(f);
        }

        await import.DisposeAsync();
        await reader.DisposeAsync();
        return (import, report, features);
    }

    [Fact]
    public async Task a_layer_that_mixes_polygons_and_a_point_fails_naming_the_first_point()
    {
        var path = _files.Text("mixed.geojsons",
            Line(Box(116, 39)) + Line(Box(116.2, 39)) + Line("""{"type":"Point","coordinates":[116.5,39.5]}""", """{"id":"well-3"}""") +
            Line("""{"type":"Point","coordinates":[116.6,39.5]}"""));

        var e = await Assert.ThrowsAsync<LayerFileException>(() => ImportAsync(path));

        Assert.Contains("well-3 (line 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Point", e.Message, StringComparison.Ordinal);
        Assert.Contains("Polygon", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task polygons_and_multipolygons_make_one_polygon_layer()
    {
        var path = _files.Text("ok.geojsons",
            Line(Box(116, 39)) + Line("""{"type":"MultiPolygon","coordinates":[[[[117,39],[117.1,39],[117.1,39.1],[117,39]]]]}"""));

        var (import, _, features) = await ImportAsync(path);

        Assert.Equal(LayerGeometry.Polygon, import.Geometry);
        Assert.Equal(2, features.Count);
    }

    [Fact]
    public async Task declares_attribute_types_from_the_first_features()
    {
        var path = _files.Text("attrs.geojsons",
            Line(Box(116, 39), """{"n":1,"x":1,"name":"a","ok":true,"day":"2024-05-01","mixed":1,"empty":null}""") +
            Line(Box(116.2, 39), """{"n":2,"x":2.5,"name":"b","ok":false,"day":"2024-06-01","mixed":"one"}"""));

        var (import, _, _) = await ImportAsync(path);

        Assert.Equal(
            [("n", AttributeType.Integer), ("x", AttributeType.Number), ("name", AttributeType.String), ("ok", AttributeType.Boolean),
             ("day", AttributeType.Date), ("mixed", AttributeType.String), ("empty", AttributeType.String)],
            import.Attributes.Select(a => (a.Name, a.Type)));
    }

    [Fact]
    public async Task repairs_reorients_and_drops_features_with_their_reasons_in_the_report()
    {
        var path = _files.Text("dirty.geojsons",
            Line(Box(116, 39)) +
            Line(Box(116.2, 39, clockwise: true), """{"id":"cw"}""") +
            Line("""{"type":"Polygon","coordinates":[[[116,39],[116.1,39.1],[116.1,39],[116,39.1],[116,39]]]}""", """{"id":"bowtie"}""") +
            Line("null", """{"id":"nothing"}""") +
            Line("""{"type":"Polygon","coordinates":[[[116,39],[116.1,39],[116.1,39.1],[116,39.1]]]}""", """{"id":"open"}""") +
            Line("""{"type":"Polygon","coordinates":[[[216,39],[216.1,39],[216.1,39.1],[216,39]]]}""", """{"id":"far"}"""));

        var (_, report, features) = await ImportAsync(path);

        Assert.Equal(["1", "cw", "bowtie"], features.Select(f => f.Id));
        Assert.Equal(6, report.Read);
        Assert.Contains(report.Issues, i => i.Action == ImportAction.Reoriented && i.Feature == "cw (line 2)");
        Assert.Contains(report.Issues, i => i.Action == ImportAction.Repaired && i.Feature == "bowtie (line 3)");
        Assert.Contains(report.Issues, i => i.Action == ImportAction.Dropped && i.Feature == "nothing (line 4)" && i.Message == "no geometry");
        Assert.Contains(report.Issues, i => i.Action == ImportAction.Dropped && i.Feature == "open (line 5)" && i.Message.Contains("not closed", StringComparison.Ordinal));
        Assert.Contains(report.Issues, i => i.Action == ImportAction.Dropped && i.Feature == "far (line 6)" && i.Message.Contains("lon/lat", StringComparison.Ordinal));
        Assert.True(NetTopologySuite.Algorithm.Orientation.IsCCW(((NetTopologySuite.Geometries.Polygon)features[1].Geometry!).Shell.CoordinateSequence));
    }

    [Fact]
    public async Task ids_come_from_the_feature_then_the_id_property_then_the_row_number()
    {
        var path = _files.Text("ids.geojson", new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[")
            .Append($"{{\"type\":\"Feature\",\"id\":\"top\",\"properties\":{{\"id\":\"inner\"}},\"geometry\":{Box(116, 39)}}},")
            .Append($"{{\"type\":\"Feature\",\"properties\":{{\"id\":12}},\"geometry\":{Box(116.2, 39)}}},")
            .Append($"{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":{Box(116.4, 39)}}}]}}")
            .ToString());

        var (_, _, features) = await ImportAsync(path);

        Assert.Equal(["top", "12", "3"], features.Select(f => f.Id));
    }

    public void Dispose() => _files.Dispose();
}
