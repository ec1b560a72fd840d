namespace Metrocircle.Formats.Tests;

internal static class ReaderAssert
{
    public static async Task<List<RawFeature>> ReadAllAsync(string path)
    {
        await using var reader = await LayerFile.OpenAsync(path, TestContext.Current.CancellationToken);
        var result = new List<RawFeature>();
        await foreach (var f in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            result.Add(f);
        }

        return result;
    }

    public static async Task<LayerFileException> FailsAsync(string path) =>
        await Assert.ThrowsAsync<LayerFileException>(() => ReadAllAsync(path));

    /// <summary>Geometry equality in WKT terms, exact to a tolerance.</summary>
    public static void SameGeometry(string expectedWkt, NetTopologySuite.Geometries.Geometry? actual, double tolerance = 1e-9)
    {
        Assert.NotNull(actual);
        var expected = TestFiles.Read(expectedWkt);
        Assert.True(expected.EqualsExact(actual, tolerance), $"expected {expectedWkt}, got {actual}");
    }
}
