using System.Globalization;
using Metrocircle.Formats.Crs;
using Metrocircle.Testing;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.Tests.Crs;

/// <summary>
/// CGCS2000 and its Gauss–Krüger zones against GDAL (PROJ) as the reference: control points through gdaltransform,
/// and files written by ogr2ogr read back within 1 cm of what was written.
/// </summary>
public sealed class ChinaCrsTests : IDisposable
{
    private readonly TestFiles _files = new();

    /// <summary>Places across the Capital area, from its south-west corner to Qinhuangdao: up to 3.5° from meridian 117°E.</summary>
    private static readonly (double Lon, double Lat)[] ControlPoints =
    [
        (116.3975, 39.9087),  // Tiananmen
        (117.2010, 39.0842),  // Tianjin
        (119.5996, 39.9354),  // Qinhuangdao
        (115.4646, 38.8739),  // Baoding
        (114.8869, 40.7674),  // Zhangjiakou
        (117.9634, 40.9510),  // Chengde
        (114.5149, 38.0428),  // Shijiazhuang
        (113.5000, 36.0500),  // south-west corner of the area
        (117.0000, 42.6000),  // northern edge, on the meridian
    ];

    /// <summary>Metres between two lon/lat points a few centimetres apart (local flat approximation, exact enough at this scale).</summary>
    private static double Metres(double lon1, double lat1, double lon2, double lat2)
    {
        var dy = (lat2 - lat1) * 111_320;
        var dx = (lon2 - lon1) * 111_320 * Math.Cos(lat1 * Math.PI / 180);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static async Task<(double X, double Y)[]> GdalTransformAsync(string from, string to, IEnumerable<(double X, double Y)> points)
    {
        var gdaltransform = Programs.Require("gdaltransform");
        var input = string.Concat(points.Select(p => I($"{p.X:R} {p.Y:R}\n")));
        var (exit, output, error) = await Programs.RunAsync(gdaltransform, input, "-s_srs", from, "-t_srs", to);
        Assert.True(exit == 0, error);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        })];
    }

    [Theory]
    [InlineData(4527, 39_000_000.0)] // 3° zone 39, zone-number prefix on the easting
    [InlineData(4548, 0.0)]          // 3° CM 117°E, no prefix
    [InlineData(4498, 20_000_000.0)] // 6° zone 20, prefix
    [InlineData(4509, 0.0)]          // 6° CM 117°E, no prefix
    [InlineData(4526, 38_000_000.0)] // 3° zone 38 (CM 114°E), the area's western zone
    public async Task gauss_kruger_zones_agree_with_gdaltransform_within_a_centimetre_both_ways(int epsg, double prefix)
    {
        var zone = ChinaCrs.Zone(epsg);
        Assert.NotNull(zone);
        var expected = await GdalTransformAsync("EPSG:4490", I($"EPSG:{epsg}"), ControlPoints.Select(p => (p.Lon, p.Lat)));
        var forward = zone.FromLonLat();
        var inverse = zone.ToLonLat();
        var worst = 0.0;
        for (var i = 0; i < ControlPoints.Length; i++)
        {
            var (lon, lat) = ControlPoints[i];
            var (x, y) = forward.Apply(lon, lat);
            Assert.InRange(x - prefix, 0, 1_000_000);
            var projected = Math.Sqrt(Math.Pow(x - expected[i].X, 2) + Math.Pow(y - expected[i].Y, 2));
            var (lon2, lat2) = inverse.Apply(expected[i].X, expected[i].Y);
            var back = Metres(lon, lat, lon2, lat2);
            Assert.True(projected < 0.01, I($"EPSG:{epsg} forward at {lon} {lat}: {x:F4} {y:F4}, gdaltransform {expected[i].X:F4} {expected[i].Y:F4}: {projected:F4} m apart"));
            Assert.True(back < 0.01, I($"EPSG:{epsg} inverse of gdaltransform's {expected[i].X:F4} {expected[i].Y:F4}: {lon2:F9} {lat2:F9}, {back:F4} m from {lon} {lat}"));
            worst = Math.Max(worst, Math.Max(projected, back));
        }

        TestContext.Current.SendDiagnosticMessage(I($"EPSG:{epsg}: worst difference from gdaltransform {worst * 1000:F3} mm"));
    }

    // The same three features as WKT (the originals) and as the GeoJSON ogr2ogr reads.
    private static readonly string[] FixtureWkt =
    [
        "POLYGON ((116.3912 39.9012, 116.4107 39.9016, 116.4121 39.9153, 116.3954 39.9171, 116.3912 39.9012), (116.398 39.905, 116.398 39.91, 116.404 39.91, 116.404 39.905, 116.398 39.905))",
        "POLYGON ((119.51 39.88, 119.62 39.88, 119.62 39.97, 119.51 39.97, 119.51 39.88))",
        "POLYGON ((113.55 36.1, 113.7 36.1, 113.7 36.2, 113.55 36.2, 113.55 36.1))",
    ];

    private static string Fixture() => "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", FixtureWkt.Select((wkt, i) =>
    {
        var polygon = (Polygon)TestFiles.Read(wkt);
        var rings = new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings)
            .Select(r => "[" + string.Join(",", r.Coordinates.Select(c => I($"[{c.X:R},{c.Y:R}]"))) + "]");
        return I($"{{\"type\":\"Feature\",\"properties\":{{\"n\":{i}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{string.Join(",", rings)}]}}}}");
    })) + "]}";

    private static void AssertWithinACentimetre(Geometry expected, Geometry? actual)
    {
        Assert.NotNull(actual);
        var a = expected.Coordinates;
        var b = actual.Coordinates;
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            var d = Metres(a[i].X, a[i].Y, b[i].X, b[i].Y);
            Assert.True(d < 0.01, I($"vertex {i}: {b[i].X:F9} {b[i].Y:F9} is {d:F4} m from {a[i].X} {a[i].Y}"));
        }
    }

    private async Task<string> Ogr2OgrAsync(string output, string format, string targetCrs)
    {
        var ogr2ogr = Programs.Require("ogr2ogr");
        var source = _files.Text("fixture.geojson", Fixture());
        var path = Path.Combine(_files.Folder, output);
        var (exit, _, error) = await Programs.RunAsync(ogr2ogr, null, "-f", format, "-t_srs", targetCrs, "-nln", "parcels", path, source);
        Assert.True(exit == 0, error);
        return path;
    }

    [Theory]
    [InlineData("EPSG:4527")]
    [InlineData("EPSG:4490")]
    [InlineData("EPSG:4548")]
    [InlineData("EPSG:4498")]
    [InlineData("EPSG:4509")]
    public async Task a_geopackage_written_by_ogr2ogr_in_cgcs2000_comes_back_within_a_centimetre(string crs)
    {
        var path = await Ogr2OgrAsync("parcels.gpkg", "GPKG", crs);

        await using var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var features = new List<RawFeature>();
        await foreach (var f in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            features.Add(f);
        }

        Assert.Equal(FixtureWkt.Length, features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            AssertWithinACentimetre(TestFiles.Read(FixtureWkt[i]), features[i].Geometry);
        }

        Assert.Contains($"source CRS {crs}", reader.CrsNote, StringComparison.Ordinal);
        Assert.Contains("taken as WGS 84", reader.CrsNote, StringComparison.Ordinal);
        if (crs != "EPSG:4490")
        {
            Assert.Contains("ProjNET transverse Mercator", reader.CrsNote, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("EPSG:4527")]
    [InlineData("EPSG:4490")]
    [InlineData("EPSG:4509")]
    public async Task a_geojson_whose_crs_member_is_cgcs2000_comes_back_within_a_centimetre(string crs)
    {
        var path = await Ogr2OgrAsync("parcels.json", "GeoJSON", crs);
        Assert.Contains("\"crs\"", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await using var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var features = new List<RawFeature>();
        await foreach (var f in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            features.Add(f);
        }

        Assert.Equal(FixtureWkt.Length, features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            AssertWithinACentimetre(TestFiles.Read(FixtureWkt[i]), features[i].Geometry);
        }

        Assert.Contains($"source CRS {crs}", reader.CrsNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_geojson_naming_beijing_1954_is_refused_by_name()
    {
        var path = _files.Text("b54.geojson", """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2436"}},"features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[448481.6,4419565.4]}}]}
            """);

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("EPSG:2436 (Beijing 1954)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EPSG:4527", "CGCS2000_3_Degree_GK_Zone_39")]
    [InlineData("EPSG:4509", "CGCS2000_GK_CM_117E")]
    [InlineData("EPSG:4490", "GCS_China_Geodetic_Coordinate_System_2000")]
    public async Task a_shapefile_whose_prj_is_cgcs2000_comes_back_within_a_centimetre(string crs, string prjName)
    {
        var path = await Ogr2OgrAsync("parcels.shp", "ESRI Shapefile", crs);

        await using var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var features = new List<RawFeature>();
        await foreach (var f in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            features.Add(f);
        }

        Assert.Equal(FixtureWkt.Length, features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            // Shapefiles store outer rings clockwise (the validator turns them round later), so vertices are matched by place.
            var expected = TestFiles.Read(FixtureWkt[i]).Coordinates;
            var actual = features[i].Geometry!.Coordinates;
            Assert.Equal(expected.Length, actual.Length);
            foreach (var c in actual)
            {
                var nearest = expected.Min(e => Metres(e.X, e.Y, c.X, c.Y));
                Assert.True(nearest < 0.01, I($"{c.X:F9} {c.Y:F9} is {nearest:F4} m from the nearest original vertex"));
            }

            Assert.All(expected, e => Assert.True(actual.Min(c => Metres(e.X, e.Y, c.X, c.Y)) < 0.01, I($"original vertex {e.X} {e.Y} has no vertex within 1 cm")));
        }

        Assert.Contains(prjName, reader.CrsNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EPSG:4214", "Beijing 1954")]
    [InlineData("EPSG:2436", "Beijing 1954")]
    [InlineData("EPSG:4610", "Xi'an 1980")]
    [InlineData("EPSG:2385", "Xi'an 1980")]
    public async Task beijing_1954_and_xian_1980_are_refused_by_name(string crs, string name)
    {
        var gpkg = await Ogr2OgrAsync("parcels.gpkg", "GPKG", crs);
        var shp = await Ogr2OgrAsync("parcels.shp", "ESRI Shapefile", crs);

        foreach (var path in new[] { gpkg, shp })
        {
            var e = await ReaderAssert.FailsAsync(path);
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
            Assert.Contains("no published transformation", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task another_projected_crs_is_refused_by_name()
    {
        var gpkg = await Ogr2OgrAsync("parcels.gpkg", "GPKG", "EPSG:32650");
        var shp = await Ogr2OgrAsync("parcels.shp", "ESRI Shapefile", "EPSG:32650");

        Assert.Contains("EPSG:32650 (WGS 84 / UTM zone 50N)", (await ReaderAssert.FailsAsync(gpkg)).Message, StringComparison.Ordinal);
        Assert.Contains("WGS_1984_UTM_Zone_50N", (await ReaderAssert.FailsAsync(shp)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_geopackage_without_an_epsg_code_is_recognised_from_its_gauss_kruger_wkt()
    {
        // Tiananmen (116.3975 39.9087) is 39448481.5746 4419565.4353 in EPSG:4527 (gdaltransform, PROJ 9.1).
        const string wkt = """
            PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
            """;
        var path = _files.GeoPackage("local.gpkg", [new("POINT (39448481.5746 4419565.4353)", "x", null, null, null)],
            srsId: 100001, srsOrganization: "NONE", srsDefinition: wkt);

        var features = await ReaderAssert.ReadAllAsync(path);

        var point = (Point)features[0].Geometry!;
        Assert.True(Metres(116.3975, 39.9087, point.X, point.Y) < 0.01, I($"{point.X:F9} {point.Y:F9}"));
    }

    [Theory]
    [InlineData("PROJCRS[\"WGS 84 / UTM zone 50N\",BASEGEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563]]],CONVERSION[\"UTM zone 50N\",METHOD[\"Transverse Mercator\"]]]")]
    [InlineData("undefined")]
    [InlineData("PROJCS[\"broken\",GEOGCS[")]
    public async Task a_definition_it_cannot_parse_is_refused_with_the_crs_name(string definition)
    {
        var path = _files.GeoPackage("other.gpkg", [new("POINT (448481 4419565)", "x", null, null, null)],
            srsId: 100003, srsOrganization: "NONE", srsDefinition: definition);

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("NONE:100003 (the CRS)", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot transform", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_zone_prefix_that_disagrees_with_the_central_meridian_is_not_guessed_at()
    {
        const string wkt = """
            PROJCS["mislabelled",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",38500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
            """;
        var path = _files.GeoPackage("bad.gpkg", [new("POINT (38448785 4419142)", "x", null, null, null)],
            srsId: 100002, srsOrganization: "NONE", srsDefinition: wkt);

        var e = await ReaderAssert.FailsAsync(path);

        Assert.Contains("\"mislabelled\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("names zone 38", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
