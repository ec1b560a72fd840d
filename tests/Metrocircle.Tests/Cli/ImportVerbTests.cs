using System.Text;
using Metrocircle.Core.Model;

namespace Metrocircle.Tests.Cli;

public sealed class ImportVerbTests : IDisposable
{
    private readonly StoreFixture _store = new();

    private static string Lines(int from, int to, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => (line ?? (n => StoreFixture.Parcel(n)))(i) + "\n"));

    [Fact]
    public async Task imports_a_text_sequence_as_a_new_version_and_prints_the_report()
    {
        await _store.PublishAsync();
        var file = _store.File("farmland.geojsons", Lines(1, 300));

        var (code, output, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--kind", "control:permanent-farmland", "--title", "永久基本农田", "--store", _store.Store);

        Assert.True(code == 0, error);
        Assert.Contains("imported 300 of 300 features into layer farmland", output, StringComparison.Ordinal);
        Assert.Contains("read 300, stored 300", output, StringComparison.Ordinal);
        var (version, layers, count) = await _store.SnapshotAsync("farmland");
        Assert.Equal("test-plan@2", version);
        Assert.Equal(300, count);
        var farmland = Assert.Single(layers, l => l.Id == "farmland");
        Assert.Equal("control:permanent-farmland", farmland.Kind);
        Assert.Equal("永久基本农田", farmland.TitleZh);
        Assert.Equal(LayerGeometry.Polygon, farmland.Geometry);
        Assert.Equal([("id", AttributeType.Integer), ("dlbm", AttributeType.String), ("permanent", AttributeType.Boolean)], farmland.Attributes.Select(a => (a.Name, a.Type)));
        Assert.Contains(layers, l => l.Id == "counties");
    }

    [Fact]
    public async Task replacing_a_layer_keeps_its_kind_and_the_older_version_readable()
    {
        await _store.PublishAsync();
        var first = _store.File("a.geojsons", Lines(1, 10));
        var second = _store.File("b.geojsons", Lines(1, 4));
        Assert.Equal(0, (await _store.RunAsync("import", first, "--layer", "farmland", "--rationale", "farmland survey", "--kind", "control", "--store", _store.Store)).Code);

        var (code, _, error) = await _store.RunAsync("import", second, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.True(code == 0, error);
        var (version, layers, count) = await _store.SnapshotAsync("farmland");
        Assert.Equal("test-plan@3", version);
        Assert.Equal(4, count);
        Assert.Equal("control", layers.Single(l => l.Id == "farmland").Kind);
        await using var store = new Metrocircle.Storage.Sqlite.SqlitePlanStore(_store.StorePath);
        Assert.Equal(10, (await store.GetLayerStatsAsync("test-plan@2", "farmland", TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task a_long_report_prints_its_first_50_lines_and_a_count_and_the_store_keeps_it_whole()
    {
        await _store.PublishAsync();
        var file = _store.File("cw.geojsons", Lines(1, 120, i => StoreFixture.Parcel(i, clockwise: true)));

        var (code, output, _) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.Equal(0, code);
        Assert.Equal(50, output.Split('\n').Count(l => l.TrimStart().StartsWith("reoriented", StringComparison.Ordinal)));
        Assert.Contains("and 70 more lines", output, StringComparison.Ordinal);
        await using var store = new Metrocircle.Storage.Sqlite.SqlitePlanStore(_store.StorePath);
        var stored = (await store.GetImportReportsAsync(TestContext.Current.CancellationToken))[^1];
        Assert.Equal(120, stored.Text.Split('\n').Count(l => l.TrimStart().StartsWith("reoriented", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task a_file_of_unknown_format_exits_1_and_writes_nothing()
    {
        await _store.PublishAsync();
        var file = _store.File("parcels.csv", "id,wkt\n1,POINT(116 39)\n");

        var (code, _, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("unknown format", error, StringComparison.Ordinal);
        Assert.Equal("test-plan@1", (await _store.SnapshotAsync("farmland")).Version);
    }

    [Fact]
    public async Task a_file_truncated_after_thousands_of_features_exits_1_with_its_line_and_writes_nothing()
    {
        await _store.PublishAsync();
        var text = Lines(1, 5000);
        var file = _store.File("cut.geojsons", text[..(text.Length - 40)]);

        var (code, output, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.True(code == 1, output + error);
        Assert.Contains("line 5000", error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
        var (version, layers, _) = await _store.SnapshotAsync("farmland");
        Assert.Equal("test-plan@1", version);
        Assert.DoesNotContain(layers, l => l.Id == "farmland");
        Assert.Equal("ok", await _store.IntegrityAsync());
    }

    [Fact]
    public async Task a_layer_mixing_polygons_and_points_exits_1_naming_the_first_point()
    {
        await _store.PublishAsync();
        var file = _store.File("mixed.geojsons", Lines(1, 1500) +
            "{\"type\":\"Feature\",\"properties\":{\"id\":\"well\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.5,39.5]}}\n" + Lines(1502, 1600));

        var (code, _, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("well (line 1501) is a Point", error, StringComparison.Ordinal);
        Assert.Equal("test-plan@1", (await _store.SnapshotAsync("farmland")).Version);
    }

    [Fact]
    public async Task an_unknown_kind_is_a_usage_error()
    {
        await _store.PublishAsync();
        var file = _store.File("a.geojsons", Lines(1, 3));

        var (code, _, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--kind", "farmland", "--store", _store.Store);

        Assert.Equal(2, code);
        Assert.Contains("--kind \"farmland\" is not a layer kind", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task importing_into_an_empty_store_asks_for_a_seed_first()
    {
        var file = _store.File("a.geojsons", Lines(1, 3));

        var (code, _, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "farmland survey", "--store", _store.Store);

        Assert.Equal(1, code);
        Assert.Contains("metrocircle seed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_layer_option_is_a_usage_error()
    {
        var (code, _, error) = await _store.RunAsync("import", "x.geojson", "--store", _store.Store);

        Assert.Equal(2, code);
        Assert.Contains("--layer", error, StringComparison.Ordinal);
    }

    public void Dispose() => _store.Dispose();
}
