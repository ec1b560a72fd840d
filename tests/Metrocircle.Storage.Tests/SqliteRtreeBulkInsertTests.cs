using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests;

/// <summary>
/// Issue 15 (import): an R*Tree rebuilt packed by writing its shadow tables is one SQLite itself accepts
/// (<c>rtreecheck</c>), holds the boxes one INSERT per row would have stored to the bit, answers window queries as that
/// tree does, and goes on taking SQLite's own inserts and deletes; a failure leaves the tree as it was.
/// </summary>
public sealed class SqliteRtreeBulkInsertTests : IDisposable
{
    private const string Schema = "CREATE VIRTUAL TABLE packed USING rtree (id, minx, maxx, miny, maxy); CREATE VIRTUAL TABLE inserted USING rtree (id, minx, maxx, miny, maxy);";
    private readonly SqliteTempStores _files = new("mc-sqlite-rtree-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 51)]
    [InlineData(0, 52)]
    [InlineData(0, 2601)]
    [InlineData(0, 2653)]
    [InlineData(0, 30_000)]
    [InlineData(700, 400)]
    [InlineData(5000, 9000)]
    public async Task a_packed_tree_holds_what_inserts_store_and_sqlite_checks_and_searches_it_alike(int present, int added)
    {
        await using var db = await OpenAsync();
        var random = new SplitMix64((ulong)(present * 31 + added));
        var before = Boxes(random, 0, present);
        var after = Boxes(random, present, added);
        // The present cells go in through SQLite in both trees, then the added ones by INSERT into one and packed into the other.
        Insert(db, "inserted", [.. before, .. after]);
        Insert(db, "packed", before);
        using (var tx = db.BeginTransaction())
        {
            Assert.True(RtreeBulkInsert.Add(db, "packed", Cells(after), Ct, bulkFrom: 0));
            tx.Commit();
        }

        Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('packed')"));
        Assert.Equal(Rows(db, "inserted"), Rows(db, "packed"));
        AssertSearchesAlike(db, random, 60);

        // SQLite goes on growing and shrinking the packed tree itself: full nodes split, emptied ones are removed.
        var more = Boxes(random, present + added, 300);
        Insert(db, "inserted", more);
        Insert(db, "packed", more);
        Execute(db, "DELETE FROM inserted WHERE id % 3 = 0; DELETE FROM packed WHERE id % 3 = 0;");
        Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('packed')"));
        Assert.Equal(Rows(db, "inserted"), Rows(db, "packed"));
        AssertSearchesAlike(db, random, 30);
    }

    [Fact]
    public async Task few_new_boxes_against_a_large_tree_go_in_one_insert_at_a_time()
    {
        await using var db = await OpenAsync();
        var random = new SplitMix64(7);
        Insert(db, "packed", Boxes(random, 0, 2000));
        using (var tx = db.BeginTransaction())
        {
            Assert.False(RtreeBulkInsert.Add(db, "packed", Cells(Boxes(random, 2000, 100)), Ct, bulkFrom: 50));
            tx.Commit();
        }

        Assert.Equal("2100", Scalar(db, "SELECT count(*) FROM packed"));
        Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('packed')"));
        // Inserted into the tree as it was, whose nodes SQLite fills only part-way: a rebuild packs 2,100 cells into 42 leaves and a root.
        Assert.True(int.Parse(Scalar(db, "SELECT count(*) FROM packed_node"), CultureInfo.InvariantCulture) > 43);
    }

    [Fact]
    public async Task a_rebuild_that_fails_on_a_row_already_in_the_tree_leaves_the_tree_as_it_was()
    {
        await using var db = await OpenAsync();
        var random = new SplitMix64(11);
        var present = Boxes(random, 0, 500);
        Insert(db, "packed", present);
        var rows = Rows(db, "packed");
        var clash = Boxes(random, 500, 600).Append(present[123] with { MinX = 116.0, MaxX = 116.1 }).ToList();
        using (var tx = db.BeginTransaction())
        {
            var error = Assert.Throws<SqliteException>(() => RtreeBulkInsert.Add(db, "packed", Cells(clash), Ct, bulkFrom: 0));
            Assert.Contains("UNIQUE constraint failed: packed_rowid.rowid", error.Message, StringComparison.Ordinal);
            tx.Rollback();
        }

        Assert.Equal(rows, Rows(db, "packed"));
        Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('packed')"));
    }

    [Fact]
    public async Task a_rebuild_cancelled_part_way_stops_and_its_rollback_leaves_the_tree_as_it_was()
    {
        await using var db = await OpenAsync();
        var random = new SplitMix64(13);
        Insert(db, "packed", Boxes(random, 0, 3000));
        var rows = Rows(db, "packed");
        using var cancel = new CancellationTokenSource();
        // Cancelled at whatever point the rebuild has reached (at the latest, while it writes the rowid table).
        var added = Cells(Boxes(random, 3000, 70_000));
        using (var tx = db.BeginTransaction())
        {
            var rebuild = Task.Run(() => RtreeBulkInsert.Add(db, "packed", added, cancel.Token, bulkFrom: 0), Ct);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rebuild);
            tx.Rollback();
        }

        Assert.Equal(rows, Rows(db, "packed"));
        Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('packed')"));
    }

