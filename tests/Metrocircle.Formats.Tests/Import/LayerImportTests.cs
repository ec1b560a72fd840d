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

    private static string Bowtie(double x, double y) =>
        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{x + 0.1},{y + 0.1}],[{x + 0.1},{y}],[{x},{y + 0.1}],[{x},{y}]]]}}";

    /// <summary>Feature i (from 1) of a grid of boxes, away from its neighbours, with the id f{i}.</summary>
    private static string Numbered(int i, Func<double, double, string>? geometry = null) =>
        Line((geometry ?? ((x, y) => Box(x, y)))(100 + (0.15 * (i % 500)), -60 + (0.15 * (i / 500))), $"{{\"id\":\"f{i}\"}}");

    private async Task<(LayerImport Import, ImportReport Report, List<PlanFeature> Features)> ImportAsync(string path, List<PlanFeature>? passed = null)
    {
        var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var report = new ImportReport("test");
        var import = await LayerImport.StartAsync(reader, "parcels", report, TestContext.Current.CancellationToken);
        var features = passed ?? [];
        try
        {
            await foreach (var f in import.FeaturesAsync(Source, TestContext.Current.CancellationToken))
            {
                features.Add(f);
            }
        }
        finally
        {
            await import.DisposeAsync();
            await reader.DisposeAsync();
        }

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

    [Fact]
    public async Task features_and_report_lines_keep_the_file_order_across_batches_validated_side_by_side()
    {
        // 5,000 features are about twenty validation batches, several of them in flight at once.
        var text = new StringBuilder();
        var stored = new List<string>();
        var lines = new List<(ImportAction, string)>();
        for (var i = 1; i <= 5000; i++)
        {
            if (i % 13 == 0)
            {
                text.Append(Line("null", $"{{\"id\":\"f{i}\"}}"));
                lines.Add((ImportAction.Dropped, $"f{i} (line {i})"));
                continue;
            }

            if (i % 11 == 0)
            {
                text.Append(Numbered(i, Bowtie));
                lines.Add((ImportAction.Repaired, $"f{i} (line {i})"));
            }
            else if (i % 7 == 0)
            {
                text.Append(Numbered(i, (x, y) => Box(x, y, clockwise: true)));
                lines.Add((ImportAction.Reoriented, $"f{i} (line {i})"));
            }
            else
            {
                text.Append(Numbered(i));
            }

            stored.Add($"f{i}");
        }

        var (_, report, features) = await ImportAsync(_files.Text("many.geojsons", text.ToString()));

        Assert.Equal(stored, features.Select(f => f.Id));
        Assert.Equal(lines, report.Issues.Select(i => (i.Action, i.Feature)));
        Assert.Equal(5000, report.Read);
    }

    [Theory]
    [InlineData(2001, 3000)]
    [InlineData(1300, 8000)]
    public async Task a_point_far_into_a_polygon_file_stops_the_import_after_every_feature_before_it(int point, int count)
    {
        // The second case has many batches after the point's, so its error comes while the file is still being read.
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            text.Append(i == point ? Line("""{"type":"Point","coordinates":[116.5,39.5]}""", """{"id":"well"}""") : Numbered(i));
        }

        var passed = new List<PlanFeature>();
        var e = await Assert.ThrowsAsync<LayerFileException>(() => ImportAsync(_files.Text("late-point.geojsons", text.ToString()), passed));

        Assert.Contains($"well (line {point}) is a Point", e.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, point - 1).Select(i => $"f{i}"), passed.Select(f => f.Id));
    }

    [Theory]
    [InlineData(1500, 3000)]
    [InlineData(1300, 8000)]
    public async Task a_broken_line_far_into_the_file_stops_the_import_after_every_feature_before_it(int broken, int count)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            text.Append(i == broken ? $"{{\"type\":\"Feature\",\"properties\":{{\"id\":\"f{i}\"}},\"geometry\":\n" : Numbered(i));
        }

        var passed = new List<PlanFeature>();
        var e = await Assert.ThrowsAsync<LayerFileException>(() => ImportAsync(_files.Text("broken.geojsons", text.ToString()), passed));

        Assert.Contains($"line {broken}", e.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, broken - 1).Select(i => $"f{i}"), passed.Select(f => f.Id));
    }

    [Fact]
    public async Task report_lines_beyond_the_limit_are_counted_in_one_line_per_action()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= LayerImport.MaxReportLines + 3; i++)
        {
            text.Append(Numbered(i, (x, y) => Box(x, y, clockwise: true)));
        }

        var (_, report, features) = await ImportAsync(_files.Text("all-clockwise.geojsons", text.ToString()));

        Assert.Equal(LayerImport.MaxReportLines + 3, features.Count);
        Assert.Equal(LayerImport.MaxReportLines + 1, report.Issues.Count);
        Assert.Equal($"f{LayerImport.MaxReportLines} (line {LayerImport.MaxReportLines})", report.Issues[LayerImport.MaxReportLines - 1].Feature);
        Assert.All(report.Issues, i => Assert.Equal(ImportAction.Reoriented, i.Action));
        Assert.StartsWith("3 more features reoriented;", report.Issues[^1].Message, StringComparison.Ordinal);
        Assert.Equal(LayerImport.MaxReportLines + 3, report.Count(ImportAction.Reoriented));
    }

    public void Dispose() => _files.Dispose();
}
