using System.Text.Json.Nodes;

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
    public async Task conflicts_refuses_a_geopackage_target_and_says_why()
    {
        var (code, _, error) = await S.RunAsync("conflicts", "--out", Path.Combine(S.Folder, "patches.gpkg"), "--store", S.Store);

        Assert.Equal(2, code);
        Assert.Contains("GeoPackage output is not built yet", error, StringComparison.Ordinal);
    }
}