    [Theory]
    [InlineData(116.123456789, 116.123456789)]
    [InlineData(-73.98765432101, 40.000000001)]
    [InlineData(1e-40, 0.1)]
    [InlineData(-3.4e38, -1e-40)]
    public async Task a_cell_is_rounded_outward_to_single_precision_exactly_as_the_module_rounds_it(double low, double high)
    {
        await using var db = await OpenAsync();
        Execute(db, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO inserted VALUES (1, {low:R}, {high:R}, {low:R}, {high:R})"));
        var cell = RtreeCell.Of(1, low, high, low, high);
        using (var tx = db.BeginTransaction())
        {
            var one = new RtreeCells();
            one.Add(cell);
            RtreeBulkInsert.Add(db, "packed", one, Ct, bulkFrom: 0);
            tx.Commit();
        }

        Assert.Equal(Rows(db, "inserted"), Rows(db, "packed"));
        Assert.True(cell.MinX <= low && cell.MaxX >= high);
    }

    [Fact]
    public async Task a_layer_published_and_replaced_in_bulk_is_found_by_box_as_its_geometries_say()
    {
        var plan = new Plan("p", "规划", "Plan", "A test plan");
        var layer = new PlanLayer("parcels", LayerKinds.Circle, "地块", "Parcels", "random parcels", LayerGeometry.Polygon, 1, []);
        var random = new SplitMix64(19);
        PlanFeature Parcel(string id) => BoxPages.Parcel(random, "parcels", id);

        var first = Enumerable.Range(0, RtreeBulkInsert.BulkFrom + 4000).Select(i => Parcel($"f{i}")).ToList();
        // The second version moves every third parcel and adds some: its rows are many against the tree, which is rebuilt again.
        var second = first.Select((f, i) => i % 3 == 0 ? Parcel(f.Id) : f).Concat(Enumerable.Range(0, 500).Select(i => Parcel($"g{i}"))).ToList();
        var path = _files.NewPath();
        await using var store = new SqlitePlanStore(path, SqlitePlanStore.DefaultMapMegabytes, boxIndexRows: int.MaxValue);
        await store.MigrateAsync(Ct);
        await store.PublishAsync(plan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow), [layer], first, new ImportReport("test"), Ct);
        await using (var db = await OpenAsync(path))
        {
            Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('feature_rtree')"));
            // Packed: 24,000 cells in full leaves of 51 (the last of each slice shorter) under full inner nodes.
            Assert.InRange(int.Parse(Scalar(db, "SELECT count(*) FROM feature_rtree_node"), CultureInfo.InvariantCulture), 471, 490);
        }

        await store.ReplaceLayerAsync("p", layer, second.ToAsyncEnumerable(), new ImportReport("test"), null, Ct);
        await using (var db = await OpenAsync(path))
        {
            Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('feature_rtree')"));
            Assert.Equal(Scalar(db, "SELECT count(*) FROM feature WHERE geom IS NOT NULL"), Scalar(db, "SELECT count(*) FROM feature_rtree"));
        }

        var matched = 0;
        for (var q = 0; q < 40; q++)
        {
            var x = random.Between(115.3, 117.3);
            var y = random.Between(38.8, 40.8);
            var box = new Envelope(x, x + random.LogUniform(0.005, 1), y, y + random.LogUniform(0.005, 1));
            var window = new GeometryFactory(new PrecisionModel(), 4326).ToGeometry(box);
            foreach (var (version, features) in new[] { ("p@1", first), ("p@2", second) })
            {
                var page = await store.GetFeatureKeysAsync(new FeatureQuery(version, "parcels", box, Limit: 1, MatchedCap: int.MaxValue), Ct);
                var expected = features.Count(f => f.Geometry!.Intersects(window));
                Assert.Equal(expected, page.NumberMatched);
                matched += expected;
            }
        }

        Assert.True(matched > 1000, $"only {matched} matches compared");
    }

