using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Spatial;

public sealed class EqualAreaProjectionTests
{
    private static readonly EqualAreaProjection Region = new(lat0: 38.5, lon0: 116.5, lat1: 36.5, lat2: 41.5);

    [Theory]
    // Reference values from PROJ (gdaltransform) for +proj=aea +lat_0=38.5 +lon_0=116.5 +lat_1=36.5 +lat_2=41.5 +datum=WGS84.
    [InlineData(118, 40, 127981.561406827, 167735.871487118)]
    [InlineData(114, 37, -222427.403328912, -163548.379610452)]
    [InlineData(116.5, 38.5, 0, 0)]
    public void projects_like_proj_to_the_millimetre(double lon, double lat, double x, double y)
    {
        var (px, py) = Region.Forward(lon, lat);
        Assert.Equal(x, px, 0.001);
        Assert.Equal(y, py, 0.001);
    }

    [Fact]
    public void area_of_a_one_degree_cell_matches_the_ellipsoidal_formula()
    {
        // Area of a lon/lat quadrangle on the ellipsoid, from the authalic-latitude integral (independent of the projection).
        const double a = 6378137.0, f = 1 / 298.257223563;
        var e2 = (2 * f) - (f * f);
        var e = Math.Sqrt(e2);
        double Term(double phiDeg)
        {
            var s = Math.Sin(phiDeg * Math.PI / 180);
            return (s / (1 - (e2 * s * s))) + (1 / (2 * e) * Math.Log((1 + (e * s)) / (1 - (e * s))));
        }

        var expected = Math.PI / 180 * a * a * (1 - e2) / 2 * (Term(40) - Term(39));
        var cell = new WKTReader().Read("POLYGON ((116 39, 117 39, 117 40, 116 40, 116 39))");
        // The cell's edges are straight in the projection, not parallels, so allow a small densification difference.
        var densified = NetTopologySuite.Densify.Densifier.Densify(cell, 0.001);
        Assert.Equal(expected, Region.Area(densified), expected * 1e-6);
    }

    [Fact]
    public void length_of_a_meridian_degree_is_about_111_km()
    {
        var line = new WKTReader().Read("LINESTRING (116.5 39.5, 116.5 40.5)");
        Assert.InRange(Region.Length(line), 110_900, 111_200);
    }

    [Theory]
    [InlineData(118, 40)]
    [InlineData(114.2, 36.1)]
    [InlineData(119.8, 42.6)]
    public void inverse_returns_the_original_lon_lat(double lon, double lat)
    {
        var (x, y) = Region.Forward(lon, lat);
        var (backLon, backLat) = Region.Inverse(x, y);
        Assert.Equal(lon, backLon, 1e-10);
        Assert.Equal(lat, backLat, 1e-10);
    }
}
