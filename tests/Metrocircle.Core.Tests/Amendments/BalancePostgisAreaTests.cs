using Metrocircle.Core.Amendments;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tests.Dataset;
using Metrocircle.Testing;
using NetTopologySuite.IO;
using Npgsql;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>
/// Issue 12: the areas a balance sheet reports are those PostGIS computes with ST_Area(ST_Transform(geom, Albers))
/// in the plan's projection, within 0.1%, for real polygons of the default dataset: single features and a
/// province's red-line total split along the provincial boundary.
/// </summary>
public sealed class BalancePostgisAreaTests(CapitalCircleBuild fixture) : IClassFixture<CapitalCircleBuild>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DatasetBuild Build => fixture.Build;

    private List<PlanFeature> Layer(string id) => [.. Build.Features.Where(f => f.LayerId == id)];

    [Fact]
    public void the_default_dataset_seeds_the_balance_rules_as_a_record_layer()
    {
        Assert.Contains(Build.Layers, l => l.Id == BalanceRules.LayerId && l.Kind == LayerKinds.Record);
        Assert.Equal(4, BalanceRules.Read(Build.Features).Rules.Count);
        Assert.Equal([Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei], BalanceInput.ProvincesOf(Build.Layers, Build.Features).Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task feature_areas_and_a_provinces_red_line_total_equal_postgis_st_area_in_the_plans_albers_within_a_thousandth()
    {
        if (PostgresServer.Unavailable() is { } reason)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        await using var server = await PostgresServer.StartAsync(Ct);
        var database = await server.CreateDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync(Ct);
        var projection = Build.Projection;
        var wkb = new WKBWriter();

        async Task<double> PostGis(string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("proj", projection.Proj4);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return (double)(await command.ExecuteScalarAsync(Ct))!;
        }

        var redline = Layer("ecological-redline");
        var provinces = BalanceInput.ProvincesOf(Build.Layers, Build.Features).ToList();
        var samples = redline.Take(5).Concat(Layer("permanent-farmland").Take(5)).Concat(Layer("counties").Take(5)).Concat(provinces).ToList();
        var worst = 0.0;
        foreach (var f in samples)
        {
            var ours = projection.Area(f.Geometry!);
            var theirs = await PostGis("SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromWKB(@g), 4326), @proj))", ("g", wkb.Write(f.Geometry!)));
            worst = Math.Max(worst, Math.Abs(ours - theirs) / theirs);
            Assert.True(Math.Abs(ours - theirs) / theirs < 1e-3, $"{f.LayerId}/{f.Id}: {ours} m² here, {theirs} m² in PostGIS");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{samples.Count} features: largest relative difference {worst:E2}");

        // Retiring one Beijing patch: the sheet's "before" is Beijing's whole red line, each patch cut by the province.
        var beijing = provinces.Single(p => p.Id == Jurisdictions.Beijing);
        var layer = new BalanceLayer(Build.Layers.Single(l => l.Id == "ecological-redline"), redline);
        var inBeijing = redline.First(f => f.Geometry!.Within(beijing.Geometry!));
        var sheet = BalanceEvaluator.Evaluate(BalanceRules.Read(Build.Features),
            new BalanceInput([layer], provinces, [new FeatureChange(ChangeOp.Retire, layer.Layer.Id, inBeijing.Id, null)], projection));
        var line = Assert.Single(sheet.Rules, l => l.Id == "B1-redline-no-decrease" && l.Province == Jurisdictions.Beijing);

        var total = await PostGis("""
            SELECT sum(ST_Area(ST_Intersection(ST_Transform(ST_SetSRID(ST_GeomFromWKB(r), 4326), @proj),
                                               ST_Transform(ST_SetSRID(ST_GeomFromWKB(@p), 4326), @proj))))
            FROM unnest(@r) AS r
            """, ("p", wkb.Write(beijing.Geometry!)), ("r", redline.Select(f => wkb.Write(f.Geometry!)).ToArray()));
        TestContext.Current.TestOutputHelper?.WriteLine($"Beijing red line: {line.Before} m² here, {total} m² in PostGIS ({Math.Abs(line.Before - total) / total:E2})");
        Assert.True(total > 0);
        Assert.True(Math.Abs(line.Before - total) / total < 1e-3, $"Beijing red line: {line.Before} m² here, {total} m² in PostGIS");
        Assert.False(line.Ok);
        Assert.Equal(line.Before - projection.Area(inBeijing.Geometry!), line.After, 3);
    }
}
