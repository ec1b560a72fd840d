using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>A real OGC client, GDAL's OAPIF driver, reads the running server.</summary>
public sealed class GdalClientTests(SeededServer server)
{
    [Fact]
    public async Task ogrinfo_lists_the_collections()
    {
        var ogrinfo = Requirements.Program("ogrinfo", "gdal-bin");
        var (exit, output) = await Processes.RunAsync(ogrinfo, "-ro", "-q", $"OAPIF:{server.BaseAddress.ToString().TrimEnd('/')}");
        Assert.True(exit == 0, output);
        Assert.Contains("counties", output, StringComparison.Ordinal);
        Assert.Contains("circles", output, StringComparison.Ordinal);
        Assert.Contains("corridors", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ogr2ogr_downloads_the_200_counties_as_valid_polygons()
    {
        var ogr2ogr = Requirements.Program("ogr2ogr", "gdal-bin");
        var target = Path.Combine(Path.GetTempPath(), $"mc-counties-{Guid.NewGuid():N}.geojson");
        try
        {
            var (exit, output) = await Processes.RunAsync(ogr2ogr, "-f", "GeoJSON", target, $"OAPIF:{server.BaseAddress.ToString().TrimEnd('/')}", "counties");
            Assert.True(exit == 0, output);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
            var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
            Assert.Equal(200, features.Count);
            Assert.All(features, f =>
            {
                var geometry = GeoJsonGeometry.Read(f.GetProperty("geometry"));
                Assert.NotNull(geometry);
                Assert.True(geometry.IsValid, $"{f.GetProperty("properties").GetProperty("name")} is invalid after the round trip");
            });
            Assert.Equal(200, features.Select(f => f.GetProperty("properties").GetProperty("id").GetString()).Distinct().Count());
        }
        finally
        {
            File.Delete(target);
        }
    }
}
