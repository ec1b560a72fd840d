using System.Text.Json;
using System.Text.RegularExpressions;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>A real OGC client, GDAL's OAPIF driver, reads the running server.</summary>
public sealed class GdalClientTests(SeededServer server)
{
    private string Root => server.BaseAddress.ToString().TrimEnd('/');

    /// <summary>
    /// Part 2 against PROJ: the counties read with <c>crs=EPSG:4527</c> (a URL parameter, which GDAL's OAPIF driver
    /// carries on every request; its <c>-oo CRS=</c> option only exists from GDAL 3.7) have the coordinates that
    /// <c>ogr2ogr -t_srs EPSG:4527</c> computes from the CRS84 answer, within 1 cm. The server answers in the EPSG axis
    /// order (northing first), which GDAL 3.6's driver passes through as read, while ogr2ogr writes easting first.
    /// </summary>
    [Fact]
    public async Task counties_read_in_a_gauss_kruger_zone_match_gdal_reprojecting_the_crs84_answer_within_a_centimetre()
    {
        var ogr2ogr = Requirements.Program("ogr2ogr", "gdal-bin");
        var reference = Path.Combine(Path.GetTempPath(), $"mc-gk-ref-{Guid.NewGuid():N}.geojson");
        var served = Path.Combine(Path.GetTempPath(), $"mc-gk-served-{Guid.NewGuid():N}.geojson");
        try
        {
            var (exit, output) = await Processes.RunAsync(ogr2ogr, "-f", "GeoJSON", "-t_srs", "EPSG:4527", reference, $"OAPIF:{Root}", "counties");
            Assert.True(exit == 0, output);
            (exit, output) = await Processes.RunAsync(ogr2ogr, "-f", "GeoJSON", served,
                $"OAPIF:{Root}/collections/counties?crs=http://www.opengis.net/def/crs/EPSG/0/4527");
            Assert.True(exit == 0, output);

            var expected = await PositionsByIdAsync(reference);
            var actual = await PositionsByIdAsync(served);
            Assert.Equal(200, expected.Count);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            var worst = 0.0;
            foreach (var (id, positions) in expected)
            {
                Assert.Equal(positions.Count, actual[id].Count);
                for (var i = 0; i < positions.Count; i++)
                {
                    var (easting, northing) = positions[i];
                    var (servedNorthing, servedEasting) = actual[id][i];
                    worst = Math.Max(worst, Math.Max(Math.Abs(easting - servedEasting), Math.Abs(northing - servedNorthing)));
                }
            }

            Assert.True(worst <= 0.01, $"the largest difference from PROJ is {worst:F4} m");
        }
        finally
        {
            File.Delete(reference);
            File.Delete(served);
        }
    }

    private static async Task<Dictionary<string, List<(double, double)>>> PositionsByIdAsync(string path)
    {
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        static IEnumerable<(double, double)> Flatten(JsonElement e) =>
            e[0].ValueKind == JsonValueKind.Number ? [(e[0].GetDouble(), e[1].GetDouble())] : e.EnumerateArray().SelectMany(Flatten);
        return doc.RootElement.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("properties").GetProperty("id").GetString()!,
            f => Flatten(f.GetProperty("geometry").GetProperty("coordinates")).ToList());
    }

    [Fact]
    public async Task ogrinfo_lists_the_collections()
    {
        var ogrinfo = Requirements.Program("ogrinfo", "gdal-bin");
        var (exit, output) = await Processes.RunAsync(ogrinfo, "-ro", "-q", $"OAPIF:{server.BaseAddress.ToString().TrimEnd('/')}");
        Assert.True(exit == 0, output);
        Assert.Contains("counties", output, StringComparison.Ordinal);
        Assert.Contains("circles", output, StringComparison.Ordinal);
        Assert.Contains("corridors", output, StringComparison.Ordinal);
        // Issue 14: the derived conflicts collection is discovered from /collections like the plan's layers.
        Assert.Matches(new Regex(@"^\d+: conflicts( |$)", RegexOptions.Multiline), output);
    }

    /// <summary>
    /// Issue 14: GDAL reads the conflicts layer it discovered (no collection path in the dataset name) with every patch
    /// of <c>GET /conflicts</c> and the contract's fields filled from them.
    /// </summary>
    [Fact]
    public async Task ogrinfo_reads_the_discovered_conflicts_layer_with_every_patch_and_the_contract_fields()
    {
        var ogrinfo = Requirements.Program("ogrinfo", "gdal-bin");
        var ct = TestContext.Current.CancellationToken;
        using var conflicts = JsonDocument.Parse(await server.Client.GetStringAsync("/conflicts", ct));
        var patches = conflicts.RootElement.GetProperty("conflicts").EnumerateArray().ToList();
        Assert.True(patches.Count > 1, "the seeded plan needs conflict patches for this test");

        var (exit, output) = await Processes.RunAsync(ogrinfo, "-ro", $"OAPIF:{Root}", "conflicts");

        Assert.True(exit == 0, output);
        var features = Regex.Matches(output, @"^OGRFeature\(conflicts\):", RegexOptions.Multiline).Count;
        Assert.Equal(patches.Count, features);
        string[] contract = ["rule", "layerA", "featureA", "layerB", "featureB", "areaM2", "lengthM", "county", "severity", "status"];
        foreach (var field in contract)
        {
            Assert.Matches(new Regex($@"^{field}: \w+", RegexOptions.Multiline), output);
        }

        // The values are the patches' own: every patch's rule and both feature ids appear on one GDAL feature.
        var blocks = output.Split("OGRFeature(conflicts):")[1..];
        foreach (var patch in patches.Select(p => p.GetProperty("properties")))
        {
            string Value(string name) => $"  {name} (String) = {patch.GetProperty(name).GetString()}\n";
            Assert.Contains(blocks, b => b.Contains(Value("rule"), StringComparison.Ordinal) && b.Contains(Value("featureA"), StringComparison.Ordinal)
                && b.Contains(Value("featureB"), StringComparison.Ordinal) && b.Contains(Value("status"), StringComparison.Ordinal));
        }
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
