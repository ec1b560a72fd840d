using System.Globalization;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never block the writer), an R*Tree for bbox reads,
/// and every write in one transaction.
/// </summary>
public sealed partial class SqlitePlanStore : IPlanStore, IDocumentStore, IAuditLog, IObservationStore
{
    private readonly string _connectionString;

    public SqlitePlanStore(string path)
    {
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

    public string Description => $"sqlite:{Path}";

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
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
            await ExecuteAsync(connection, "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", ct);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StoreException($"cannot open the SQLite store at {Path}: {e.Message}", e);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, SqliteTransaction? tx = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", ct);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);", ct, tx);
            await using var read = connection.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT coalesce(max(version), 0) FROM schema_migration";
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            var newest = SqliteMigrations.All[^1].Version;
            if (current > newest)
            {
                throw new StoreException($"the SQLite store at {Path} has schema version {current}, newer than this program's {newest}; upgrade Metrocircle");
            }

            foreach (var (version, description, sql) in SqliteMigrations.All.Where(m => m.Version > current))
            {
                await ExecuteAsync(connection, sql, ct, tx);
                await using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO schema_migration (version, description, applied_at) VALUES ($v, $d, $t)";
                insert.Parameters.AddWithValue("$v", version);
                insert.Parameters.AddWithValue("$d", description);
                insert.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await insert.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"migrating the SQLite store at {Path} failed: {e.Message}", e);
        }
    }

    public async Task<Plan?> GetPlanAsync(string planId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, title_zh, title_en, description FROM plan WHERE id = $id";
        command.Parameters.AddWithValue("$id", planId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Plan(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)) : null;
    }

    public async Task<PlanVersion?> GetCurrentVersionAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, plan_id, seq, label, effective_from, published_at FROM plan_version ORDER BY seq DESC, published_at DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new PlanVersion(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
            FeatureRows.DateFromText(reader.GetString(4))!.Value,
            DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture));
    }

    private static async Task<(string PlanId, int Seq)?> ResolveAsync(SqliteConnection connection, string versionId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT plan_id, seq FROM plan_version WHERE id = $id";
        command.Parameters.AddWithValue("$id", versionId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetInt32(1)) : null;
    }

    public async Task<IReadOnlyList<PlanLayer>> GetLayersAsync(string versionId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            return [];
        }

        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, kind, title_zh, title_en, description, geometry, ord, attributes FROM layer
            WHERE plan_id = $p AND from_seq <= $s AND (to_seq IS NULL OR to_seq > $s) ORDER BY ord, id
            """;
        command.Parameters.AddWithValue("$p", v.PlanId);
        command.Parameters.AddWithValue("$s", v.Seq);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<PlanLayer>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new PlanLayer(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Enum.Parse<LayerGeometry>(reader.GetString(5)), reader.GetInt32(6), FeatureRows.AttributesFromJson(reader.GetString(7))));
        }

        return result;
    }

    private const string FeatureColumns = "f.fid, f.layer_id, f.feature_id, f.geom, f.props, f.certainty, f.source, f.basis, f.valid_from, f.valid_to";

    private static string VisibleAt(FeatureQuery q)
    {
        var sql = "f.plan_id = $p AND f.layer_id = $l AND f.from_seq <= $s AND (f.to_seq IS NULL OR f.to_seq > $s)";
        if (q.ValidTo is not null)
        {
            sql += " AND (f.valid_from IS NULL OR f.valid_from <= $vt)";
        }

        if (q.ValidFrom is not null)
        {
            sql += " AND (f.valid_to IS NULL OR f.valid_to >= $vf)";
        }

        return sql;
    }

    private static void Bind(SqliteCommand command, FeatureQuery q, (string PlanId, int Seq) v)
    {
        command.Parameters.AddWithValue("$p", v.PlanId);
        command.Parameters.AddWithValue("$l", q.LayerId);
        command.Parameters.AddWithValue("$s", v.Seq);
        if (q.ValidTo is not null)
        {
            command.Parameters.AddWithValue("$vt", FeatureRows.DateToText(q.ValidTo));
        }

        if (q.ValidFrom is not null)
        {
            command.Parameters.AddWithValue("$vf", FeatureRows.DateToText(q.ValidFrom));
        }
    }

    public async Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return new FeaturePage([], 0);
        }

        if (query.Bbox is null)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM feature f WHERE {VisibleAt(query)}";
            Bind(count, query, v);
            var matched = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);

            await using var page = connection.CreateCommand();
            page.CommandText = $"SELECT {FeatureColumns} FROM feature f WHERE {VisibleAt(query)} ORDER BY f.fid LIMIT $limit OFFSET $offset";
            Bind(page, query, v);
            page.Parameters.AddWithValue("$limit", query.Limit);
            page.Parameters.AddWithValue("$offset", query.Offset);
            return new FeaturePage(await ReadFeaturesAsync(page, ct), matched);
        }

        // The R*Tree finds candidates by box; the exact test runs here so that numberMatched counts true intersections.
        var box = query.Bbox;
        var boxGeometry = GeoJsonGeometry.Factory.ToGeometry(box);
        var prepared = PreparedGeometryFactory.Prepare(boxGeometry);
        await using var candidates = connection.CreateCommand();
        candidates.CommandText = $"""
            SELECT f.fid, r.minx, r.maxx, r.miny, r.maxy, f.geom FROM feature_rtree r JOIN feature f ON f.fid = r.id
            WHERE r.minx <= $maxx AND r.maxx >= $minx AND r.miny <= $maxy AND r.maxy >= $miny AND {VisibleAt(query)}
            ORDER BY f.fid
            """;
        Bind(candidates, query, v);
        candidates.Parameters.AddWithValue("$minx", box.MinX);
        candidates.Parameters.AddWithValue("$maxx", box.MaxX);
        candidates.Parameters.AddWithValue("$miny", box.MinY);
        candidates.Parameters.AddWithValue("$maxy", box.MaxY);
        var hits = new List<long>();
        var reader = new WKBReader(GeoJsonGeometry.Services);
        await using (var rows = await candidates.ExecuteReaderAsync(ct))
        {
            while (await rows.ReadAsync(ct))
            {
                var inside = rows.GetDouble(1) >= box.MinX && rows.GetDouble(2) <= box.MaxX && rows.GetDouble(3) >= box.MinY && rows.GetDouble(4) <= box.MaxY;
                if (inside || prepared.Intersects(reader.Read((byte[])rows.GetValue(5))))
                {
                    hits.Add(rows.GetInt64(0));
                }
            }
        }

        var window = hits.Skip(query.Offset).Take(query.Limit).ToList();
        if (window.Count == 0)
        {
            return new FeaturePage([], hits.Count);
        }

        await using var fetch = connection.CreateCommand();
        fetch.CommandText = $"SELECT {FeatureColumns} FROM feature f WHERE f.fid IN ({string.Join(',', window)}) ORDER BY f.fid";
        return new FeaturePage(await ReadFeaturesAsync(fetch, ct), hits.Count);
    }

    private static async Task<List<PlanFeature>> ReadFeaturesAsync(SqliteCommand command, CancellationToken ct)
    {
        var result = new List<PlanFeature>();
        await foreach (var f in ReadFeatureStreamAsync(command, ct))
        {
            result.Add(f);
        }

        return result;
    }

    private static async IAsyncEnumerable<PlanFeature> ReadFeatureStreamAsync(SqliteCommand command, [EnumeratorCancellation] CancellationToken ct)
    {
        var wkb = new WKBReader(GeoJsonGeometry.Services);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Geometry? geometry = null;
            if (!reader.IsDBNull(3))
            {
                geometry = wkb.Read((byte[])reader.GetValue(3));
                geometry.SRID = 4326;
            }

            Provenance.TryParse(reader.GetString(5), out var certainty);
            yield return new PlanFeature(
                reader.GetString(1),
                reader.GetString(2),
                geometry,
                FeatureRows.PropertiesFromJson(reader.GetString(4)),
                new Provenance(reader.GetString(6), certainty, reader.IsDBNull(7) ? null : reader.GetString(7)),
                FeatureRows.DateFromText(reader.IsDBNull(8) ? null : reader.GetString(8)),
                FeatureRows.DateFromText(reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
    }

    public async Task<PlanFeature?> GetFeatureAsync(string versionId, string layerId, string featureId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            return null;
        }

        var q = new FeatureQuery(versionId, layerId);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FeatureColumns} FROM feature f WHERE {VisibleAt(q)} AND f.feature_id = $fid";
        Bind(command, q, v);
        command.Parameters.AddWithValue("$fid", featureId);
        return (await ReadFeaturesAsync(command, ct)).FirstOrDefault();
    }

    public async Task<LayerStats> GetLayerStatsAsync(string versionId, string layerId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            return new LayerStats(0, null, new Dictionary<Certainty, long>());
        }

        var q = new FeatureQuery(versionId, layerId);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT f.certainty, count(*), min(r.minx), max(r.maxx), min(r.miny), max(r.maxy)
            FROM feature f LEFT JOIN feature_rtree r ON r.id = f.fid WHERE {VisibleAt(q)} GROUP BY f.certainty
            """;
        Bind(command, q, v);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var byCertainty = new Dictionary<Certainty, long>();
        Envelope? extent = null;
        long count = 0;
        while (await reader.ReadAsync(ct))
        {
            Provenance.TryParse(reader.GetString(0), out var certainty);
            byCertainty[certainty] = reader.GetInt64(1);
            count += reader.GetInt64(1);
            if (!reader.IsDBNull(2))
            {
                var e = new Envelope(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
                if (extent is null)
                {
                    extent = e;
                }
                else
                {
                    extent.ExpandToInclude(e);
                }
            }
        }

        return new LayerStats(count, extent, byCertainty);
    }

    public async IAsyncEnumerable<PlanFeature> StreamFeaturesAsync(string versionId, string layerId, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            yield break;
        }

        var q = new FeatureQuery(versionId, layerId);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FeatureColumns} FROM feature f WHERE {VisibleAt(q)} ORDER BY f.fid";
        Bind(command, q, v);
        await foreach (var f in ReadFeatureStreamAsync(command, ct))
        {
            yield return f;
        }
    }

    public async Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            await SqliteWriter.PublishAsync(connection, tx, plan, version, layers, features, report, ct);
            await tx.CommitAsync(ct);
        }
        catch (SqliteException e)
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw new StoreException($"publishing version {version.Id} to {Description} failed; nothing was written: {e.Message}", e);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    public async Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            var version = await SqliteWriter.ReplaceLayerAsync(connection, tx, planId, layer, features, report, progress, ct);
            await tx.CommitAsync(ct);
            return version;
        }
        catch (SqliteException e)
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw new StoreException($"importing layer {layer.Id} into {Description} failed; nothing was written: {e.Message}", e);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    public async Task<IReadOnlyList<StoredImportReport>> GetImportReportsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, at, source, text FROM import_report ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<StoredImportReport>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredImportReport(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3)));
        }

        return result;
    }

    public async Task PutDocumentAsync(string kind, string id, string json, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO document (kind, id, created_at, body) VALUES ($k, $id, $at, $b)";
        command.Parameters.AddWithValue("$k", kind);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$b", json);
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new StoreException($"a {kind} document with id {id} already exists; documents are never overwritten", e);
        }
    }

    public async Task<string?> GetDocumentAsync(string kind, string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM document WHERE kind = $k AND id = $id";
        command.Parameters.AddWithValue("$k", kind);
        command.Parameters.AddWithValue("$id", id);
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    public async Task<Core.Audit.AuditEntry> AppendAuditAsync(string actor, string action, string subject, string details, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await SqliteAuditLog.AppendAsync(connection, Description, actor, action, subject, details, ct);
    }

    public async IAsyncEnumerable<Core.Audit.AuditEntry> ReadAuditAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await foreach (var entry in SqliteAuditLog.ReadAsync(connection, ct))
        {
            yield return entry;
        }
    }

    public async Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Core.Indicators.Observation> rows, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await SqliteObservations.ImportAsync(connection, Description, rows, ct);
    }

    public async Task<IReadOnlyList<Core.Indicators.Observation>> GetObservationsAsync(string? indicatorId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await SqliteObservations.ReadAsync(connection, indicatorId, ct);
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store must let tests delete it.
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
