using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Relational;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never block the writer), an R*Tree for bbox reads,
/// and every write in one transaction. What is not spatial is <see cref="RelationalStore"/>'s.
/// </summary>
public sealed partial class SqlitePlanStore : RelationalStore, IStoreNotices
{
    private readonly string _connectionString;
    private readonly string _openPragmas;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

    /// <summary>The largest memory map this SQLite build allows (its SQLITE_MAX_MMAP_SIZE, 2 GiB less 64 KiB), in MiB.</summary>
    public const int MaxMapMegabytes = 2047;

    /// <summary>How much of the file readers map into memory unless told otherwise: as much as SQLite allows.</summary>
    public const int DefaultMapMegabytes = MaxMapMegabytes;

    public const string MapVariable = "METROCIRCLE_SQLITE_MMAP_MB";

    /// <summary>The page size of a store this program creates, in bytes.</summary>
    public const int NewStorePageSize = 16384;

    /// <summary>
    /// From how many rows a layer gets an in-memory box index: under it the R*Tree answers a bbox page in well under a
    /// millisecond anyway, and the index would be memory for nothing.
    /// </summary>
    public const int DefaultBoxIndexRows = 50_000;

    public const string BoxIndexVariable = "METROCIRCLE_SQLITE_BOX_INDEX_ROWS";

    public const string EdgeCacheVariable = "METROCIRCLE_SQLITE_EDGE_CACHE_MB";

    private readonly int _boxIndexRows;
    private readonly BoxIndexes _boxIndexes;

    /// <param name="mapMegabytes">
    /// How much of the file (from its start) is read through a memory map rather than copied in by read calls: a bbox
    /// page touches a hundred or so pages of a million-row layer, and a map makes each a memory access instead of a
    /// system call and a copy (issue 15). The pages are the operating system's file cache, shared and reclaimable, and
    /// count as file-backed, not anonymous, resident memory. 0 turns it off.
    /// </param>
    /// <param name="boxIndexRows">
    /// The size from which a layer's bbox pages are answered from an in-memory box index (<see cref="KeyBoxIndex"/>)
    /// rather than the R*Tree joined to the rows; <see cref="int.MaxValue"/> turns the indexes off.
    /// </param>
    /// <param name="edgeCacheMegabytes">
    /// How much of the WKB of rows across a box's edge (the candidates a box index page tests exactly) is kept after
    /// the first read, so that a repeated page reads no rows; 0 reads them every time.
    /// </param>
    public SqlitePlanStore(string path, int mapMegabytes = DefaultMapMegabytes, int boxIndexRows = DefaultBoxIndexRows, int edgeCacheMegabytes = DefaultEdgeCacheMegabytes)
        : this(path, mapMegabytes, boxIndexRows, buildInline: false, edgeCacheMegabytes)
    {
    }

    /// <param name="buildInline">Whether the page that starts a box index build waits for it (tests that must know which path answered).</param>
    internal SqlitePlanStore(string path, int mapMegabytes, int boxIndexRows, bool buildInline, int edgeCacheMegabytes = DefaultEdgeCacheMegabytes) : base(SqliteDialect.Instance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mapMegabytes);
        ArgumentOutOfRangeException.ThrowIfNegative(boxIndexRows);
        _boxIndexRows = boxIndexRows;
        _boxIndexes = new BoxIndexes(BuildBoxIndexAsync, line => Notice?.Invoke(line), buildInline, edgeCacheMegabytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mapMegabytes, MaxMapMegabytes);
        _openPragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = {Math.Min(mapMegabytes * 1048576L, 2147418112L)};");
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public event Action<StoreNotice>? Notice;

