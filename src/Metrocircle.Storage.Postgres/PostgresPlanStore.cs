using System.Runtime.CompilerServices;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// The scale-out store: PostgreSQL with PostGIS, shared by any number of Metrocircle processes. Geometry is
/// <c>geometry(Geometry, 4326)</c> under a GiST index, bbox reads are exact <c>ST_Intersects</c> tests, and every
/// write is one transaction whose features arrive by binary COPY.
/// </summary>
public sealed partial class PostgresPlanStore : IPlanStore, IDocumentStore, IAuditLog, IObservationStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _database;

    /// <param name="url"><c>postgresql://user:password@host:port/database</c> (or <c>postgres://</c>); query parameters pass through to the driver.</param>
    public PostgresPlanStore(string url)
    {
        var settings = PostgresUrl.Parse(url);
        Description = PostgresUrl.Describe(settings);
        _database = settings.Database ?? "";
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);

        // The plan is 2D lon/lat and the embedded store keeps XY only; so does this one, which also fits the 2D column
        // (an empty point from WKT would otherwise arrive with a Z flag and be refused).
        builder.UseNetTopologySuite(handleOrdinates: Ordinates.XY);
        _dataSource = builder.Build();
    }

    public string Description { get; }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
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

    /// <summary>Runs a read on a pooled connection and says which store failed if the engine does.</summary>
    private async Task<T> ReadAsync<T>(string what, Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        try
        {
            return await read(connection);
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"reading {what} from {Description} failed: {e.Message}", e);
        }
    }

    public Task MigrateAsync(CancellationToken ct) => PostgresSchema.MigrateAsync(_dataSource, Description, _database, ct);

    public Task<Plan?> GetPlanAsync(string planId, CancellationToken ct) => ReadAsync($"plan {planId}", async connection =>
    {
        await using var command = new NpgsqlCommand("SELECT id, title_zh, title_en, description FROM plan WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", planId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Plan(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)) : null;
    }, ct);

    public Task<PlanVersion?> GetCurrentVersionAsync(CancellationToken ct) => ReadAsync("the current version", async connection =>
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, plan_id, seq, label, effective_from, published_at FROM plan_version ORDER BY seq DESC, published_at DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new PlanVersion(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }, ct);

    private static async Task<(string PlanId, int Seq)?> ResolveAsync(NpgsqlConnection connection, string versionId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT plan_id, seq FROM plan_version WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", versionId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetInt32(1)) : null;
    }

    public Task<IReadOnlyList<PlanLayer>> GetLayersAsync(string versionId, CancellationToken ct) => ReadAsync($"the layers of {versionId}", async connection =>
    {
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            return (IReadOnlyList<PlanLayer>)[];
        }

        // COLLATE "C" orders ids by bytes, as SQLite does, whatever the database's locale.
        await using var command = new NpgsqlCommand("""
            SELECT id, kind, title_zh, title_en, description, geometry, ord, attributes::text FROM layer
            WHERE plan_id = @p AND from_seq <= @s AND (to_seq IS NULL OR to_seq > @s) ORDER BY ord, id COLLATE "C"
            """, connection);
        command.Parameters.AddWithValue("p", v.PlanId);
        command.Parameters.AddWithValue("s", v.Seq);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<PlanLayer>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new PlanLayer(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Enum.Parse<LayerGeometry>(reader.GetString(5)), reader.GetInt32(6), FeatureRows.AttributesFromJson(reader.GetString(7))));
        }

        return result;
    }, ct);

    private static string VisibleAt(FeatureQuery q)
    {
        var sql = "f.plan_id = @p AND f.layer_id = @l AND f.from_seq <= @s AND (f.to_seq IS NULL OR f.to_seq > @s)";
        if (q.ValidTo is not null)
        {
            sql += " AND (f.valid_from IS NULL OR f.valid_from <= @vt)";
        }

        if (q.ValidFrom is not null)
        {
            sql += " AND (f.valid_to IS NULL OR f.valid_to >= @vf)";
        }

        if (q.Bbox is not null)
        {
            // && lets the GiST index find candidates; ST_Intersects is the exact test, so numberMatched counts true hits.
            sql += " AND f.geom && @box AND ST_Intersects(f.geom, @box)";
        }

        return sql;
    }

    private static void Bind(NpgsqlParameterCollection parameters, FeatureQuery q, (string PlanId, int Seq) v)
    {
        parameters.AddWithValue("p", v.PlanId);
        parameters.AddWithValue("l", q.LayerId);
        parameters.AddWithValue("s", v.Seq);
        if (q.ValidTo is { } to)
        {
            parameters.AddWithValue("vt", to);
        }

        if (q.ValidFrom is { } from)
        {
            parameters.AddWithValue("vf", from);
        }

        if (q.Bbox is { } box)
        {
            // The same box geometry the embedded store tests against (a point or a line when the box is degenerate).
            parameters.AddWithValue("box", NpgsqlDbType.Geometry, GeoJsonGeometry.Factory.ToGeometry(box));
        }
    }

    public Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct) => ReadAsync($"features of {query.LayerId} at {query.VersionId}", async connection =>
    {
        if (await ResolveAsync(connection, query.VersionId, ct) is not { } v)
        {
            return new FeaturePage([], 0);
        }

        // One round trip: the total, then the page in insertion order.
        await using var batch = new NpgsqlBatch(connection);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM feature f WHERE {VisibleAt(query)}");
        Bind(count.Parameters, query, v);
        var page = new NpgsqlBatchCommand($"SELECT {FeatureReader.Columns} FROM feature f WHERE {VisibleAt(query)} ORDER BY f.fid LIMIT @limit OFFSET @offset");
        Bind(page.Parameters, query, v);
        page.Parameters.AddWithValue("limit", (long)query.Limit);
        page.Parameters.AddWithValue("offset", (long)query.Offset);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var matched = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        return new FeaturePage(await FeatureReader.ReadAllAsync(reader, ct), matched);
    }, ct);

    public Task<PlanFeature?> GetFeatureAsync(string versionId, string layerId, string featureId, CancellationToken ct) =>
        ReadAsync($"feature {featureId} of {layerId} at {versionId}", async connection =>
        {
            if (await ResolveAsync(connection, versionId, ct) is not { } v)
            {
                return null;
            }

            var q = new FeatureQuery(versionId, layerId);
            await using var command = new NpgsqlCommand($"SELECT {FeatureReader.Columns} FROM feature f WHERE {VisibleAt(q)} AND f.feature_id = @fid ORDER BY f.fid LIMIT 1", connection);
            Bind(command.Parameters, q, v);
            command.Parameters.AddWithValue("fid", featureId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return (await FeatureReader.ReadAllAsync(reader, ct)).FirstOrDefault();
        }, ct);

    public Task<LayerStats> GetLayerStatsAsync(string versionId, string layerId, CancellationToken ct) => ReadAsync($"statistics of {layerId} at {versionId}", async connection =>
    {
        if (await ResolveAsync(connection, versionId, ct) is not { } v)
        {
            return new LayerStats(0, null, new Dictionary<Certainty, long>());
        }

        var q = new FeatureQuery(versionId, layerId);
        await using var command = new NpgsqlCommand($"""
            SELECT certainty, n, ST_XMin(e), ST_XMax(e), ST_YMin(e), ST_YMax(e)
            FROM (SELECT f.certainty, count(*) AS n, ST_Extent(f.geom) AS e FROM feature f WHERE {VisibleAt(q)} GROUP BY f.certainty) s
            """, connection);
        Bind(command.Parameters, q, v);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var byCertainty = new Dictionary<Certainty, long>();
        Envelope? extent = null;
        long total = 0;
        while (await reader.ReadAsync(ct))
        {
            Provenance.TryParse(reader.GetString(0), out var certainty);
            byCertainty[certainty] = reader.GetInt64(1);
            total += reader.GetInt64(1);
            if (!reader.IsDBNull(2))
            {
                var e = ExtentRounding.Widen(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
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

        return new LayerStats(total, extent, byCertainty);
    }, ct);

    public async IAsyncEnumerable<PlanFeature> StreamFeaturesAsync(string versionId, string layerId, [EnumeratorCancellation] CancellationToken ct)
    {
        // C# allows no yield inside a try with a catch, so engine errors are translated around each step instead.
        await using var connection = await OpenAsync(ct);
        NpgsqlDataReader reader;
        try
        {
            if (await ResolveAsync(connection, versionId, ct) is not { } v)
            {
                yield break;
            }

            var q = new FeatureQuery(versionId, layerId);
            var command = new NpgsqlCommand($"SELECT {FeatureReader.Columns} FROM feature f WHERE {VisibleAt(q)} ORDER BY f.fid", connection);
            Bind(command.Parameters, q, v);
            reader = await command.ExecuteReaderAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"reading features of {layerId} at {versionId} from {Description} failed: {e.Message}", e);
        }

        await using (reader)
        {
            await using var features = FeatureReader.ReadAsync(reader, ct).GetAsyncEnumerator(ct);
            while (true)
            {
                try
                {
                    if (!await features.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (NpgsqlException e)
                {
                    throw new StoreException($"reading features of {layerId} at {versionId} from {Description} failed: {e.Message}", e);
                }

                yield return features.Current;
            }
        }
    }

    public Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct) =>
        WriteAsync($"publishing version {version.Id} to {Description}",
            (connection, tx) => PostgresWriter.PublishAsync(connection, tx, plan, version, layers, features, report, ct), ct);

    public async Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, CancellationToken ct)
    {
        PlanVersion? version = null;
        await WriteAsync($"importing layer {layer.Id} into {Description}",
            async (connection, tx) => version = await PostgresWriter.ReplaceLayerAsync(connection, tx, planId, layer, features, report, progress, ct), ct);
        return version!;
    }

    /// <summary>One transaction: committed whole, or rolled back on any failure or cancellation so nothing is written.</summary>
    private async Task WriteAsync(string what, Func<NpgsqlConnection, NpgsqlTransaction, Task> write, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await write(connection, tx);
            await tx.CommitAsync(ct);
        }
        catch (Exception e)
        {
            await RollbackAsync(tx);
            if (e is NpgsqlException npgsql)
            {
                throw new StoreException($"{what} failed; nothing was written: {npgsql.Message}", npgsql);
            }

            throw;
        }
    }

    private static async Task RollbackAsync(NpgsqlTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
        {
            // A cancelled COPY can break the connection; the server then discards the open transaction by itself.
        }
    }

    public Task<IReadOnlyList<StoredImportReport>> GetImportReportsAsync(CancellationToken ct) => ReadAsync("import reports", async connection =>
    {
        await using var command = new NpgsqlCommand("SELECT id, at, source, text FROM import_report ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<StoredImportReport>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredImportReport(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3)));
        }

        return (IReadOnlyList<StoredImportReport>)result;
    }, ct);

    public async Task PutDocumentAsync(string kind, string id, string json, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("INSERT INTO document (kind, id, created_at, body) VALUES (@k, @id, now(), @b)", connection);
        command.Parameters.AddWithValue("k", kind);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("b", NpgsqlDbType.Json, json);
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new StoreException($"a {kind} document with id {id} already exists; documents are never overwritten", e);
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"writing the {kind} document {id} to {Description} failed: {e.Message}", e);
        }
    }

    public Task<string?> GetDocumentAsync(string kind, string id, CancellationToken ct) => ReadAsync($"the {kind} document {id}", async connection =>
    {
        await using var command = new NpgsqlCommand("SELECT body::text FROM document WHERE kind = @k AND id = @id", connection);
        command.Parameters.AddWithValue("k", kind);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync(ct);
    }, ct);

    public async Task<Core.Audit.AuditEntry> AppendAuditAsync(string actor, string action, string subject, string details, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await PostgresAuditLog.AppendAsync(connection, Description, actor, action, subject, details, ct);
    }

    public async IAsyncEnumerable<Core.Audit.AuditEntry> ReadAuditAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await foreach (var entry in PostgresAuditLog.ReadAsync(connection, ct))
        {
            yield return entry;
        }
    }

    public async Task<ObservationImportResult> ImportObservationsAsync(IReadOnlyList<Core.Indicators.Observation> rows, CancellationToken ct)
    {
        ObservationImportResult? result = null;
        await WriteAsync($"importing {rows.Count} observations into {Description}",
            async (connection, tx) => result = await PostgresObservations.ImportAsync(connection, tx, rows, ct), ct);
        return result!;
    }

    public Task<IReadOnlyList<Core.Indicators.Observation>> GetObservationsAsync(string? indicatorId, CancellationToken ct) =>
        ReadAsync("observations", connection => PostgresObservations.ReadAsync(connection, indicatorId, ct), ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
