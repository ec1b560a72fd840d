using Metrocircle.Core.Alignment;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Tests.Conflicts;

/// <summary>The overlap of two features for a conflict rule, with its shortcut when one covers the other, against a plain overlay.</summary>
public sealed class ConflictOverlapTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);

    // An urban polygon with many vertices (so it is the one prepared), and parcels in, across and outside it.
    private static readonly string Urban = Circle(5000, 5000, 3000, 96);

    private static SnapshotFeature Feature(string id, string wkt) => new(id, Wkt.Read(wkt), []);

    private static string Circle(double x, double y, double r, int n) =>
        "POLYGON ((" + string.Join(", ", Enumerable.Range(0, n + 1).Select(i => FormattableString.Invariant($"{x + r * Math.Cos(2 * Math.PI * (i % n) / n)} {y + r * Math.Sin(2 * Math.PI * (i % n) / n)}"))) + "))";

    private static Geometry Overlay(SnapshotFeature a, SnapshotFeature b) => OverlayNGRobust.Overlay(a.Metric, b.Metric, SpatialFunction.Intersection);

    [Theory]
    [InlineData("POLYGON ((4000 4000, 4100 4000, 4150 4120, 4000 4100, 4000 4000))")]
    [InlineData("POLYGON ((7900 4900, 8200 4900, 8200 5100, 7900 5100, 7900 4900))")]
    [InlineData("POLYGON ((1900 4000, 2500 4000, 2500 6000, 1900 6000, 1900 4000))")]
    public void the_overlap_has_the_area_of_the_plain_intersection_whichever_feature_is_a(string parcel)
    {
        var urban = Feature("u", Urban);
        var farm = Feature("f", parcel);

        var ab = ConflictOverlap.Of(urban, farm, 0);
        var ba = ConflictOverlap.Of(farm, urban, 0);

        Assert.NotNull(ab);
        Assert.NotNull(ba);
        var expected = Overlay(urban, farm).Area;
        Assert.True(expected > 0);
        Assert.Equal(expected, ab.Area, expected * 1e-9);
        Assert.Equal(expected, ba.Area, expected * 1e-9);
    }

    [Fact]
    public void a_parcel_wholly_inside_is_its_own_overlap_without_an_overlay()
    {
        var farm = Feature("f", "POLYGON ((4000 4000, 4100 4000, 4150 4120, 4000 4100, 4000 4000))");

        var overlap = ConflictOverlap.Of(Feature("u", Urban), farm, 0);

        // The parcel's own vertices in its own order (an overlay would start the ring elsewhere and orient it anew);
        // a parcel keeps its geometry as WKB, so the same shape rather than the same object.
        Assert.Equal(farm.Metric.AsText(), overlap!.AsText());
    }

    [Fact]
    public void features_apart_or_sharing_only_an_edge_have_no_overlap()
    {
        var square = Feature("u", "POLYGON ((0 0, 1000 0, 1000 1000, 0 1000, 0 0))");

        Assert.Null(ConflictOverlap.Of(square, Feature("f", "POLYGON ((1000 0, 2000 0, 2000 1000, 1000 1000, 1000 0))"), 0));
        Assert.Null(ConflictOverlap.Of(square, Feature("f", "POLYGON ((3000 0, 4000 0, 4000 1000, 3000 1000, 3000 0))"), 0));
    }

    [Fact]
    public void a_line_inside_a_polygon_is_a_linear_overlap_of_the_line_and_no_areal_overlap_of_the_polygon()
    {
        var line = Feature("rail", "LINESTRING (3000 5000, 7000 5000)");
        var urban = Feature("u", Urban);

        var ofLine = ConflictOverlap.Of(line, urban, 0);

        Assert.NotNull(ofLine);
        Assert.Equal(4000, ofLine.Length, 6);
        Assert.Null(ConflictOverlap.Of(urban, line, 0));
    }
}
