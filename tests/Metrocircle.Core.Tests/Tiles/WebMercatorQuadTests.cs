using Metrocircle.Core.Tiles;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tests.Tiles;

public sealed class WebMercatorQuadTests
{
    private const double Metre = 1e-6;
    private const double Degree = 1e-9;

    [Fact]
    public void tile_matrix_0_is_the_whole_square_world_at_the_standard_scale()
    {
        var b = WebMercatorQuad.Bounds(new TileId(0, 0, 0));
        Assert.Equal(-20037508.342789244, b.MinX, Metre);
        Assert.Equal(20037508.342789244, b.MaxX, Metre);
        Assert.Equal(-20037508.342789244, b.MinY, Metre);
        Assert.Equal(20037508.342789244, b.MaxY, Metre);

        // OGC 17-083r4, Annex D (WebMercatorQuad): cell size and scale denominator of tile matrix 0.
        Assert.Equal(156543.033928041, WebMercatorQuad.CellSize(0), 1e-6);
        Assert.Equal(559082264.028717, WebMercatorQuad.ScaleDenominator(0), 1e-3);
    }

    [Fact]
    public void row_0_is_the_north_and_column_0_the_west()
    {
        var b = WebMercatorQuad.LonLatBounds(new TileId(1, 1, 0));
        Assert.Equal(0, b.MinX, Degree);
        Assert.Equal(180, b.MaxX, Degree);
        Assert.Equal(0, b.MinY, Degree);
        Assert.Equal(85.0511287798066, b.MaxY, Degree);
    }

    [Fact]
    public void the_z8_tile_over_central_beijing_has_the_known_bounds()
    {
        // x = 210 and y = 96 by the slippy-map formulas; lat = atan(sinh(π(1 − 2y/2^z))).
        var b = WebMercatorQuad.LonLatBounds(new TileId(8, 210, 96));
        Assert.Equal(115.3125, b.MinX, Degree);
        Assert.Equal(116.71875, b.MaxX, Degree);
        Assert.Equal(39.909736234537, b.MinY, 1e-9);
        Assert.Equal(40.979898069621, b.MaxY, 1e-9);
        var m = WebMercatorQuad.Bounds(new TileId(8, 210, 96));
        Assert.Equal(156543.03392804097, m.Width, Metre);
        Assert.Equal(-20037508.342789244 + (210 * 156543.03392804097), m.MinX, Metre);
    }

    [Fact]
    public void projecting_and_unprojecting_returns_the_point()
    {
        var (x, y) = WebMercatorQuad.Project(116.4074, 39.9042);
        Assert.Equal(12958412.4926, x, 1e-3);
        Assert.Equal(4852030.6348, y, 1e-3);
        var (lon, lat) = WebMercatorQuad.Unproject(x, y);
        Assert.Equal(116.4074, lon, Degree);
        Assert.Equal(39.9042, lat, Degree);
    }

    [Fact]
    public void latitudes_beyond_the_square_world_are_clamped()
    {
        var (_, y) = WebMercatorQuad.Project(0, 89.9);
        Assert.Equal(WebMercatorQuad.HalfWorld, y, 1e-3);
    }

    [Fact]
    public void range_of_the_capital_region_at_z8_covers_its_tiles()
    {
        var r = WebMercatorQuad.RangeOf(new Envelope(113.45, 119.85, 36.05, 42.62), 8);
        Assert.Equal(new TileRange(8, 208, 213, 94, 100), r);
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(0, 1, 0, false)]
    [InlineData(3, 7, 7, true)]
    [InlineData(3, 8, 0, false)]
    [InlineData(-1, 0, 0, false)]
    [InlineData(25, 0, 0, false)]
    public void contains_only_tiles_of_the_matrix(int z, int x, int y, bool expected) =>
        Assert.Equal(expected, WebMercatorQuad.Contains(new TileId(z, x, y)));
}
