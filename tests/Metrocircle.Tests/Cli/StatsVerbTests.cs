using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Storage.Sqlite;
using NetTopologySuite.IO;

namespace Metrocircle.Tests.Cli;

/// <summary><c>metrocircle stats LAYER --by GROUPLAYER</c> over a small store: two counties, three parcels, a point layer.</summary>
public sealed class StatsVerbTests : IDisposable
{
    private static readonly EqualAreaProjection Projection = new(38.5, 116.5, 36.5, 41.5);
    private const string West = "POLYGON ((116 39, 116.5 39, 116.5 40, 116 40, 116 39))";
    private const string East = "POLYGON ((116.5 39, 117 39, 117 40, 116.5 40, 116.5 39))";
    private const string InWest = "POLYGON ((116.1 39.1, 116.11 39.1, 116.11 39.11, 116.1 39.11, 116.1 39.1))";
    private const string AlsoInWest = "POLYGON ((116.2 39.2, 116.23 39.2, 116.23 39.21, 116.2 39.21, 116.2 39.2))";
    private const string Outside = "POLYGON ((118 39, 118.01 39, 118.01 39.01, 118 39.01, 118 39))";

    private readonly StoreFixture _files = new();

    private async Task PublishAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new SqlitePlanStore(_files.StorePath);
        await store.MigrateAsync(ct);
        var plan = new Plan("stats-plan", "统计", "Stats plan", "for the stats verb");
        var version = new PlanVersion("stats-plan@1", plan.Id, 1, "first", new DateOnly(2024, 1, 1), DateTimeOffset.UtcNow);
        PlanLayer Layer(string id, LayerGeometry geometry) => new(id, geometry == LayerGeometry.None ? LayerKinds.Record : LayerKinds.Thematic, id, id, "", geometry, 0, []);
        PlanFeature Feature(string layer, string id, string? wkt) =>
            new(layer, id, wkt is null ? null : new WKTReader().Read(wkt), [], new Provenance("test", Certainty.Synthetic));
        await store.PublishAsync(plan, version,
            [Layer(PlanSettings.LayerId, LayerGeometry.None), Layer("counties", LayerGeometry.Polygon), Layer("parcels", LayerGeometry.Polygon), Layer("towns", LayerGeometry.Point)],
            [
                PlanSettings.ToFeature(Projection, 1),
                Feature("counties", "110101", West), Feature("counties", "110102", East),
                Feature("parcels", "p1", InWest), Feature("parcels", "p2", AlsoInWest), Feature("parcels", "p3", Outside),
                Feature("towns", "t1", "POINT (116.7 39.5)"),
            ],
            new ImportReport("test"), ct);
    }

    [Fact]
    public async Task writes_each_groups_area_and_count_as_json_with_the_group_feature_ids()
    {
        await PublishAsync();

        var (code, output, error) = await _files.RunAsync("stats", "parcels", "--by", "counties", "--json", "--store", _files.Store);

        Assert.True(code == 0, error);
        var doc = JsonNode.Parse(output)!;
        Assert.Equal("stats-plan@1", doc["version"]!.GetValue<string>());
        Assert.Equal("point-on-surface", doc["assignment"]!.GetValue<string>());
        Assert.Equal(3, doc["features"]!.GetValue<long>());
        var groups = doc["groups"]!.AsArray();
        Assert.Equal(["110101", "110102"], groups.Select(g => g!["id"]!.GetValue<string>()));
        Assert.Equal([2L, 0L], groups.Select(g => g!["count"]!.GetValue<long>()));
        var expected = Projection.Area(new WKTReader().Read(InWest)) + Projection.Area(new WKTReader().Read(AlsoInWest));
        Assert.Equal(expected, groups[0]!["areaM2"]!.GetValue<double>(), expected * 1e-9);
        Assert.Equal(0.0, groups[1]!["areaM2"]!.GetValue<double>());
        Assert.Equal(1, doc["unassigned"]!["count"]!.GetValue<long>());

        (code, output, error) = await _files.RunAsync("stats", "parcels", "--by", "counties", "--store", _files.Store);
        Assert.True(code == 0, error);
        Assert.Contains("110101", output, StringComparison.Ordinal);
        Assert.Contains("3 features of parcels, 2 groups of counties", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_an_unknown_layer_an_unknown_group_layer_a_group_layer_of_points_and_a_missing_by()
    {
        await PublishAsync();

        var (code, _, error) = await _files.RunAsync("stats", "nope", "--by", "counties", "--store", _files.Store);
        Assert.Equal(1, code);
        Assert.Contains("plan version stats-plan@1 has no layer \"nope\"", error, StringComparison.Ordinal);

        (code, _, error) = await _files.RunAsync("stats", "parcels", "--by", "provinces", "--store", _files.Store);
        Assert.Equal(1, code);
        Assert.Contains("has no group layer \"provinces\"", error, StringComparison.Ordinal);

        (code, _, error) = await _files.RunAsync("stats", "parcels", "--by", "towns", "--store", _files.Store);
        Assert.Equal(1, code);
        Assert.Contains("group layer \"towns\" holds Point features", error, StringComparison.Ordinal);

        (code, _, error) = await _files.RunAsync("stats", "parcels", "--store", _files.Store);
        Assert.Equal(2, code);
        Assert.Contains("stats needs --by GROUPLAYER", error, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
