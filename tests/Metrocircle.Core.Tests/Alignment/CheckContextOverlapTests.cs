using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Tests.Alignment;

/// <summary>
/// Overlap areas with parcels (few-vertex polygons, clipped when convex) must equal the overlay's area, and the
/// edge tolerance must classify slivers and touching neighbours as before. Metric WKT in the Capital area's Albers
/// range, where coordinates run to hundreds of kilometres.
/// </summary>
public sealed class CheckContextOverlapTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanVersion Version = new("metric@1", "metric", 1, "metric", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);

    private const string Convex = "POLYGON ((400000 300000, 401000 300100, 401200 301000, 400500 301500, 399800 300900, 400000 300000))";
    private const string ConvexClockwise = "POLYGON ((400000 300000, 399800 300900, 400500 301500, 401200 301000, 401000 300100, 400000 300000))";
    private const string Concave = "POLYGON ((400000 300000, 401200 300000, 401200 301200, 400600 300500, 400000 301200, 400000 300000))";

    private static (CheckContext Ctx, SnapshotLayer Layer) Context(string parcel, string footprint, double tolerance) =>
        Context(Wkt.Read(parcel), footprint, tolerance);

    private static (CheckContext Ctx, SnapshotLayer Layer) Context(NetTopologySuite.Geometries.Geometry feature, string footprint, double tolerance)
    {
        var layer = new SnapshotLayer(new PlanLayer("permanent-farmland", "control:permanent-farmland", "f", "f", "f", LayerGeometry.Polygon, 1, []),
            [new SnapshotFeature("p", feature, [])]);
        var snapshot = PlanSnapshot.FromProjected(Version, new PlanSettings(TestPlan.Snapshot.Projection, tolerance), [layer], []);
        var metric = Wkt.Read(footprint);
        return (new CheckContext(snapshot, new Footprint(metric, metric, "housing", null, [], "test")), layer);
    }

    [Theory]
    [InlineData(Convex, "POLYGON ((400300 300300, 401500 300300, 401500 300800, 400300 300800, 400300 300300))")]
    [InlineData(ConvexClockwise, "POLYGON ((400300 300300, 401500 300300, 401500 300800, 400300 300800, 400300 300300))")]
    [InlineData(Convex, "POLYGON ((399000 299000, 402000 299000, 402000 302000, 399000 302000, 399000 299000))")]
    [InlineData(Convex, "POLYGON ((400400 300400, 400600 300400, 400600 300600, 400400 300600, 400400 300400))")]
    [InlineData(Convex, "POLYGON ((399500 300200, 400700 300200, 400700 300400, 399900 300400, 399900 301200, 399500 301200, 399500 300200))")]
    [InlineData(Convex, "POLYGON ((399500 299500, 401500 299500, 401500 301700, 399500 301700, 399500 299500), (400200 300300, 400800 300300, 400800 300900, 400200 300900, 400200 300300))")]
    [InlineData(Convex, "MULTIPOLYGON (((399900 300400, 400300 300400, 400300 300700, 399900 300700, 399900 300400)), ((400900 300500, 401400 300500, 401400 300800, 400900 300800, 400900 300500)))")]
    [InlineData(Concave, "POLYGON ((400300 300300, 401500 300300, 401500 301000, 400300 301000, 400300 300300))")]
    public void overlap_areas_with_parcels_equal_the_overlay(string parcel, string footprint)
    {
        var (ctx, layer) = Context(parcel, footprint, 1.0);
        var expected = OverlayNGRobust.Overlay(Wkt.Read(footprint), Wkt.Read(parcel), SpatialFunction.Intersection).Area;

        var hit = Assert.Single(ctx.Hits(layer));
        Assert.Equal(expected, hit.AreaM2, expected * 1e-9);
    }

    // A county-like feature: 129 vertices, so it goes through the prepared and boundary-index paths.
    private static NetTopologySuite.Geometries.Geometry Complex() =>
        GeoJsonGeometry.MetricFactory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(400000, 300000)).Buffer(2000, 32);

    [Theory]
    [InlineData("POLYGON ((401000 299000, 403000 299000, 403000 300500, 401000 300500, 401000 299000))")]
    [InlineData("POLYGON ((401000 299000, 403000 299000, 402000 300500, 401500 300000, 401000 300500, 401000 299000))")]
    [InlineData("POLYGON ((399500 299500, 400500 299500, 400500 300500, 399500 300500, 399500 299500))")]
    public void overlap_areas_with_a_complex_feature_equal_the_overlay(string footprint)
    {
        var (ctx, layer) = Context(Complex(), footprint, 1.0);
        var expected = OverlayNGRobust.Overlay(Wkt.Read(footprint), Complex(), SpatialFunction.Intersection).Area;

        Assert.Equal(expected, Assert.Single(ctx.Hits(layer)).AreaM2, expected * 1e-9);
    }

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0, 0)]
    public void a_footprint_half_a_metre_outside_a_complex_feature_is_an_edge_contact_only_within_the_tolerance(double tolerance, int edges)
    {
        var (ctx, layer) = Context(Complex(), "POLYGON ((402000.5 299900, 402100 299900, 402100 300100, 402000.5 300100, 402000.5 299900))", tolerance);

        Assert.Empty(ctx.Hits(layer));
        Assert.Equal(edges, ctx.EdgeContacts(layer).Count);
    }

    [Fact]
    public void a_footprint_far_outside_a_complex_feature_in_its_envelope_is_neither_hit_nor_edge()
    {
        var (ctx, layer) = Context(Complex(), "POLYGON ((401700 301700, 401900 301700, 401900 301900, 401700 301900, 401700 301700))", 1.0);

        Assert.Empty(ctx.Hits(layer));
        Assert.Empty(ctx.EdgeContacts(layer));
    }

    [Fact]
    public void a_sliver_narrower_than_the_tolerance_along_a_parcel_edge_is_an_edge_contact()
    {
        // The footprint reaches 0.4 m into the parcel along its 1 km southern edge: 400 m², but no wider than 1 m.
        var (ctx, layer) = Context("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))",
            "POLYGON ((400000 299000, 401000 299000, 401000 300000.4, 400000 300000.4, 400000 299000))", 1.0);

        Assert.Empty(ctx.Hits(layer));
        Assert.Single(ctx.EdgeContacts(layer));
    }

    [Fact]
    public void the_same_sliver_is_an_overlap_when_the_tolerance_is_zero()
    {
        var (ctx, layer) = Context("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))",
            "POLYGON ((400000 299000, 401000 299000, 401000 300000.4, 400000 300000.4, 400000 299000))", 0);

        Assert.Equal(400, Assert.Single(ctx.Hits(layer)).AreaM2, 1e-6);
    }

    [Fact]
    public void a_concave_footprint_whose_narrow_arm_grazes_a_parcel_is_an_edge_contact_within_the_tolerance()
    {
        // A U-shaped footprint: its left arm reaches 0.5 m into the parcel's western edge along 800 m; the clipped
        // ring has zero-width spans along the clip edge, which only make the width bound more cautious.
        var (ctx, layer) = Context("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))",
            "POLYGON ((399000 300100, 400000.5 300100, 400000.5 300900, 399500 300900, 399500 300500, 399200 300500, 399200 300900, 399000 300900, 399000 300100))", 1.0);

        Assert.Empty(ctx.Hits(layer));
        Assert.Single(ctx.EdgeContacts(layer));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0)]
    public void a_parcel_that_only_shares_an_edge_is_an_edge_contact_not_an_overlap(double tolerance)
    {
        var (ctx, layer) = Context("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))",
            "POLYGON ((400000 299000, 401000 299000, 401000 300000, 400000 300000, 400000 299000))", tolerance);

        Assert.Empty(ctx.Hits(layer));
        Assert.Single(ctx.EdgeContacts(layer));
    }

    [Fact]
    public void a_parcel_half_a_metre_away_is_an_edge_contact_within_a_one_metre_tolerance_and_nothing_without()
    {
        const string parcel = "POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))";
        const string footprint = "POLYGON ((400000 299000, 401000 299000, 401000 299999.5, 400000 299999.5, 400000 299000))";

        var (within, layer) = Context(parcel, footprint, 1.0);
        Assert.Single(within.EdgeContacts(layer));
        var (exact, layer0) = Context(parcel, footprint, 0);
        Assert.Empty(exact.EdgeContacts(layer0));
        Assert.Empty(exact.Hits(layer0));
    }
}
