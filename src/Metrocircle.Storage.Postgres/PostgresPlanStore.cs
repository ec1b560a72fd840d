using System.Data.Common;
using System.Globalization;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Relational;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// The scale-out store: PostgreSQL with PostGIS, shared by any number of Metrocircle processes. Geometry is
/// <c>geometry(Geometry, 4326)</c> under a GiST index, bbox reads are exact <c>ST_Intersects</c> tests, and features
/// arrive by binary COPY inside the version's transaction. The bbox keys of a large layer come from an in-memory box
/// index, as in the embedded store, with the exact test in process. What is not spatial is <see cref="RelationalStore"/>'s.
/// </summary>
public sealed class PostgresPlanStore : RelationalStore, IStoreNotices
{
    /// <summary>From how many rows a layer's bbox keys come from an in-memory box index rather than a GiST query.</summary>
    public const int DefaultBoxIndexRows = 50_000;

    public const string BoxIndexVariable = "METROCIRCLE_POSTGRES_BOX_INDEX_ROWS";

    public const string EdgeCacheVariable = "METROCIRCLE_POSTGRES_EDGE_CACHE_MB";

    private const int Srid = 4326;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _database;
    private readonly int _boxIndexRows;
    private readonly BoxIndexes _boxIndexes;

    /// <param name="url"><c>postgresql://user:password@host:port/database</c> (or <c>postgres://</c>); query parameters pass through to the driver.</param>
    /// <param name="boxIndexRows">
    /// The size from which a layer's bbox keys (the OGC items pages) come from an in-memory box index of the layer at
    /// the version, built in the background on first use; <see cref="int.MaxValue"/> turns the indexes off.
    /// </param>
    /// <param name="edgeCacheMegabytes">
    /// How much of the WKB of rows across a box's edge (the candidates a box index page tests exactly) is kept after
    /// the first read, so that a repeated page needs no round trip; 0 reads it every time.
    /// </param>
    public PostgresPlanStore(string url, int boxIndexRows = DefaultBoxIndexRows, int edgeCacheMegabytes = DefaultEdgeCacheMegabytes)
        : this(url, boxIndexRows, buildInline: false, edgeCacheMegabytes)
    {
    }

    /// <param name="buildInline">Whether the page that starts a box index build waits for it (tests that must know which path answered).</param>
    internal PostgresPlanStore(string url, int boxIndexRows, bool buildInline, int edgeCacheMegabytes = DefaultEdgeCacheMegabytes) : base(PostgresDialect.Instance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(boxIndexRows);
        _boxIndexRows = boxIndexRows;
        _boxIndexes = new BoxIndexes(BuildBoxIndexAsync, line => Notice?.Invoke(line), buildInline, edgeCacheMegabytes);
        var settings = PostgresUrl.Parse(url);
        Description = PostgresUrl.Describe(settings);
        _database = settings.Database ?? "";
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);