    private async Task<SqliteConnection> OpenAsync(string path)
    {
        var db = new SqliteConnection($"Data Source={path};Pooling=False");
        await db.OpenAsync(Ct);
        return db;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var path = _files.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var db = new SqliteConnection($"Data Source={path};Pooling=False");
        await db.OpenAsync(Ct);
        Execute(db, Schema);
        return db;
    }

    /// <summary>Boxes over a region the size of a metropolitan area, from points and slivers to tens of kilometres, some across zero.</summary>
    private static List<(long Id, double MinX, double MaxX, double MinY, double MaxY)> Boxes(SplitMix64 random, int first, int count) =>
        [.. Enumerable.Range(first + 1, count).Select(id =>
        {
            var x = random.Between(-0.5, 3) + 114.5 * (id % 5 == 0 ? 0 : 1);
            var y = random.Between(-0.5, 3) + 38 * (id % 7 == 0 ? 0 : 1);
            var w = id % 11 == 0 ? 0 : random.LogUniform(1e-6, 0.4);
            var h = id % 13 == 0 ? 0 : random.LogUniform(1e-6, 0.4);
            return ((long)id, x, x + w, y, y + h);
        })];

    private static RtreeCells Cells(IEnumerable<(long Id, double MinX, double MaxX, double MinY, double MaxY)> boxes)
    {
        var cells = new RtreeCells();
        foreach (var b in boxes)
        {
            cells.Add(b.Id, b.MinX, b.MaxX, b.MinY, b.MaxY);
        }

        return cells;
    }

    private static void Insert(SqliteConnection db, string table, IEnumerable<(long Id, double MinX, double MaxX, double MinY, double MaxY)> boxes)
    {
        using var tx = db.BeginTransaction();
        using var insert = db.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} VALUES ($id, $minx, $maxx, $miny, $maxy)";
        var p = new[] { "$id", "$minx", "$maxx", "$miny", "$maxy" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
        foreach (var b in boxes)
        {
            p[0].Value = b.Id;
            p[1].Value = b.MinX;
            p[2].Value = b.MaxX;
            p[3].Value = b.MinY;
            p[4].Value = b.MaxY;
            insert.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Every row as SQLite reads it back, in id order, with each coordinate's exact bits.</summary>
    private static List<string> Rows(SqliteConnection db, string table)
    {
        using var read = db.CreateCommand();
        read.CommandText = $"SELECT id, minx, maxx, miny, maxy FROM {table} ORDER BY id";
        using var reader = read.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, 5).Select(i => i == 0 ? reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)
                : BitConverter.DoubleToInt64Bits(reader.GetDouble(i)).ToString("x16", CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>Random windows, from a few metres to the whole region: both trees return the same ids.</summary>
    private static void AssertSearchesAlike(SqliteConnection db, SplitMix64 random, int windows)
    {
        for (var q = 0; q < windows; q++)
        {
            var x = random.Between(-0.5, 117.5);
            var y = random.Between(-0.5, 41);
            var size = random.LogUniform(1e-4, 120);
            var where = string.Create(CultureInfo.InvariantCulture, $"minx <= {x + size:R} AND maxx >= {x:R} AND miny <= {y + size:R} AND maxy >= {y:R}");
            Assert.Equal(Ids(db, $"SELECT id FROM inserted WHERE {where} ORDER BY id"), Ids(db, $"SELECT id FROM packed WHERE {where} ORDER BY id"));
        }
    }

    private static List<long> Ids(SqliteConnection db, string sql)
    {
        using var read = db.CreateCommand();
        read.CommandText = sql;
        using var reader = read.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static string Scalar(SqliteConnection db, string sql)
    {
        using var read = db.CreateCommand();
        read.CommandText = sql;
        return Convert.ToString(read.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var run = db.CreateCommand();
        run.CommandText = sql;
        run.ExecuteNonQuery();
    }

    public void Dispose() => _files.Dispose();
}
