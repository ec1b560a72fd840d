using System.Text.Json.Nodes;
using Metrocircle.Testing;

namespace Metrocircle.Tests.Cli;

public sealed class ConflictsVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    [Fact]
    public async Task conflicts_writes_the_same_patches_to_a_geojson_file_as_it_prints_with_json()
    {
        var target = Path.Combine(S.Folder, "patches.geojson");
        var (code, output, error) = await S.RunAsync("conflicts", "--json", "--out", target, "--store", S.Store);
        Assert.True(code == 0, error);

        var printed = JsonNode.Parse(output)!["conflicts"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
        var written = JsonNode.Parse(await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken))!;
        Assert.Equal("FeatureCollection", (string?)written["type"]);
        Assert.NotEmpty(printed);
        Assert.Equal(printed, written["features"]!.AsArray().Select(c => (string?)c!["id"]));
    }

    [Fact]
    public async Task conflicts_writes_a_geopackage_that_gdal_reads_with_every_patch()
    {
        var ogrinfo = Programs.Require("ogrinfo");
        var target = Path.Combine(S.Folder, "patches.gpkg");
        var (code, output, error) = await S.RunAsync("conflicts", "--json", "--out", target, "--store", S.Store);
        Assert.True(code == 0, error);
        var printed = JsonNode.Parse(output)!["conflicts"]!.AsArray();

        var (exit, info, stderr) = await Programs.RunAsync(ogrinfo, null, "-ro", "-al", "-so", target);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Layer name: conflicts", info, StringComparison.Ordinal);
        Assert.Contains($"Feature Count: {printed.Count}", info, StringComparison.Ordinal);
        Assert.Contains("areaM2: Real", info, StringComparison.Ordinal);
        Assert.Contains("status: String", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task conflicts_refuses_a_target_it_cannot_write_and_says_which_it_can()
    {
        var (code, _, error) = await S.RunAsync("conflicts", "--out", Path.Combine(S.Folder, "patches.shp"), "--store", S.Store);

        Assert.Equal(2, code);
        Assert.Contains(".gpkg (GeoPackage) or .geojson", error, StringComparison.Ordinal);
    }
}
