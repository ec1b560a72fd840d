using System.Runtime.CompilerServices;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Tiles;

/// <summary>
/// Small counties tiles over Dongcheng compared byte for byte with files kept under tiles/z/x/y.mvt. The encoder is
/// deterministic (features in layer order, keys and values in first-use order), so a difference means the tile
/// changed: after a deliberate change to the encoder or the dataset, run with METROCIRCLE_UPDATE_GOLDEN=1 and review.
/// </summary>
public sealed class GoldenTileTests(SeededServer server)
{
    private static string Folder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "tiles");

    [Theory]
    [InlineData(10, 843, 387)]
    [InlineData(12, 3372, 1551)]
    public async Task the_counties_tile_equals_its_golden_file(int z, int x, int y)
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = await server.Client.GetByteArrayAsync($"/collections/counties/tiles/WebMercatorQuad/{z}/{y}/{x}", ct);
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
}
