using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests.Postgres;

/// <summary>What only the PostGIS store has to show: shared databases, other tools, connection URLs.</summary>
public sealed class PostgresSpecificTests(PostgresFixture fixture)
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Core.Model.Plan TestPlan = new("p", "规划", "Plan", "A test plan");

    private static readonly PlanVersion First = new("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow);

    private static readonly PlanLayer Zones = new("zones", LayerKinds.Circle, "区", "Zones", "test zones", LayerGeometry.Polygon, 1, []);

    private static PlanFeature Zone(string id, string wkt) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = $"zone {id}" }, new Provenance("test", Certainty.Indicative, "drawn"), new DateOnly(2026, 1, 1));

    [Fact]
    public async Task several_stores_migrating_one_bare_database_at_once_all_succeed()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct, withPostGis: false);
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresPlanStore(server.Url(database))).ToList();
        try
        {
            // Without the advisory lock two of these race on CREATE EXTENSION and CREATE TABLE and one fails.
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct), Ct)));
            Assert.True(await server.ScalarAsync<bool>(database, "SELECT count(*) = max(version) FROM schema_migration", Ct));
            Assert.Equal(1L, await server.ScalarAsync<long>(database, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'", Ct));

            // Every store can write geometry afterwards, including those whose connections opened before PostGIS existed.
            await stores[^1].PublishAsync(TestPlan, First, [Zones], [Zone("a", "POLYGON ((116 39, 117 39, 117 40, 116 39))")], new ImportReport("t"), Ct);
            foreach (var store in stores)
            {
                Assert.NotNull((await store.GetFeatureAsync("p@1", "zones", "a", Ct))?.Geometry);
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task the_tables_can_be_read_with_plain_sql_as_other_gis_tools_do()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct);
        await using var store = new PostgresPlanStore(server.Url(database));
        await store.MigrateAsync(Ct);
        await store.PublishAsync(TestPlan, First, [Zones], [Zone("a", "POLYGON ((116 39, 117 39, 117 40, 116 39))")], new ImportReport("t"), Ct);

        Assert.Equal("POLYGON((116 39,117 39,117 40,116 39))", await server.ScalarAsync<string>(database, "SELECT ST_AsText(geom) FROM feature", Ct));
        Assert.Equal("zone a", await server.ScalarAsync<string>(database, "SELECT props->>'name' FROM feature", Ct));
        Assert.Equal(new DateOnly(2026, 1, 1), await server.ScalarAsync<DateOnly>(database, "SELECT valid_from FROM feature", Ct));

        // QGIS and ogr2ogr find layers through geometry_columns: the type and SRID must be declared, not just used.
        Assert.Equal("feature.geom GEOMETRY 4326", await server.ScalarAsync<string>(database,
            "SELECT f_table_name || '.' || f_geometry_column || ' ' || type || ' ' || srid FROM geometry_columns", Ct));
        Assert.True(await server.ScalarAsync<bool>(database,
            "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'feature' AND indexdef LIKE '%USING gist (geom)%')", Ct));
    }

    [Fact]
    public async Task the_password_never_appears_in_the_description_or_in_connection_errors()
    {
        const string password = "s3cret-Pa55";
        await using var store = new PostgresPlanStore($"postgresql://planner:{password}@127.0.0.1:1/metro?sslmode=disable&connect_timeout=2");
        Assert.Equal("postgresql://planner@127.0.0.1:1/metro", store.Description);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.MigrateAsync(Ct));
        Assert.Contains("postgresql://planner@127.0.0.1:1/metro", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u:p%40ss@db.example:6543/metro%20area", "postgresql://u@db.example:6543/metro%20area")]
    [InlineData("postgresql://u@[::1]/metro", "postgresql://u@[::1]:5432/metro")]
    [InlineData("postgresql://u@/metro?host=/var/run/postgresql", "postgresql://u@/metro?host=/var/run/postgresql")]
    [InlineData("postgresql://u:pw@h/metro?password=other&application_name=bench", "postgresql://u@h:5432/metro")]
    public void describes_a_url_without_its_password(string url, string description)
    {
        Assert.Equal(description, new PostgresPlanStore(url).Description);
    }

    [Theory]
    [InlineData("postgresql://u@h/metro?no_such_parameter=hunter2", "no_such_parameter")]
    [InlineData("postgresql://u@h:port/metro", "port")]
    [InlineData("postgresql://u@h", "names no database")]
    public void refuses_a_url_it_cannot_read_and_says_which_part(string url, string expected)
    {
        var e = Assert.Throws<StoreException>(() => new PostgresPlanStore(url));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task connects_through_the_unix_socket_named_by_the_host_parameter()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct);
        await using var store = new PostgresPlanStore(server.SocketUrl(database));
        await store.MigrateAsync(Ct);
        Assert.Null(await store.GetCurrentVersionAsync(Ct));
        Assert.StartsWith("postgresql://postgres@/", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_user_who_may_not_install_postgis_is_told_to_ask_an_administrator()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct, withPostGis: false);
        var role = "planner_" + database[3..];
        await server.ExecuteAsync("postgres", $"CREATE ROLE {role} LOGIN", Ct);
        await using var store = new PostgresPlanStore(server.Url(database, user: role));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.MigrateAsync(Ct));
        Assert.Contains($"ask an administrator to run CREATE EXTENSION postgis in database {database}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task refuses_a_store_written_by_a_newer_schema()
    {
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct);
        await using var store = new PostgresPlanStore(server.Url(database));
        await store.MigrateAsync(Ct);
        await server.ExecuteAsync(database, "INSERT INTO schema_migration VALUES (999, 'from the future', now())", Ct);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.MigrateAsync(Ct));
        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task imports_a_large_layer_through_copy_with_progress_and_exact_counts()
    {
        const int n = 50_000;
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct);
        await using var store = new PostgresPlanStore(server.Url(database));
        await store.MigrateAsync(Ct);
        await store.PublishAsync(TestPlan, First, [Zones], [], new ImportReport("t"), Ct);
        var points = new PlanLayer("points", LayerKinds.Thematic, "点", "Points", "many points", LayerGeometry.Point, 2, []);
        var progress = new List<long>();
        var version = await store.ReplaceLayerAsync("p", points, Points(n), new ImportReport("points"), new SyncProgress(progress.Add), Ct);

        Assert.Equal([10_000, 20_000, 30_000, 40_000, 50_000, 50_000], progress);
        Assert.Equal(n, (await store.GetLayerStatsAsync(version.Id, "points", Ct)).Count);

        // Points lie on a 250 × 200 grid of 0.004° from 115,38; this box holds columns 0..24 and rows 0..9.
        var page = await store.GetFeaturesAsync(new FeatureQuery(version.Id, "points", new Envelope(114.9, 115.0999, 37.9, 38.0399), Limit: 5), Ct);
        Assert.Equal(250, page.NumberMatched);
        Assert.Equal(["pt0", "pt1", "pt2", "pt3", "pt4"], page.Features.Select(f => f.Id));
    }

    /// <summary>
    /// Issue 11 (the kill9 publish step's empty <c>versions --json</c>): right after a layer is imported again, the
    /// planner's statistics do not know the new version number (autovacuum analyzes a large table only after 10% of it
    /// changed), and counting the changed features took minutes, so listing the versions timed out. Not about the kill.
    /// </summary>
    [Fact]
    public async Task issue_11_the_versions_list_a_reimported_layer_before_the_statistics_know_its_version()
    {
        const int n = 20_000;
        var server = fixture.Server;
        var database = await server.CreateDatabaseAsync(Ct);
        // Half Npgsql's default command timeout: the old plan needs far more, the new one a few seconds under load.
        await using var store = new PostgresPlanStore(server.Url(database) + "?CommandTimeout=15");
        await store.MigrateAsync(Ct);
        await server.ExecuteAsync(database, "ALTER TABLE feature SET (autovacuum_enabled = false)", Ct);
        await store.PublishAsync(TestPlan, First, [Zones], [], new ImportReport("t"), Ct);
        var points = new PlanLayer("points", LayerKinds.Thematic, "点", "Points", "many points", LayerGeometry.Point, 2, []);
        await store.ReplaceLayerAsync("p", points, Points(n), new ImportReport("points"), null, Ct);
        await server.ExecuteAsync(database, "ANALYZE feature", Ct);
        var again = await store.ReplaceLayerAsync("p", points, Points(n), new ImportReport("points"), null, Ct);

        var versions = await store.GetVersionsAsync("p", Ct);

        Assert.Equal([again.Id, "p@2", "p@1"], versions.Select(v => v.Version.Id));
        Assert.Equal([new LayerChangeCount("points", 0, n, 0)], versions[0].Changes);
        Assert.Equal([new LayerChangeCount("points", n, 0, 0)], versions[1].Changes);
    }

    private static async IAsyncEnumerable<PlanFeature> Points(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var point = Wkt.Read(FormattableString.Invariant($"POINT ({115 + (i % 250 * 0.004)} {38 + (i / 250 * 0.004)})"));
            yield return new PlanFeature("points", $"pt{i}", point, new JsonObject { ["i"] = i }, new Provenance("generated", Certainty.Synthetic));
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task a_layer_extent_is_the_same_as_the_embedded_store_reports()
    {
        // Irregular coordinates: both engines must agree to the last bit, or /collections would differ between them.
        var features = new[]
        {
            Zone("a", "POLYGON ((116.123456789 39.987654321, 117.000000001 39.1, 116.5 40.333333333, 116.123456789 39.987654321))"),
            Zone("b", "LINESTRING (115.1 38.2, 115.7 38.9)"),
        };
        var server = fixture.Server;
        await using var postgres = new PostgresPlanStore(server.Url(await server.CreateDatabaseAsync(Ct)));
        var folder = Path.Combine(Path.GetTempPath(), "mc-extent-" + Guid.NewGuid().ToString("N"));
        await using var sqlite = new SqlitePlanStore(Path.Combine(folder, "s.sqlite"));
        try
        {
            var extents = new List<Envelope?>();
            foreach (IPlanStore store in new IPlanStore[] { sqlite, postgres })
            {
                await store.MigrateAsync(Ct);
                await store.PublishAsync(TestPlan, First, [Zones], features, new ImportReport("t"), Ct);
                extents.Add((await store.GetLayerStatsAsync("p@1", "zones", Ct)).Extent);
            }

            Assert.Equal(extents[0], extents[1]);
        }
        finally
        {
            await sqlite.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool, so its reports may arrive after the import returns.</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
