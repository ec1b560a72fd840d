using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace Metrocircle.Formats.Tests.Shapefile;

public sealed class ShapefileReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    private string Write(string name)
    {
        var path = Path.Combine(_files.Folder, name);
        var options = new ShapefileWriterOptions(ShapeType.Polygon);
        options.AddCharacterField("name", 20);
        options.AddNumericInt32Field("n");
        options.AddFloatField("area");
        using (var writer = NetTopologySuite.IO.Esri.Shapefile.OpenWrite(path, options))
        {
            writer.Write(new Feature(TestFiles.Read("POLYGON ((116 39, 116 39.1, 116.1 39.1, 116.1 39, 116 39))"),
                new AttributesTable { { "name", "一号" }, { "n", 3 }, { "area", 1.25 } }));
            writer.Write(new Feature(TestFiles.Read("POLYGON ((117 40, 117 40.1, 117.1 40.1, 117 40))"),
                new AttributesTable { { "name", "二号" }, { "n", 4 }, { "area", 2.5 } }));
        }

        return path;
    }

    [Fact]
    public async Task reads_records_with_their_attributes()
    {
        var path = Write("parcels.shp");

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(2, features.Count);
        Assert.Equal(["record 1", "record 2"], features.Select(f => f.Where));
        Assert.Equal("一号", (string?)features[0].Properties["name"]);
        Assert.Equal(3, (int?)features[0].Properties["n"]);
        Assert.Equal(1.25, (double?)features[0].Properties["area"]);
        Assert.Equal(0.01, features[0].Geometry!.Area, 9);
    }

    [Fact]
    public async Task refuses_a_shapefile_without_its_dbf()
    {
        var path = Write("nodbf.shp");
        File.Delete(Path.ChangeExtension(path, ".dbf"));

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(".dbf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_a_shapefile_without_its_shx()
    {
        var path = Write("noshx.shp");
        File.Delete(Path.ChangeExtension(path, ".shx"));

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(".shx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_a_shapefile_whose_prj_is_not_geographic_wgs84_naming_the_crs()
    {
        var path = Write("utm.shp");
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".prj"),
            "PROJCS[\"WGS_1984_UTM_Zone_50N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]]],PROJECTION[\"Transverse_Mercator\"]]",
            TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<LayerFileException>(() => LayerFile.OpenAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains("WGS_1984_UTM_Zone_50N", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task accepts_a_prj_of_geographic_wgs84()
    {
        var path = Write("wgs.shp");
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".prj"),
            "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
            TestContext.Current.CancellationToken);

        var features = await ReaderAssert.ReadAllAsync(path);

        Assert.Equal(2, features.Count);
    }

    public void Dispose() => _files.Dispose();
}
