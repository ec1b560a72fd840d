using Metrocircle.Formats.GeoPackage;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Formats.Tests.GeoPackage;

public sealed class GeoPackageReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    [Fact]
    public async Task reads_rows_with_fid_ids_typed_columns_and_geometry()
    {
        var path = _files.GeoPackage("parcels.gpkg",
        [
            new("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39))", "一号", 1.5, 10, true, Fid: 41),
            new("POINT (116.5 39.5)", null, null, null, false, Fid: 42),
            new(null, "no geometry", null, null, null, Fid: 43),
        ]);

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(["41", "42", "43"], features.Select(f => f.Id));
        Assert.Equal("row 1 (fid 41)", features[0].Where);
        ReaderAssert.SameGeometry("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39))", features[0].Geometry);
        ReaderAssert.SameGeometry("POINT (116.5 39.5)", features[1].Geometry);
        Assert.Null(features[2].Geometry);
        Assert.Equal("一号", (string?)features[0].Properties["name"]);
        Assert.Equal(1.5, (double?)features[0].Properties["area"]);
        Assert.Equal(10L, (long?)features[0].Properties["n"]);
        Assert.True((bool?)features[0].Properties["ok"]);
        Assert.Null(features[1].Properties["name"]);
        Assert.DoesNotContain("fid", features[0].Properties.Select(p => p.Key));
    }

    [Fact]
    public async Task decodes_geometry_blobs_without_an_envelope()
    {
        var path = _files.GeoPackage("plain.gpkg", [new("LINESTRING (116 39, 117 40)", "a", null, null, null)], envelope: false);

        var features = await ReaderAssert.ReadAllAsync(path);

        ReaderAssert.SameGeometry("LINESTRING (116 39, 117 40)", features[0].Geometry);
    }

    [Fact]
    public async Task brings_web_mercator_back_to_lon_lat()
    {
        // 116.4°E 39.9°N in EPSG:3857.
        var path = _files.GeoPackage("mercator.gpkg", [new("POINT (12957588.7283 4851421.1752)", "x", null, null, null)],
            srsId: 3857, srsDefinition: "PROJCS[\"WGS 84 / Pseudo-Mercator\"]");

        var features = await ReaderAssert.ReadAllAsync(path);

        ReaderAssert.SameGeometry("POINT (116.4 39.9)", features[0].Geometry, tolerance: 1e-6);
    }

    [Fact]
    public async Task brings_the_datasets_albers_back_to_lon_lat()
    {
        const string wkt = """
            PROJCS["Capital Albers",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]],
            PROJECTION["Albers_Conic_Equal_Area"],PARAMETER["latitude_of_center",38.5],PARAMETER["longitude_of_center",116.5],
            PARAMETER["standard_parallel_1",36.5],PARAMETER["standard_parallel_2",41.5],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]
            """;
        // The projection's origin is (0, 0).
        var path = _files.GeoPackage("aea.gpkg", [new("POINT (0 0)", "origin", null, null, null)], srsId: 990001, srsOrganization: "NONE", srsDefinition: wkt);

        var features = await ReaderAssert.ReadAllAsync(path);

        ReaderAssert.SameGeometry("POINT (116.5 38.5)", features[0].Geometry, tolerance: 1e-9);
    }

    [Fact]
    public async Task refuses_a_crs_it_cannot_transform_naming_it()
    {
        var path = _files.GeoPackage("utm.gpkg", [new("POINT (450000 4420000)", "x", null, null, null)],
            srsId: 32650, srsDefinition: "PROJCS[\"WGS 84 / UTM zone 50N\",PROJECTION[\"Transverse_Mercator\"]]");

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("EPSG:32650", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot transform", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_a_gpkg_file_that_is_not_sqlite()
    {
        var path = _files.Text("fake.gpkg", "this is not a database");

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("not an SQLite database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_an_sqlite_database_without_gpkg_contents()
    {
        var path = Path.Combine(_files.Folder, "plain.gpkg");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            TestFiles.Execute(connection, "CREATE TABLE parcels (id INTEGER PRIMARY KEY, geom BLOB)");
        }

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("gpkg_contents", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_broken_geometry_blob_comes_back_with_its_reason()
    {
        var path = _files.GeoPackage("broken.gpkg", [new("POINT (116 39)", "a", null, null, null)]);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            TestFiles.Execute(connection, "UPDATE parcels SET geom = X'0102030405060708'");
        }

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Null(features[0].Geometry);
        Assert.Contains("GP", features[0].GeometryError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task is_detected_by_content_whatever_its_extension()
    {
        var gpkg = _files.GeoPackage("parcels.gpkg", [new("POINT (116 39)", "a", null, null, null)]);
        var renamed = Path.Combine(_files.Folder, "parcels.bin");
        File.Copy(gpkg, renamed);

        await using var reader = await LayerFile.OpenAsync(renamed, TestContext.Current.CancellationToken);

        Assert.Equal("parcels", Assert.IsType<GeoPackageReader>(reader).Table);
    }

    public void Dispose() => _files.Dispose();
}
