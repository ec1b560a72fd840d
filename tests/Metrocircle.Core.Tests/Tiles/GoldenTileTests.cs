using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tiles;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Tiles;

/// <summary>
/// Tiles of a fixed WKT fixture compared byte for byte with files kept under tiles/z/x/y.mvt (the NTS VectorTiles
/// layout). The encoder is deterministic (features in layer order, keys and values in first-use order), so a
/// difference means the encoding changed: after a deliberate change, run with METROCIRCLE_UPDATE_GOLDEN=1, check the
/// new files with `ogrinfo -ro -al tiles/z/x/y.mvt`, and commit them. The fixture is not the seeded dataset, whose
/// county outlines can move by a vertex between two builds.
/// </summary>
public sealed class GoldenTileTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    private static PlanFeature Feature(string id, string wkt, JsonObject properties) =>
        new("fixture", id, Wkt.Read(wkt), properties, new Provenance("golden fixture", Certainty.Synthetic, "made up for the test"));

    private static readonly PlanFeature[] Fixture =
    [
        Feature("1", "POLYGON ((116.38 39.90, 116.44 39.90, 116.44 39.95, 116.38 39.95, 116.38 39.90), (116.40 39.91, 116.40 39.93, 116.42 39.93, 116.42 39.91, 116.40 39.91))",
            new JsonObject { ["name"] = "东城 (with a hole)", ["rank"] = 1, ["share"] = 0.125, ["core"] = true }),
        Feature("2", "MULTIPOLYGON (((116.30 39.80, 116.60 39.80, 116.60 40.10, 116.30 40.10, 116.30 39.80)), ((116.45 39.96, 116.46 39.96, 116.46 39.97, 116.45 39.97, 116.45 39.96)))",
            new JsonObject { ["name"] = "larger than the tiles", ["rank"] = -2, ["core"] = false }),
        Feature("3", "LINESTRING (116.30 39.92, 116.41 39.925, 116.41 39.94, 116.50 39.94)", new JsonObject { ["name"] = "axis", ["rank"] = 3 }),
        Feature("node-a", "MULTIPOINT ((116.405 39.915), (116.43 39.935), (117 40))", new JsonObject { ["name"] = "nodes" }),
        Feature("5", "POLYGON ((116.415 39.945, 116.4155 39.945, 116.4155 39.9455, 116.415 39.9455, 116.415 39.945))",
            new JsonObject { ["name"] = "a 43 m square: thinned at z10 (cell 153 m), kept at z12 (cell 38 m)" }),
    ];

    private static string Folder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "tiles");

    [Theory]
    [InlineData(10, 843, 387)]
    [InlineData(12, 3372, 1551)]
    public async Task the_fixture_tile_equals_its_golden_file(int z, int x, int y)
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = MvtEncoder.Encode(TileSnapshot.Build("fixture", Fixture), new TileId(z, x, y), TileOptions.Default).Bytes;
        var golden = Path.Combine(Folder(), $"{z}", $"{x}", $"{y}.mvt");
        if (Environment.GetEnvironmentVariable("METROCIRCLE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            await File.WriteAllBytesAsync(golden, bytes, ct);
        }

        Assert.True(File.Exists(golden), $"{golden} is missing; run the tests once with METROCIRCLE_UPDATE_GOLDEN=1 to write it");
        Assert.True((await File.ReadAllBytesAsync(golden, ct)).AsSpan().SequenceEqual(bytes),
            $"tile {z}/{x}/{y} differs from {golden} ({bytes.Length} bytes now)");
    }

    [Fact]
    public void the_golden_tiles_hold_the_fixture_thinned_by_zoom()
    {
        var z10 = MvtReader.Read(MvtEncoder.Encode(TileSnapshot.Build("fixture", Fixture), new TileId(10, 843, 387), TileOptions.Default).Bytes)[0];
        var z12 = MvtReader.Read(MvtEncoder.Encode(TileSnapshot.Build("fixture", Fixture), new TileId(12, 3372, 1551), TileOptions.Default).Bytes)[0];
        Assert.DoesNotContain(z10.Features, f => f.Id == 5);
        Assert.Contains(z12.Features, f => f.Id == 5);
        Assert.Equal(4, z10.Features.Count);
        var nodes = Assert.Single(z10.Features, f => f.Type == TileGeometryType.Point);
        Assert.Null(nodes.Id);
        Assert.Equal(2, nodes.Parts.Count);
    }
}