    public override string Description => $"sqlite:{Path}";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // A pooled connection keeps its settings: they are made once per SQLite connection, not on every open
            // (four statements parsed and run per request otherwise).
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                await ExecuteAsync(connection, _openPragmas, ct);
                _configured.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StoreException($"cannot open the SQLite store at {Path}: {e.Message}", e);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct, DbTransaction? tx = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            // A new store gets pages of 16 KiB, SQLite's default being 4 KiB; an existing store keeps the size it has (the
            // pragma only acts on an empty file, before WAL mode). A million-parcel import commits and checkpoints a
            // quarter as many pages, about a second faster, and stored checks over HTTP are as fast (bench/RESULTS.md,
            // "Import", session 20).
            await ExecuteAsync(connection, $"PRAGMA page_size = {NewStorePageSize};", ct);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);", ct, tx);
            // Every migration not recorded is applied, not only those above the highest: a store can miss one that was
            // numbered below a later one (branches merged in another order).
            var applied = new HashSet<int>();
            await using (var read = Command(connection, tx, "SELECT version FROM schema_migration"))
            await using (var rows = await read.ExecuteReaderAsync(ct))
            {
                while (await rows.ReadAsync(ct))
                {
                    applied.Add(rows.GetInt32(0));
                }
            }

            var current = applied.Count == 0 ? 0 : applied.Max();
            var newest = SqliteMigrations.All[^1].Version;
            if (current > newest)
            {
                throw new StoreException($"the SQLite store at {Path} has schema version {current}, newer than this program's {newest}; upgrade Metrocircle");
            }

            foreach (var (version, description, sql) in SqliteMigrations.All.Where(m => !applied.Contains(m.Version)))
            {
                await ExecuteAsync(connection, sql, ct, tx);
                await using var insert = Command(connection, tx, "INSERT INTO schema_migration (version, description, applied_at) VALUES (@v, @d, @t)",
                    ("v", version), ("d", description), ("t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
                await insert.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"migrating the SQLite store at {Path} failed: {e.Message}", e);
        }

        await ReanchorAuditAsync(ct);
    }

    protected override string FeatureColumns => "f.fid, f.layer_id, f.feature_id, f.geom, f.props, f.certainty, f.source, f.basis, f.valid_from, f.valid_to";

    protected override string WkbColumn => "f.geom";

    protected override Func<DbDataReader, PlanFeature> FeatureRow()
    {
        var wkb = new WKBReader(GeoJsonGeometry.Services);
        return reader =>
        {
            Geometry? geometry = null;
            if (!reader.IsDBNull(3))
            {
                geometry = wkb.Read((byte[])reader.GetValue(3));
                geometry.SRID = 4326;
            }

            Provenance.TryParse(reader.GetString(5), out var certainty);
            return new PlanFeature(reader.GetString(1), reader.GetString(2), geometry, FeatureRows.PropertiesFromJson(reader.GetString(4)),
                new Provenance(reader.GetString(6), certainty, reader.IsDBNull(7) ? null : reader.GetString(7)),
                FeatureRows.DateFromText(reader.IsDBNull(8) ? null : reader.GetString(8)),
                FeatureRows.DateFromText(reader.IsDBNull(9) ? null : reader.GetString(9)));
        };
    }

    protected override string LayerStatsQuery(string visibleAt) => $"""
        SELECT f.layer_id, f.certainty, count(*), min(r.minx), max(r.maxx), min(r.miny), max(r.maxy)
        FROM feature f LEFT JOIN feature_rtree r ON r.id = f.fid WHERE {visibleAt} GROUP BY f.layer_id, f.certainty
        """;

    protected override Envelope ReadExtent(DbDataReader reader, int ordinal) =>
        new(reader.GetDouble(ordinal), reader.GetDouble(ordinal + 1), reader.GetDouble(ordinal + 2), reader.GetDouble(ordinal + 3));

    public override Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct) => ReadAsync($"features of {query.LayerId} at {query.VersionId}", async connection =>
    {
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return FeaturePage.Empty;
        }

        if (query.Bbox is not { } box)
        {
            var row = FeatureRow();
            var (rows, total) = await UnboxedPageAsync(connection, query, v, FeatureColumns, r => (Fid: r.GetInt64(0), Feature: row(r)), ct);
            return Page(rows.Take(query.Limit).ToList(), rows.Count > query.Limit, total, query.MatchedCap);
        }

        var (keys, more, counted) = await BoxKeysAsync(connection, query, box, v, ct);
        if (keys.Count == 0)
        {
            return Page([], more, counted, query.MatchedCap);
        }

        await using var fetch = Command(connection, null, $"SELECT {FeatureColumns} FROM feature f WHERE f.fid IN ({string.Join(',', keys)}) ORDER BY f.fid");
        var read = FeatureRow();
        return Page(await ListAsync(fetch, r => (Fid: r.GetInt64(0), Feature: read(r)), ct), more, counted, query.MatchedCap);
    }, ct);

    /// <summary>The candidates of a bbox page: (key, whether its R*Tree box lies wholly inside the query box), in key order.</summary>
    internal static string BoxCandidatesSql(FeatureQuery query) => BoxCandidatesSql(VisibleAt(query));

    private static string BoxCandidatesSql(string visibleAt) => $"""
        SELECT r.id, {Inside}, CASE WHEN {Inside} THEN NULL ELSE f.geom END
        FROM feature_rtree r CROSS JOIN feature f ON f.fid = r.id
        WHERE r.minx <= @maxx AND r.maxx >= @minx AND r.miny <= @maxy AND r.maxy >= @miny AND {visibleAt}
        ORDER BY r.id
        """;

    private const string Inside = "(r.minx >= @minx AND r.maxx <= @maxx AND r.miny >= @miny AND r.maxy <= @maxy)";

    /// <summary>The keys of a bbox page, whether more match after them, and the count (stopped past the cap).</summary>
    private async Task<(List<long> Keys, bool More, long Counted)> BoxKeysAsync(DbConnection connection, FeatureQuery query, Envelope box, (string PlanId, int Seq) v,
        CancellationToken ct)
    {
        // A layer large enough to have a box index takes its candidates from memory and reads only the blobs of those
        // on the box's edge.
        if (await FromBoxIndexAsync(_boxIndexes, connection, query, box, v, ct) is { } indexed)
        {
            return indexed;
        }

        var walk = new BoxWalk(query, PreparedGeometryFactory.Prepare(GeoJsonGeometry.Factory.ToGeometry(box)));
        // The R*Tree finds candidates by box, in key order, without their geometry. A candidate whose R*Tree box lies
        // wholly inside the query box intersects it (the R*Tree rounds boxes outward, so this never admits a miss);
        // only the others have their blob read and tested exactly. The walk stops once the page is full and the count
        // has passed its cap, and the page's rows are read last, by key. CROSS JOIN fixes SQLite's join order with the
        // R*Tree outside: left to itself, the planner walked every row of the layer by its index and probed the R*Tree
        // per row, which took 2.9 s per page on a 1,000,000-parcel layer instead of under a millisecond.
        await using var candidates = Command(connection, null, BoxCandidatesSql(query), ("minx", box.MinX), ("maxx", box.MaxX), ("miny", box.MinY), ("maxy", box.MaxY));
        Bind((name, value) => SqlDialect.Parameter(candidates, name, value), query, v);
        // A candidate on the box's edge comes with its blob, read from the row the visibility test has already found;
        // one wholly inside comes without. Blobs are decoded only when the walk reaches them.
        var boxes = await ListAsync(candidates, r => (Fid: r.GetInt64(0), Inside: r.GetInt64(1) != 0, Blob: r.IsDBNull(2) ? null : (byte[])r.GetValue(2)), ct);
        foreach (var (fid, inside, blob) in boxes)
        {
            if (!walk.Step(fid, inside, blob))
            {
                break;
            }
        }

        return walk.Result();
    }

    public override Task<FeatureKeyPage> GetFeatureKeysAsync(FeatureQuery query, CancellationToken ct) => ReadAsync($"feature keys of {query.LayerId} at {query.VersionId}", async connection =>
    {
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return new FeatureKeyPage([], 0);
        }

        if (query.Bbox is { } box)
        {
            var (keys, more, counted) = await BoxKeysAsync(connection, query, box, v, ct);
            return KeyPage(keys, more, counted, query.MatchedCap);
        }

        // The same two statements as GetFeaturesAsync without a box, the page selecting its keys only.
        var (rows, total) = await UnboxedPageAsync(connection, query, v, "f.fid", r => r.GetInt64(0), ct);
        return KeyPage(rows.Take(query.Limit).ToList(), rows.Count > query.Limit, total, query.MatchedCap);
    }, ct);

    /// <summary>
    /// A page without a box: the count (stopped at the cap, so a layer of a million rows is not walked to say how
    /// large it is) and up to one row more than the limit, after the key cursor, selecting <paramref name="columns"/>.
    /// </summary>
    private async Task<(List<T> Rows, long Total)> UnboxedPageAsync<T>(DbConnection connection, FeatureQuery query, (string PlanId, int Seq) v, string columns,
        Func<DbDataReader, T> read, CancellationToken ct)
    {
        await using var count = Command(connection, null, $"SELECT count(*) FROM (SELECT 1 FROM feature f WHERE {VisibleAt(query)} LIMIT @cap)",
            ("cap", (long)query.MatchedCap + 1));
        Bind((name, value) => SqlDialect.Parameter(count, name, value), query, v);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        await using var page = Command(connection, null,
            $"SELECT {columns} FROM feature f WHERE {VisibleAt(query)} AND f.fid > @after ORDER BY f.fid LIMIT @take OFFSET @offset",
            ("after", query.After ?? 0L), ("take", (long)query.Limit + 1), ("offset", query.After is null ? (long)query.Offset : 0L));
        Bind((name, value) => SqlDialect.Parameter(page, name, value), query, v);
        return (await ListAsync(page, read, ct), total);
    }

    /// <summary>
    /// Fids are assigned here rather than read back with RETURNING: the writer holds the only write transaction, and a
    /// plain INSERT is markedly cheaper per row than a statement that returns one. Boxes go to the R*Tree after the
    /// rows, all together (<see cref="RtreeBulkInsert"/>), in the same transaction.
    /// </summary>
    protected override async Task<long> InsertFeaturesAsync(DbConnection connection, DbTransaction tx, PlanVersion version, IReadOnlySet<string> layerIds,
        IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct)
    {
        // A layer may be a million rows: a larger page cache keeps the indexes' hot pages in memory for the length of
        // the write (bounded, ~128 MB), and is put back so the pooled connection does not keep it.
        await ExecuteAsync(connection, "PRAGMA cache_size = -131072", ct, tx);
        try
        {
            return await InsertRowsAsync((SqliteConnection)connection, (SqliteTransaction)tx, version, layerIds, features, progress, ct);
        }
        finally
        {
            await ExecuteAsync(connection, "PRAGMA cache_size = -2000", CancellationToken.None, tx);
        }
    }

    /// <summary>
    /// The rows go through SQLite's own prepared statements (bound, stepped and reset per row) rather than through
    /// <see cref="SqliteCommand"/>, whose per-execution reader and parameter bookkeeping cost more than the insert at a
    /// million rows. Each feature's WKB and properties are encoded on another thread, a few batches ahead, so that the
    /// one thread SQLite writes on does only SQLite's work; values repeated on every row are encoded to UTF-8 once.
    /// </summary>
    private static async Task<long> InsertRowsAsync(SqliteConnection connection, SqliteTransaction tx, PlanVersion version, IReadOnlySet<string> layerIds,
        IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct)
    {
        long written = 0;
        await using var maxFid = connection.CreateCommand();
        maxFid.Transaction = tx;
        maxFid.CommandText = "SELECT coalesce(max(fid), 0) FROM feature";
        var fid = Convert.ToInt64(await maxFid.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);

        var db = connection.Handle!;
        using var insert = RawStatement.Prepare(db, """
            INSERT INTO feature (fid, plan_id, layer_id, feature_id, from_seq, valid_from, valid_to, certainty, source, basis, props, geom)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """);
        var boxes = new RtreeCells();
        var utf8 = new Utf8Texts();
        // The version's plan and sequence are the same on every row: bound once (a reset keeps bindings).
        insert.Text(2, utf8.Of(version.PlanId));
        insert.Int64(5, version.Sequence);
        await foreach (var batch in AheadBatches.RunAsync<EncodedRow>((writer, stop) => EncodeAsync(features, version, layerIds, writer, stop), 8, ct))
        {
            foreach (var (f, props, wkb) in batch)
            {
                ++fid;
                insert.Int64(1, fid);
                insert.Text(3, utf8.Of(f.LayerId));
                insert.Text(4, f.Id);
                insert.Text(6, utf8.OfOrNull(FeatureRows.DateToText(f.ValidFrom)));
                insert.Text(7, utf8.OfOrNull(FeatureRows.DateToText(f.ValidTo)));
                insert.Text(8, utf8.Of(Provenance.ToText(f.Provenance.Certainty)));
                insert.Text(9, utf8.Of(f.Provenance.Source));
                insert.Text(10, utf8.OfOrNull(f.Provenance.Basis));
                insert.Text(11, props);
                insert.Blob(12, wkb);
                insert.Run();
                if (f.Geometry is { IsEmpty: false } g)
                {
                    var e = g.EnvelopeInternal;
                    boxes.Add(fid, e.MinX, e.MaxX, e.MinY, e.MaxY);
                }

                if (++written % 10_000 == 0)
                {
                    progress?.Report(written);
                }
            }
        }

        RtreeBulkInsert.Add(connection, "feature_rtree", boxes, ct);
        progress?.Report(written);
        return written;
    }

    /// <summary>A feature with the two values encoded for its row: its properties as UTF-8 JSON and its geometry as WKB.</summary>
    private readonly record struct EncodedRow(PlanFeature Feature, byte[] Props, byte[]? Wkb);

    private static async Task EncodeAsync(IAsyncEnumerable<PlanFeature> features, PlanVersion version, IReadOnlySet<string> layerIds,
        ChannelWriter<EncodedRow[]> rows, CancellationToken ct)
    {
        const int batchSize = 256;
        var writer = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false);
        var props = new ArrayBufferWriter<byte>(1024);
        await using var json = new Utf8JsonWriter(props);
        var batch = new List<EncodedRow>(batchSize);
        await foreach (var f in features.WithCancellation(ct))
        {
            if (!layerIds.Contains(f.LayerId))
            {
                throw new StoreException($"feature {f.Id} belongs to layer {f.LayerId}, which is not part of version {version.Id}");
            }

            props.ResetWrittenCount();
            json.Reset();
            // As JsonNode.ToJsonString() writes it (default encoder, not indented), so both stores keep the same text.
            f.Properties.WriteTo(json);
            json.Flush();
            batch.Add(new EncodedRow(f, props.WrittenSpan.ToArray(), f.Geometry is null ? null : writer.Write(f.Geometry)));
            if (batch.Count == batchSize)
            {
                await rows.WriteAsync([.. batch], ct);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await rows.WriteAsync([.. batch], ct);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // Builds under way stop first; then pooled connections, which keep the file open (a disposed store must let tests delete it).
        await _boxIndexes.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Box index builds under way, awaited (for tests that compare pages with and without an index).</summary>
    internal Task WhenBoxIndexesBuiltAsync() => _boxIndexes.WhenBuiltAsync();

    /// <summary>The box indexes held, and their bytes.</summary>
    internal (int Count, long Bytes) BoxIndexesHeld() => _boxIndexes.Held();

    /// <summary>Bytes of edge candidates' WKB held now (0 when that cache is off).</summary>
    internal long EdgeBlobsHeld => _boxIndexes.EdgeBlobs?.Bytes ?? 0;

    /// <summary>
    /// The box index of a layer at a version, or null when the layer has fewer rows than <see cref="_boxIndexRows"/>.
    /// The boxes are the R*Tree's (floats rounded outwards) of the rows the version shows.
    /// </summary>
    private Task<KeyBoxIndex?> BuildBoxIndexAsync((string PlanId, int Seq) v, string layerId, CancellationToken ct) =>
        ReadAsync($"the box index of {layerId}", async connection =>
        {
            var layer = new FeatureQuery(string.Empty, layerId);
            if (!await LayerHasRowsAsync(connection, layer, v, _boxIndexRows, ct))
            {
                return null;
            }

            // The keys the version shows, then every box of the R*Tree in its own order, each kept when its key is one of
            // them. Two scans: joining the R*Tree to each row instead looks each box up at random, 26 s against 5 s for
            // ten million parcels.
            await using var visible = Command(connection, null, $"SELECT f.fid FROM feature f WHERE {VisibleAt(layer)}");
            Bind((name, value) => SqlDialect.Parameter(visible, name, value), layer, v);
            var keys = (await ListAsync(visible, r => r.GetInt64(0), ct)).ToArray();
            Array.Sort(keys);
            var bounds = new double[4 * keys.Length];
            var boxed = new bool[keys.Length];
            await using (var boxes = Command(connection, null, "SELECT id, minx, miny, maxx, maxy FROM feature_rtree"))
            await using (var reader = await boxes.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var at = Array.BinarySearch(keys, reader.GetInt64(0));
                    if (at >= 0)
                    {
                        boxed[at] = true;
                        (bounds[4 * at], bounds[(4 * at) + 1], bounds[(4 * at) + 2], bounds[(4 * at) + 3]) =
                            (reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
                    }
                }
            }

            // Rows without a geometry (or with an empty one) have no box, and no place in a bbox page.
            var boxedKeys = new long[boxed.Count(b => b)];
            var boxedBounds = new double[4 * boxedKeys.Length];
            for (int i = 0, n = 0; i < keys.Length; i++)
            {
                if (boxed[i])
                {
                    boxedKeys[n] = keys[i];
                    bounds.AsSpan(4 * i, 4).CopyTo(boxedBounds.AsSpan(4 * n, 4));
                    n++;
                }
            }

            return new KeyBoxIndex(boxedKeys, boxedBounds);
        }, ct);
}
