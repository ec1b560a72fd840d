using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Tiles;

/// <summary>An independent decoder, GDAL's MVT driver, reads a tile the server cut.</summary>
public sealed class GdalTileTests(SeededServer server)
{
    [Fact]
    public async Task ogrinfo_reads_the_z8_beijing_tile_as_the_counties_layer_with_dongcheng_in_it()
    {
        var ogrinfo = Requirements.Program("ogrinfo", "gdal-bin");
        var ct = TestContext.Current.CancellationToken;

        // GDAL's MVT driver takes z/x/y from the path when it is a tiles/z/x/y.mvt tree, and then georeferences the tile.
        var folder = Path.Combine(Path.GetTempPath(), $"mc-mvt-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "8", "210", "96.mvt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            await File.WriteAllBytesAsync(path, await server.Client.GetByteArrayAsync("/collections/counties/tiles/WebMercatorQuad/8/96/210", ct), ct);
            var (exit, summary) = await Processes.RunAsync(ogrinfo, "-ro", "-al", "-so", path);
            Assert.True(exit == 0, summary);
            Assert.Contains("Layer name: counties", summary, StringComparison.Ordinal);
            Assert.Contains("Geometry: Multi Polygon", summary, StringComparison.Ordinal);
            Assert.Contains("name: String", summary, StringComparison.Ordinal);
            Assert.Matches(@"Feature Count: [1-9]\d*", summary);

            // Extent in EPSG:3857 metres, inside the tile plus its buffer.
            Assert.Contains("Extent: (128", summary, StringComparison.Ordinal);

            var (exit2, features) = await Processes.RunAsync(ogrinfo, "-ro", "-al", "-q", "-where", "mvt_id = 110101", path);
            Assert.True(exit2 == 0, features);
            Assert.Contains("name (String) = 东城区", features, StringComparison.Ordinal);
            Assert.Contains("MULTIPOLYGON", features, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
