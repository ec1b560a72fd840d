using Metrocircle.Core.Model;

namespace Metrocircle.Tests.Cli;

/// <summary>Issue 14 item 1: a sector agency's own file loads through a field map; an unplaced value imports nothing.</summary>
public sealed class SectorImportTests : IDisposable
{
    private readonly StoreFixture _store = new();

    private static string Sample(string name) => Path.Combine(Path.GetDirectoryName(Metrocircle.Testing.TestPaths.Dataset())!, "samples", "sector-import", name);

    [Fact]
    public async Task the_sample_agency_file_imports_through_its_map_with_the_plan_codes()
    {
        await _store.PublishAsync();

        var (code, output, error) = await _store.RunAsync("import", Sample("agency-transport.geojson"), "--layer", "agency-transport",
            "--map", Sample("transport-map.json"), "--rationale", "transport agency points", "--store", _store.Store);

        Assert.True(code == 0, output + error);
        Assert.Contains("field map transport-map.json", output, StringComparison.Ordinal);
        var (version, layers, count) = await _store.SnapshotAsync("agency-transport");
        Assert.Equal(("test-plan@2", 3L), (version, count));
        Assert.Equal(KindSchemas.Transport, layers.Single(l => l.Id == "agency-transport").Kind);
        await using var store = new Metrocircle.Storage.Sqlite.SqlitePlanStore(_store.StorePath);
        var rows = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(version!, "agency-transport", TestContext.Current.CancellationToken))
        {
            rows.Add(f);
        }

        Assert.Equal(
            [("JT-001", "airport", "built", (long?)1995), ("JT-002", "port", "planned", 2030), ("JT-003", "station", "planned", null)],
            rows.OrderBy(f => f.Id, StringComparer.Ordinal).Select(f => (f.Id, f.Properties["mode"]!.GetValue<string>(), f.Properties["status"]!.GetValue<string>(), f.Properties["year"]?.GetValue<long>())));
        Assert.All(rows, f => Assert.False(f.Properties.ContainsKey("类型"), "source fields are not carried"));
        var report = (await store.GetImportReportsAsync(TestContext.Current.CancellationToken))[^1];
        Assert.Contains("field map transport-map.json", report.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_file_with_unknown_values_reports_each_feature_exits_1_and_imports_nothing()
    {
        await _store.PublishAsync();

        var (code, output, error) = await _store.RunAsync("import", Sample("agency-transport-unknown.geojson"), "--layer", "agency-transport",
            "--map", Sample("transport-map.json"), "--rationale", "transport agency points", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("2 features of layer agency-transport have values the field map does not place; nothing was imported", error, StringComparison.Ordinal);
        var lines = output.Split('\n').Where(l => l.StartsWith("  refused ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("refused JT-002 (feature 2", lines[0], StringComparison.Ordinal);
        Assert.Contains("类型 = \"码头\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("状态 = \"拟建\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("年份 = \"二〇三〇\"", lines[2], StringComparison.Ordinal);
        var (version, layers, _) = await _store.SnapshotAsync("agency-transport");
        Assert.Equal("test-plan@1", version);
        Assert.DoesNotContain(layers, l => l.Id == "agency-transport");
        Assert.Equal("ok", await _store.IntegrityAsync());
    }

    [Fact]
    public async Task a_bad_map_exits_1_naming_the_problem_before_the_store_is_touched()
    {
        await _store.PublishAsync();
        var map = _store.File("map.json", """{ "kind": "sector:transport", "attributes": { "mode": { "from": "类型", "values": { "机场": "plane" } }, "status": { "value": "built" } } }""");

        var (code, _, error) = await _store.RunAsync("import", Sample("agency-transport.geojson"), "--layer", "agency-transport",
            "--map", map, "--rationale", "transport agency points", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("attributes.mode.values[\"机场\"]: \"plane\" is not a plan code", error, StringComparison.Ordinal);
        Assert.Equal("test-plan@1", (await _store.SnapshotAsync("agency-transport")).Version);
    }

    [Fact]
    public async Task importing_a_sector_kind_without_a_map_refuses_values_outside_its_codes()
    {
        await _store.PublishAsync();
        var file = _store.File("eco.geojsons",
            "{\"type\":\"Feature\",\"properties\":{\"form\":\"wedge\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116,39],[116.1,39],[116.1,39.1],[116,39]]]}}\n" +
            "{\"type\":\"Feature\",\"properties\":{\"form\":\"greenway\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.2,39],[116.3,39],[116.3,39.1],[116.2,39]]]}}\n");

        var (code, output, _) = await _store.RunAsync("import", file, "--layer", "eco", "--kind", KindSchemas.Ecology, "--rationale", "ecology bureau", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("refused line 2: form = \"greenway\": \"form\" of sector:ecology must be one of corridor, wedge, park", output, StringComparison.Ordinal);
        Assert.Equal("test-plan@1", (await _store.SnapshotAsync("eco")).Version);
    }

    public void Dispose() => _store.Dispose();
}
