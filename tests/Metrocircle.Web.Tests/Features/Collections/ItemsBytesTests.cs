using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Metrocircle.Testing;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>
/// Items answers are the same bytes as before the encoded-feature cache (issue 15): the SHA-256 of every answer below
/// was recorded from the code that encoded each feature on every request, per store, and each answer is asked twice
/// (the second comes from the cache) and must hash the same. Only <c>timeStamp</c> and the server's own origin are
/// normalised, as they differ from run to run; everything else is compared byte for byte.
/// </summary>
public sealed partial class ItemsBytesTests(ItemsBytesTests.OwnServer sqlite, PostgisServer postgis) : IClassFixture<ItemsBytesTests.OwnServer>, IClassFixture<PostgisServer>
{
    /// <summary>Set to 1 to record the hashes from the running code instead of comparing with them.</summary>
    public const string WriteVariable = "METROCIRCLE_WRITE_ITEMS_BYTES";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A server of this class's own: the shared one has versions published on it by other tests, which would change unpinned answers.</summary>
    public sealed class OwnServer : IAsyncLifetime
    {
        public SeededServer Server { get; } = new();

        public ValueTask InitializeAsync() => Server.InitializeAsync();

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private const string Gk = "http://www.opengis.net/def/crs/EPSG/0/4527";
    private const string Cgcs = "http://www.opengis.net/def/crs/EPSG/0/4490";
    private const string Wgs = "http://www.opengis.net/def/crs/EPSG/0/4326";

    /// <summary>The reads compared; <c>{v}</c> stands for the seeded version's id.</summary>
    public static readonly string[] Paths =
    [
        "/collections/counties/items",
        "/collections/counties/items?f=json&limit=200",
        "/collections/counties/items?f=json&limit=100&bbox=116.2,39.6,116.9,40.1",
        "/collections/counties/items?f=json&limit=100&bbox=114.0000,37.0000,114.5000,37.4000",
        "/collections/counties/items?f=json&limit=100&bbox=116.5000,39.2500,117.0000,39.6500",
        "/collections/counties/items?limit=7&offset=3&bbox=115.5,39,117.5,40.5",
        "/collections/counties/items?limit=60&offset=150",
        "/collections/counties/items?limit=200&version={v}",
        "/collections/counties/items?limit=50&bbox=116.2,39.6,116.9,40.1&version={v}",
        "/collections/counties/items?limit=30&crs=" + Gk,
        "/collections/counties/items?limit=30&crs=" + Gk + "&version={v}",
        "/collections/counties/items?limit=20&crs=" + Wgs,
        "/collections/counties/items?limit=20&crs=" + Cgcs + "&bbox=39.6,116.2,40.1,116.9&bbox-crs=" + Wgs,
        "/collections/counties/items?limit=5&filter=areaKm2%20%3E%201000%20AND%20province%20%3C%3E%20%27%E5%8C%97%E4%BA%AC%E5%B8%82%27",
        "/collections/counties/items?bbox=115.5,39,117.5,40.5&limit=4&offset=2&filter=areaKm2%20BETWEEN%20300%20AND%201500",
        "/collections/counties/items?limit=5&crs=" + Gk + "&filter=areaKm2%20%3C%20900",
        "/collections/counties/items?limit=10&datetime=2026-01-01/..",
        "/collections/counties/items/" + Jurisdictions.Tongzhou,
        "/collections/counties/items/" + Jurisdictions.Tongzhou + "?crs=" + Cgcs,
        "/collections/circles/items?limit=100",
        "/collections/circles/items?limit=100&crs=" + Gk,
        "/collections/corridors/items?limit=100",
        "/collections/sector-rail/items?limit=100&crs=" + Wgs,
        "/collections/sector-stations/items?limit=100",
        "/collections/sector-stations/items?limit=100&crs=" + Gk,
        "/collections/sector-industry/items?limit=100&bbox=115,38,118,41",
        "/collections/structure/items?limit=100",
        "/collections/goals/items?limit=100",
        "/collections/indicators/items?limit=100",
        "/collections/tasks/items?limit=100&version={v}",
    ];

    [Fact]
    public Task items_answers_on_sqlite_are_the_recorded_bytes_cold_and_warm() => CompareAsync("sqlite", sqlite.Server.Client);

    [Fact]
    public Task items_answers_on_postgis_are_the_recorded_bytes_cold_and_warm() => CompareAsync("postgis", postgis.Require().Client);

    private static async Task CompareAsync(string store, HttpClient client)
    {
        var file = Path.Combine(TestPaths.RepoRoot, "tests", "Metrocircle.Web.Tests", "Features", "Collections", $"items-bytes.{store}.txt");
        var versionId = await SeededVersionAsync(client);
        var lines = new List<string>();
        foreach (var path in Paths)
        {
            var first = await HashAsync(client, path.Replace("{v}", Uri.EscapeDataString(versionId), StringComparison.Ordinal));
            var second = await HashAsync(client, path.Replace("{v}", Uri.EscapeDataString(versionId), StringComparison.Ordinal));
            Assert.True(first == second, $"{store} {path}: the second answer differs from the first: {first} / {second}");
            lines.Add($"{path}\t{first}");
        }

        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllLinesAsync(file, lines, Ct);
        }

        var recorded = File.Exists(file) ? await File.ReadAllLinesAsync(file, Ct) : [];
        var differing = lines.Where((line, i) => i >= recorded.Length || recorded[i] != line).ToList();
        Assert.True(recorded.Length == lines.Count && differing.Count == 0,
            $"{differing.Count} of {lines.Count} {store} answers differ from {file} (path, status, length, SHA-256):\n" + string.Join('\n', differing));
    }

    private static async Task<string> SeededVersionAsync(HttpClient client)
    {
        var collections = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/collections/counties", Ct))!;
        return collections["metrocircle"]!["planVersion"]!.GetValue<string>();
    }

    private static async Task<string> HashAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        var text = Encoding.UTF8.GetString(body).Replace(client.BaseAddress!.GetLeftPart(UriPartial.Authority), "http://server", StringComparison.Ordinal);
        text = TimeStamp().Replace(text, "\"timeStamp\":\"T\"");
        var bytes = Encoding.UTF8.GetBytes(text);
        var headers = $"{response.Content.Headers.ContentType} {(response.Headers.TryGetValues("Content-Crs", out var crs) ? string.Join(',', crs) : "-")}";
        return $"{(int)response.StatusCode}\t{headers}\t{bytes.Length}\t{Convert.ToHexString(SHA256.HashData(bytes))}";
    }

    [GeneratedRegex("\"timeStamp\":\"[^\"]*\"")]
    private static partial Regex TimeStamp();
}
