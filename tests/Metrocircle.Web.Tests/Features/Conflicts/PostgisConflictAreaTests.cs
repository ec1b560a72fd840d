using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Conflicts;
using Metrocircle.Web.Tests.Features.Collections;
using Metrocircle.Web.Tests.Infrastructure;
using Npgsql;

namespace Metrocircle.Web.Tests.Features.Conflicts;

/// <summary>
/// Issue 14: every conflict patch of the default dataset, served from PostGIS, has the area PostGIS itself computes
/// with ST_Area(ST_Intersection) in the plan's Albers projection, within 0.1%; and both stores give the same ids.
/// </summary>
public sealed class PostgisConflictAreaTests(SeededServer sqlite, PostgisServer postgis) : IClassFixture<PostgisServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task every_patch_area_equals_postgis_st_area_of_the_intersection_in_the_plans_albers_within_a_thousandth()
    {
        var server = postgis.Require();
        var body = (await server.Client.GetFromJsonAsync<JsonObject>("/conflicts", Ct))!;
        var patches = body["conflicts"]!.AsArray().Select(c => c!.AsObject()).Where(c => c["properties"]!["areaM2"] is not null).ToList();
        Assert.NotEmpty(patches);

        var snapshot = await Metrocircle.Core.Alignment.PlanSnapshot.BuildAsync(server.Store, (await server.Store.GetCurrentVersionAsync(Ct))!, Ct);
        var rules = (await ConflictRule.LoadAsync(server.Store, snapshot.Version.Id, Ct)).ToDictionary(r => r.Id);
        var counties = snapshot.Jurisdictions!.Layer.Id;

        string[] Column(string name) => [.. patches.Select(p => (string?)p["properties"]![name] ?? string.Empty)];
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            WITH p AS (SELECT * FROM unnest(@ids, @la, @fa, @lb, @fb, @county, @within) AS p(id, la, fa, lb, fb, county, within))
            SELECT p.id, ST_Area(ST_Intersection(
                     ST_Intersection(ST_MakeValid(ST_Transform(a.geom, @proj)),
                                     CASE WHEN p.within > 0 THEN ST_Buffer(ST_MakeValid(ST_Transform(b.geom, @proj)), p.within)
                                          ELSE ST_MakeValid(ST_Transform(b.geom, @proj)) END),
                     ST_MakeValid(ST_Transform(c.geom, @proj))))
            FROM p
            JOIN feature a ON a.layer_id = p.la AND a.feature_id = p.fa AND a.to_seq IS NULL
            JOIN feature b ON b.layer_id = p.lb AND b.feature_id = p.fb AND b.to_seq IS NULL
            JOIN feature c ON c.layer_id = @counties AND c.feature_id = p.county AND c.to_seq IS NULL
            """, connection);
        command.Parameters.AddWithValue("ids", patches.Select(p => (string)p["id"]!).ToArray());
        command.Parameters.AddWithValue("la", Column("layerA"));
        command.Parameters.AddWithValue("fa", Column("featureA"));
        command.Parameters.AddWithValue("lb", Column("layerB"));
        command.Parameters.AddWithValue("fb", Column("featureB"));
        command.Parameters.AddWithValue("county", Column("county"));
        command.Parameters.AddWithValue("within", patches.Select(p => rules[(string)p["properties"]!["rule"]!].WithinM).ToArray());
        command.Parameters.AddWithValue("proj", snapshot.Projection.Proj4);
        command.Parameters.AddWithValue("counties", counties);
        var expected = new Dictionary<string, double>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                expected[reader.GetString(0)] = reader.GetDouble(1);
            }
        }

        Assert.Equal(patches.Count, expected.Count);
        var worst = patches.Select(p =>
        {
            var id = (string)p["id"]!;
            var area = (double)p["properties"]!["areaM2"]!;
            return (Id: id, Ours: area, PostGis: expected[id], Relative: Math.Abs(area - expected[id]) / expected[id]);
        }).MaxBy(x => x.Relative);
        TestContext.Current.TestOutputHelper?.WriteLine($"{patches.Count} patches; largest relative difference {worst.Relative:E2} ({worst.Id}: {worst.Ours} vs {worst.PostGis} m²)");
        Assert.True(worst.Relative < 1e-3, $"patch {worst.Id}: {worst.Ours} m² here, {worst.PostGis} m² in PostGIS ({worst.Relative:P3})");
    }

    [Fact]
    public async Task the_same_dataset_in_sqlite_and_in_postgis_gives_the_same_patch_ids()
    {
        var server = postgis.Require();
        static async Task<List<string>> Ids(HttpClient client) =>
            [.. (await client.GetFromJsonAsync<JsonObject>("/conflicts", Ct))!["conflicts"]!.AsArray().Select(c => (string)c!["id"]!)];

        var fromPostgis = await Ids(server.Client);

        Assert.NotEmpty(fromPostgis);
        Assert.Equal(await Ids(sqlite.Client), fromPostgis);
    }
}
