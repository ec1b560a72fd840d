using System.Data.Common;
using System.Globalization;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The part of a store that is the same SQL on every engine, over ADO.NET: plans and versions, documents, the audit
/// log, accounts, sessions, cases, observations and task progress. An engine supplies its connections, its
/// <see cref="SqlDialect"/>, its migrations and what is spatial (feature reads and the bulk feature write). Every
/// engine error becomes a <see cref="StoreException"/> here, in the same words on both engines.
/// </summary>
public abstract partial class RelationalStore(SqlDialect dialect)
    : IPlanStore, IDocumentStore, IAuditLog, IObservationStore, IAccountStore, ICaseStore, ICollaborationStore, IAmendmentStore
{
    /// <summary>Version ids already resolved (<see cref="ResolveAsync"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string PlanId, int Seq)> _resolved = new(StringComparer.Ordinal);

    protected SqlDialect Dialect { get; } = dialect;

    public abstract string Description { get; }

    /// <summary>An open connection; a failure to connect is already a <see cref="StoreException"/>.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public abstract Task MigrateAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    protected DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        if (tx is not null && Dialect.WriteTimeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        foreach (var (name, value) in parameters)
        {
            SqlDialect.Parameter(command, name, value);
        }

        return command;
    }

    /// <summary>Runs a read on its own connection and says which store failed if the engine does.</summary>
    protected async Task<T> ReadAsync<T>(string what, Func<DbConnection, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        try
        {
            return await read(connection);
        }
        catch (DbException e)
        {
            throw ReadFailed(what, e);
        }
    }

    /// <summary>The error a read reports when the engine fails: which store, what was read, and the engine's words.</summary>
    protected StoreException ReadFailed(string what, DbException e) => new($"reading {what} from {Description} failed: {e.Message}", e);

    /// <summary>
    /// One transaction: the write, then the audit entries it makes of its result, committed together, or rolled back
    /// together on any failure or cancellation so that nothing is written.
    /// </summary>
    protected async Task<T> WriteAsync<T>(string what, Func<DbConnection, DbTransaction, Task<T>> write, Func<T, IEnumerable<AuditRecord>> audit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            var result = await write(connection, tx);
            foreach (var record in audit(result))
            {
                await AppendInAsync(connection, tx, record, ct);
            }

            await tx.CommitAsync(ct);
            return result;
        }
        catch (Exception e)
        {
            await RollbackAsync(tx);
            if (e is DbException db)
            {
                throw new StoreException($"{what} in {Description} failed; nothing was written: {db.Message}", db);
            }

            throw;
        }
    }

    private static async Task RollbackAsync(DbTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ObjectDisposedException)
        {
            // A cancelled bulk copy can break the connection; the server then discards the open transaction by itself.
        }
    }

    protected static async Task<List<T>> ListAsync<T>(DbCommand command, Func<DbDataReader, T> row, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(row(reader));
        }

        return result;
    }

    public Task<Plan?> GetPlanAsync(string planId, CancellationToken ct) => ReadAsync($"plan {planId}", async connection =>
    {
        await using var command = Command(connection, null, "SELECT id, title_zh, title_en, description FROM plan WHERE id = @id", ("id", planId));
        return (await ListAsync(command, r => new Plan(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), ct)).FirstOrDefault();
    }, ct);

    public Task<PlanVersion?> GetCurrentVersionAsync(CancellationToken ct) => ReadAsync("the current version", async connection =>
    {
        await using var command = Command(connection, null,
            "SELECT id, plan_id, seq, label, effective_from, published_at FROM plan_version ORDER BY seq DESC, published_at DESC LIMIT 1");
        return (await ListAsync(command, r => new PlanVersion(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3),
            Dialect.ReadDay(r, 4), Dialect.ReadInstant(r, 5)), ct)).FirstOrDefault();
    }, ct);

    /// <summary>The plan and sequence of a version id, which every versioned row is filtered by.</summary>
    /// <remarks>A committed version is never changed or removed, so what an id resolves to is kept (ids not found are asked again).</remarks>
    protected async Task<(string PlanId, int Seq)?> ResolveAsync(DbConnection connection, string versionId, CancellationToken ct)
    {
        if (_resolved.TryGetValue(versionId, out var known))
        {
            return known;
        }

        await using var command = Command(connection, null, "SELECT plan_id, seq FROM plan_version WHERE id = @id", ("id", versionId));
        var rows = await ListAsync(command, r => (r.GetString(0), r.GetInt32(1)), ct);
        if (rows.Count == 0)
        {
            return null;
        }

        _resolved.TryAdd(versionId, rows[0]);
        return rows[0];
    }

    public Task<IReadOnlyList<PlanLayer>> GetLayersAsync(string versionId, CancellationToken ct) => ReadAsync($"the layers of {versionId}", async connection =>
        await ResolveAsync(connection, versionId, ct) is { } v ? await LayersAsync(connection, v, ct) : [], ct);

    public Task<IReadOnlyList<PlanLayer>> GetLayersAsync(PlanVersion version, CancellationToken ct) =>
        ReadAsync($"the layers of {version.Id}", connection => LayersAsync(connection, (version.PlanId, version.Sequence), ct), ct);

    private async Task<IReadOnlyList<PlanLayer>> LayersAsync(DbConnection connection, (string PlanId, int Seq) v, CancellationToken ct)
    {
        await using var command = Command(connection, null, $"""
            SELECT id, kind, title_zh, title_en, description, geometry, ord, {Dialect.JsonText("attributes")} FROM layer
            WHERE plan_id = @p AND from_seq <= @s AND (to_seq IS NULL OR to_seq > @s) ORDER BY ord, {Dialect.ByteOrder("id")}
            """, ("p", v.PlanId), ("s", v.Seq));
        return await ListAsync(command, r => new PlanLayer(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            Enum.Parse<LayerGeometry>(r.GetString(5)), r.GetInt32(6), FeatureRows.AttributesFromJson(r.GetString(7))), ct);
    }

    /// <summary>The feature rows visible at a version (parameters @p and @s).</summary>
    protected const string VisibleAtVersion = "f.plan_id = @p AND f.from_seq <= @s AND (f.to_seq IS NULL OR f.to_seq > @s)";

    /// <summary>The rows of a layer visible at a version and within a validity interval; bound by <see cref="Bind"/>.</summary>
    protected static string VisibleAt(FeatureQuery q)
    {
        var sql = VisibleAtVersion + " AND f.layer_id = @l";
        if (q.ValidTo is not null)
        {
            sql += " AND (f.valid_from IS NULL OR f.valid_from <= @vt)";
        }

        if (q.ValidFrom is not null)
        {
            sql += " AND (f.valid_to IS NULL OR f.valid_to >= @vf)";
        }

        return sql;
    }

    protected void Bind(Action<string, object> add, FeatureQuery q, (string PlanId, int Seq) v)
    {
        add("p", v.PlanId);
        add("l", q.LayerId);
        add("s", v.Seq);
        if (q.ValidTo is { } to)
        {
            add("vt", Dialect.Day(to));
        }

        if (q.ValidFrom is { } from)
        {
            add("vf", Dialect.Day(from));
        }
    }

    public Task<IReadOnlyList<StoredImportReport>> GetImportReportsAsync(CancellationToken ct) => ReadAsync("import reports", async connection =>
    {
        await using var command = Command(connection, null, "SELECT id, at, source, text FROM import_report ORDER BY id");
        return (IReadOnlyList<StoredImportReport>)await ListAsync(command,
            r => new StoredImportReport(r.GetInt64(0), Dialect.ReadInstant(r, 1), r.GetString(2), r.GetString(3)), ct);
    }, ct);

    public Task PutDocumentAsync(string kind, string id, string json, CancellationToken ct) => PutDocumentAsync(kind, id, json, [], ct);

    public Task PutDocumentAsync(string kind, string id, string json, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"writing the {kind} document {id}", async (connection, tx) =>
        {
            await using var insert = Command(connection, tx, "INSERT INTO document (kind, id, created_at, body) VALUES (@k, @id, @at, @b) ON CONFLICT (kind, id) DO NOTHING",
                ("k", kind), ("id", id), ("at", Dialect.Instant(DateTimeOffset.UtcNow)));
            Dialect.Json(insert, "b", json, exact: true);
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreException($"a {kind} document with id {id} already exists; documents are never overwritten");
            }

            return 0;
        }, _ => audit, ct);

    public Task<string?> GetDocumentAsync(string kind, string id, CancellationToken ct) => ReadAsync($"the {kind} document {id}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {Dialect.JsonText("body")} FROM document WHERE kind = @k AND id = @id", ("k", kind), ("id", id));
        return (string?)await command.ExecuteScalarAsync(ct);
    }, ct);

    public IAsyncEnumerable<(string Id, string Json)> StreamDocumentsAsync(string kind, CancellationToken ct) =>
        StreamAsync($"the {kind} documents", async connection =>
        {
            var command = Command(connection, null, $"SELECT id, {Dialect.JsonText("body")} FROM document WHERE kind = @k ORDER BY created_at, id", ("k", kind));
            return await command.ExecuteReaderAsync(ct);
        }, r => (r.GetString(0), r.GetString(1)), ct);

    internal static long Number(object? scalar) => Convert.ToInt64(scalar, CultureInfo.InvariantCulture);
}