        // The plan is 2D lon/lat and the embedded store keeps XY only; so does this one, which also fits the 2D column
        // (an empty point from WKT would otherwise arrive with a Z flag and be refused).
        builder.UseNetTopologySuite(handleOrdinates: Ordinates.XY);
        _dataSource = builder.Build();
    }

    public override string Description { get; }

    /// <summary>A box index built (with its size and time) or failed.</summary>
    public event Action<StoreNotice>? Notice;

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"cannot connect to the PostgreSQL store {Description}: {e.Message}", e);
        }
    }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        await PostgresSchema.MigrateAsync(_dataSource, Description, _database, ct);
        await ReanchorAuditAsync(ct);
    }

    protected override string FeatureColumns => "f.fid, f.layer_id, f.feature_id, f.geom, f.props::text, f.prop_order, f.certainty, f.source, f.basis, f.valid_from, f.valid_to";

    protected override string WkbColumn => "ST_AsBinary(f.geom)";

    protected override Func<DbDataReader, PlanFeature> FeatureRow() => reader =>
    {
        Provenance.TryParse(reader.GetString(6), out var certainty);
        return new PlanFeature(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : LonLat(reader.GetFieldValue<Geometry>(3)),
            PropertyOrder.Restore(FeatureRows.PropertiesFromJson(reader.GetString(4)), reader.GetFieldValue<string[]>(5)),
            new Provenance(reader.GetString(7), certainty, reader.IsDBNull(8) ? null : reader.GetString(8)),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10));
    };

    /// <summary>
    /// The PostGIS reader gives only the outer geometry an SRID and leaves a collection's parts at -1, where the embedded
    /// store's parts carry 4326; NTS writes a part's differing SRID into EWKB, so the parts are set one by one.
    /// </summary>
    private static Geometry LonLat(Geometry geometry)
    {
        geometry.SRID = Srid;
        if (geometry is GeometryCollection collection)
        {
            foreach (var part in collection.Geometries)
            {
                LonLat(part);
            }
        }

        return geometry;
    }

    protected override string LayerStatsQuery(string visibleAt) => $"""
        SELECT layer_id, certainty, n, ST_XMin(e), ST_XMax(e), ST_YMin(e), ST_YMax(e)
        FROM (SELECT f.layer_id, f.certainty, count(*) AS n, ST_Extent(f.geom) AS e FROM feature f WHERE {visibleAt} GROUP BY f.layer_id, f.certainty) s
        """;

    protected override Envelope ReadExtent(DbDataReader reader, int ordinal) =>
        RtreeRounding.Widen(reader.GetDouble(ordinal), reader.GetDouble(ordinal + 1), reader.GetDouble(ordinal + 2), reader.GetDouble(ordinal + 3));

    public override Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct) => ReadAsync($"features of {query.LayerId} at {query.VersionId}", async connection =>
    {
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return FeaturePage.Empty;
        }

        await using var batch = PageBatch((NpgsqlConnection)connection, query, v, FeatureColumns);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var counted = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var rows = new List<(long Fid, PlanFeature Feature)>();
        var row = FeatureRow();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt64(0), row(reader)));
        }

        var more = rows.Count > query.Limit;
        return Page(more ? rows[..query.Limit] : rows, more, counted, query.MatchedCap);
    }, ct);

    /// <summary>The count of a page's matches (stopped past the cap) and the page's rows of <paramref name="columns"/>, one over its limit, in one round trip.</summary>
    private NpgsqlBatch PageBatch(NpgsqlConnection connection, FeatureQuery query, (string PlanId, int Seq) v, string columns)
    {
        // && lets the GiST index find candidates. A row whose stored box (rounded outward) lies inside the query box
        // intersects it: @ decides that from the geometry's header, so only rows across the box's edge are detoasted
        // for ST_Intersects, the exact test that keeps numberMatched and the page to true hits.
        var where = VisibleAt(query) + (query.Bbox is null ? "" : " AND f.geom && @box AND (f.geom @ @box OR ST_Intersects(f.geom, @box))");

        // One round trip: the count, stopped at the cap, then the page after the cursor (or offset) in key order, one row over its limit to tell whether more follow.
        var batch = new NpgsqlBatch(connection);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM (SELECT 1 FROM feature f WHERE {where} LIMIT @cap) s");
        count.Parameters.AddWithValue("cap", (long)query.MatchedCap + 1);
        var page = new NpgsqlBatchCommand($"SELECT {columns} FROM feature f WHERE {where} AND f.fid > @after ORDER BY f.fid LIMIT @take OFFSET @offset");
        page.Parameters.AddWithValue("after", query.After ?? 0L);
        page.Parameters.AddWithValue("take", (long)query.Limit + 1);
        page.Parameters.AddWithValue("offset", query.After is null ? (long)query.Offset : 0L);
        foreach (var command in new[] { count, page })
        {
            Bind((name, value) => command.Parameters.AddWithValue(name, value), query, v);
            if (query.Bbox is { } box)
            {
                // The same box geometry the embedded store tests against (a point or a line when the box is degenerate).
                command.Parameters.AddWithValue("box", NpgsqlDbType.Geometry, GeoJsonGeometry.Factory.ToGeometry(box));
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    public override Task<FeatureKeyPage> GetFeatureKeysAsync(FeatureQuery query, CancellationToken ct) => ReadAsync($"feature keys of {query.LayerId} at {query.VersionId}", async connection =>
    {
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return new FeatureKeyPage([], 0);
        }

        if (query.Bbox is { } box && await FromBoxIndexAsync(_boxIndexes, connection, query, box, v, ct) is { } indexed)
        {
            return KeyPage(indexed.Keys, indexed.More, indexed.Counted, query.MatchedCap);
        }

        await using var batch = PageBatch((NpgsqlConnection)connection, query, v, "f.fid");
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var counted = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var keys = new List<long>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetInt64(0));
        }

        var more = keys.Count > query.Limit;
        return KeyPage(more ? keys[..query.Limit] : keys, more, counted, query.MatchedCap);
    }, ct);

    /// <summary>
    /// Streams features into the table with binary COPY: rows leave as the import buffer fills, so memory stays bounded
    /// however many features come. Ids are assigned in arrival order, which is the order reads return.
    /// An exception before <c>Complete</c> cancels the COPY; the caller's transaction then rolls back.
    /// </summary>
    protected override async Task<long> InsertFeaturesAsync(DbConnection connection, DbTransaction tx, PlanVersion version, IReadOnlySet<string> layerIds,
        IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct)
    {
        long written = 0;
        await using (var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync("""
            COPY feature (plan_id, layer_id, feature_id, from_seq, valid_from, valid_to, certainty, source, basis, props, prop_order, geom)
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            copy.Timeout = TimeSpan.Zero;
            await foreach (var f in features.WithCancellation(ct))
            {
                if (!layerIds.Contains(f.LayerId))
                {
                    throw new StoreException($"feature {f.Id} belongs to layer {f.LayerId}, which is not part of version {version.Id}");
                }

                await copy.StartRowAsync(ct);
                await copy.WriteAsync(version.PlanId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.LayerId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Id, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(version.Sequence, NpgsqlDbType.Integer, ct);
                await WriteOrNullAsync(copy, f.ValidFrom, NpgsqlDbType.Date, ct);
                await WriteOrNullAsync(copy, f.ValidTo, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(Provenance.ToText(f.Provenance.Certainty), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Provenance.Source, NpgsqlDbType.Text, ct);
                await WriteOrNullAsync(copy, f.Provenance.Basis, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Properties.ToJsonString(), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(PropertyOrder.Paths(f.Properties), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await WriteOrNullAsync(copy, f.Geometry is null ? null : InLonLat(f.Geometry), NpgsqlDbType.Geometry, ct);
                if (++written % 10_000 == 0)
                {
                    progress?.Report(written);
                }
            }

            await copy.CompleteAsync(ct);
        }

        progress?.Report(written);
        return written;
    }

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task WriteOrNullAsync(NpgsqlBinaryImporter copy, DateOnly? value, NpgsqlDbType type, CancellationToken ct) =>
        value is { } day ? copy.WriteAsync(day, type, ct) : copy.WriteNullAsync(ct);

    /// <summary>
    /// The seam speaks lon/lat whatever SRID a geometry carries (SQLite ignores it); the column is typed 4326 so that
    /// other tools know the reference system, and a geometry without SRID would be refused by it.
    /// </summary>
    private static Geometry InLonLat(Geometry geometry)
    {
        if (geometry.SRID == Srid)
        {
            return geometry;
        }

        var copy = geometry.Copy();
        copy.SRID = Srid;
        return copy;
    }

    /// <summary>The box indexes held, and their bytes.</summary>
    internal (int Count, long Bytes) BoxIndexesHeld() => _boxIndexes.Held();

    /// <summary>Bytes of edge candidates' WKB held now (0 when that cache is off).</summary>
    internal long EdgeBlobsHeld => _boxIndexes.EdgeBlobs?.Bytes ?? 0;

    /// <summary>
    /// The box index of a layer at a version, or null when the layer has fewer rows than <see cref="_boxIndexRows"/>.
    /// The boxes are PostGIS's (<c>ST_XMin</c> and the rest), so a box wholly inside a query box is a true hit, as the
    /// GiST query's <c>@</c> decides it.
    /// </summary>
    private Task<KeyBoxIndex?> BuildBoxIndexAsync((string PlanId, int Seq) v, string layerId, CancellationToken ct) =>
        ReadAsync($"the box index of {layerId}", async connection =>
        {
            var layer = new FeatureQuery(string.Empty, layerId);
            if (!await LayerHasRowsAsync(connection, layer, v, _boxIndexRows, ct))
            {
                return null;
            }

            // Rows without a geometry (or with an empty one) have no box, and no place in a bbox page.
            await using var boxes = Command(connection, null, $"SELECT f.fid, ST_XMin(f.geom), ST_YMin(f.geom), ST_XMax(f.geom), ST_YMax(f.geom) " +
                $"FROM feature f WHERE {VisibleAt(layer)} AND f.geom IS NOT NULL AND NOT ST_IsEmpty(f.geom) ORDER BY f.fid");
            Bind((name, value) => SqlDialect.Parameter(boxes, name, value), layer, v);
            var keys = new List<long>();
            var bounds = new List<double>();
            await using (var reader = await boxes.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    keys.Add(reader.GetInt64(0));
                    bounds.AddRange([reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)]);
                }
            }

            return new KeyBoxIndex([.. keys], [.. bounds]);
        }, ct);

    public override async ValueTask DisposeAsync()
    {
        // Builds under way stop before the connections they read on go.
        await _boxIndexes.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
