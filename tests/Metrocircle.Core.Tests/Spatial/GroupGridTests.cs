using Metrocircle.Core.Spatial;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Spatial;

public sealed class GroupGridTests
{
    private static readonly WKTReader Wkt = new();

    // An L in metres: a 10 km square less its north-east quarter, with a 1 km hole near its south-west corner.
    private static readonly Geometry L = Wkt.Read("POLYGON ((0 0, 10000 0, 10000 5000, 5000 5000, 5000 10000, 0 10000, 0 0), (1000 1000, 2000 1000, 2000 2000, 1000 2000, 1000 1000))");

    private static readonly GroupGrid Grid = new(L, new IndexedPointInAreaLocator(L));

    [Theory]
    [InlineData(3000, 3000, 3100, 3100, true)]
    [InlineData(7000, 7000, 7100, 7100, false)]
    [InlineData(-500, 4000, -400, 4100, false)]
    [InlineData(1400, 1400, 1500, 1500, false)]
    [InlineData(20000, 20000, 20100, 20100, false)]
    public void decides_a_box_wholly_on_one_side_of_the_boundary(double minX, double minY, double maxX, double maxY, bool inside) =>
        Assert.Equal(inside, Grid.Contains(minX, minY, maxX, maxY));

    [Theory]
    [InlineData(4980, 6000, 4990, 6010, true)]
    [InlineData(5010, 6000, 5020, 6010, false)]
    [InlineData(1005, 1500, 1010, 1510, false)]
    [InlineData(995, 1500, 999, 1510, true)]
    [InlineData(4990, 9990, 4999, 9999, true)]
    public void decides_a_box_in_a_cell_near_the_boundary_when_no_boundary_segment_meets_it(double minX, double minY, double maxX, double maxY, bool inside) =>
        Assert.Equal(inside, Grid.Contains(minX, minY, maxX, maxY));

    [Theory]
    [InlineData(4990, 6000, 5010, 6010)]
    [InlineData(1990, 1500, 2010, 1510)]
    [InlineData(-10, 500, 10, 510)]
    [InlineData(4999.9, 4999.9, 5000.1, 5000.1)]
    [InlineData(4990, 6000, 5000, 6010)]
    [InlineData(5000.0000001, 6000, 5010, 6010)]
    [InlineData(100, 100, 9900, 9900)]
    public void leaves_a_box_near_or_across_the_boundary_undecided(double minX, double minY, double maxX, double maxY) =>
        Assert.Null(Grid.Contains(minX, minY, maxX, maxY));

    [Fact]
    public void a_decided_box_agrees_with_the_exact_test_of_its_centre()
    {
        var locator = new IndexedPointInAreaLocator(L);
        var random = new Random(3);
        var decided = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var (x, y) = ((random.NextDouble() * 12000) - 1000, (random.NextDouble() * 12000) - 1000);
            if (Grid.Contains(x, y, x + 50, y + 50) is { } inside)
            {
                decided++;
                Assert.Equal(inside, locator.Locate(new Coordinate(x + 25, y + 25)) != Location.Exterior);
            }
        }

        Assert.InRange(decided, 15_000, 20_000);
    }

    [Fact]
    public void measures_a_wkb_polygon_to_the_bit_of_the_projected_geometry_and_declines_what_it_does_not_read()
    {
        var region = new EqualAreaProjection(lat0: 38.5, lon0: 116.5, lat1: 36.5, lat2: 41.5);
        var writer = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false);
        var parcel = Wkt.Read("MULTIPOLYGON (((116.1 39.1, 116.13 39.1, 116.12 39.14, 116.1 39.1), (116.11 39.105, 116.12 39.105, 116.115 39.11, 116.11 39.105)), ((116.2 39.2, 116.21 39.2, 116.21 39.21, 116.2 39.2)))");

        Assert.True(PolygonWkb.TryMeasure(writer.Write(parcel), region, out var area, out var box));
        var projected = region.Project(parcel);
        Assert.Equal(BitConverter.DoubleToInt64Bits(projected.Area), BitConverter.DoubleToInt64Bits(area));
        Assert.Equal(projected.EnvelopeInternal, new Envelope(box.MinX, box.MaxX, box.MinY, box.MaxY));
        Assert.False(PolygonWkb.TryMeasure(writer.Write(Wkt.Read("LINESTRING (116 39, 117 40)")), region, out _, out _));
        Assert.False(PolygonWkb.TryMeasure(writer.Write(Wkt.Read("POLYGON EMPTY")), region, out _, out _));
        Assert.False(PolygonWkb.TryMeasure(new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: true).Write(Wkt.Read("POLYGON Z ((116 39 1, 117 39 1, 117 40 1, 116 39 1))")), region, out _, out _));
        Assert.False(PolygonWkb.TryMeasure(writer.Write(parcel)[..^8], region, out _, out _));
    }
}
