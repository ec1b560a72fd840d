using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Import;

public sealed class FeatureValidatorTests
{
    private static readonly WKTReader Wkt = new();

    private static (Geometry? Result, ImportReport Report) Validate(string? wkt, LayerGeometry expected = LayerGeometry.Polygon)
    {
        var report = new ImportReport("test");
        var result = FeatureValidator.Validate(wkt is null ? null : Wkt.Read(wkt), expected, "layer", "#1", report);
        return (result, report);
    }

    [Fact]
    public void repairs_a_self_intersecting_ring_and_reports_where()
    {
        var (result, report) = Validate("POLYGON ((116 39, 117 40, 117 39, 116 40, 116 39))");
        Assert.NotNull(result);
        Assert.True(result.IsValid);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(ImportAction.Repaired, issue.Action);
        Assert.Contains("self-intersection", issue.Message, StringComparison.Ordinal);
        Assert.NotNull(issue.Location);
        Assert.Equal(116.5, issue.Location.X, 1e-9);
        Assert.Equal(39.5, issue.Location.Y, 1e-9);
    }

    [Fact]
    public void drops_an_empty_geometry_with_the_reason()
    {
        var (result, report) = Validate("POLYGON EMPTY");
        Assert.Null(result);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(ImportAction.Dropped, issue.Action);
        Assert.Equal("empty geometry", issue.Message);
    }

    [Fact]
    public void drops_a_missing_geometry_on_a_spatial_layer()
    {
        var (result, report) = Validate(null);
        Assert.Null(result);
        Assert.Equal("no geometry", Assert.Single(report.Issues).Message);
    }

    [Fact]
    public void turns_clockwise_exterior_rings_to_rfc_7946_winding()
    {
        var (result, report) = Validate("POLYGON ((116 39, 116 40, 117 40, 117 39, 116 39))");
        var polygon = Assert.IsType<Polygon>(result);
        Assert.True(Orientation.IsCCW(polygon.Shell.CoordinateSequence));
        Assert.Equal(ImportAction.Reoriented, Assert.Single(report.Issues).Action);
    }

    [Fact]
    public void leaves_a_valid_counter_clockwise_polygon_untouched()
    {
        var (result, report) = Validate("POLYGON ((116 39, 117 39, 117 40, 116 40, 116 39))");
        Assert.NotNull(result);
        Assert.Empty(report.Issues);
    }

    [Theory]
    [InlineData("POLYGON ((400000 4400000, 400100 4400000, 400100 4400100, 400000 4400000))")]
    [InlineData("POINT (116 95)")]
    public void rejects_coordinates_that_are_not_lon_lat(string wkt)
    {
        var (result, report) = Validate(wkt, wkt.StartsWith("POINT", StringComparison.Ordinal) ? LayerGeometry.Point : LayerGeometry.Polygon);
        Assert.Null(result);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(ImportAction.Dropped, issue.Action);
        Assert.Contains("outside lon/lat range", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void rejects_a_line_on_a_polygon_layer()
    {
        var (result, report) = Validate("LINESTRING (116 39, 117 40)");
        Assert.Null(result);
        Assert.Contains("does not fit a layer of Polygon", Assert.Single(report.Issues).Message, StringComparison.Ordinal);
    }
}
