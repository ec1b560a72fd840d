using System.Data.Common;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// Version arithmetic: a publish or a layer import adds a version, closes the rows it replaces at the new sequence
/// (layer and feature rows are visible from <c>from_seq</c> until <c>to_seq</c>) and writes the new rows, in one
/// transaction with the audit entry that records it. The features themselves go through the engine's bulk path.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>Writes the features of a new version inside the caller's transaction; returns how many were written.</summary>
    protected abstract Task<long> InsertFeaturesAsync(DbConnection connection, DbTransaction tx, PlanVersion version, IReadOnlySet<string> layerIds,
        IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct);

    public Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct) =>
        PublishAsync(plan, version, layers, features, report, null, ct);

    public Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, CancellationToken ct) => ReplaceLayerAsync(planId, layer, features, report, progress, null, ct);

    public Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report,
        AuditRecord? audit, CancellationToken ct) =>
        WriteAsync($"publishing version {version.Id}", async (connection, tx) =>
        {
            // The upsert locks the plan row where the engine has row locks, so publishers of one plan queue here.
            await using (var upsert = Command(connection, tx, """
                INSERT INTO plan (id, title_zh, title_en, description) VALUES (@id, @zh, @en, @d)
                ON CONFLICT (id) DO UPDATE SET title_zh = excluded.title_zh, title_en = excluded.title_en, description = excluded.description
                """, ("id", plan.Id), ("zh", plan.TitleZh), ("en", plan.TitleEn), ("d", plan.Description)))
            {
                await upsert.ExecuteNonQueryAsync(ct);
            }

            var newest = await NewestSequenceAsync(connection, tx, plan.Id, ct);
            if (version.Sequence <= newest)
            {
                throw new StoreException($"plan {plan.Id} already has version {newest}; a new version must have a higher sequence than {version.Sequence}");
            }

            await OpenVersionAsync(connection, tx, version, version.Sequence == 1 ? VersionSource.Seed : VersionSource.Import, report.Rationale, null, layers, ct);
            await InsertFeaturesAsync(connection, tx, version, layers.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), features.ToAsyncEnumerable(), null, ct);
            await InsertReportAsync(connection, tx, report, ct);
            return version;
        }, _ => audit is null ? [] : [audit], ct);

    public Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, Func<PlanVersion, AuditRecord>? audit, CancellationToken ct) =>
        WriteAsync($"importing layer {layer.Id}", async (connection, tx) =>
        {
            await using (var lockPlan = Command(connection, tx, $"SELECT id FROM plan WHERE id = @p{Dialect.ForUpdate}", ("p", planId)))
            {
                await lockPlan.ExecuteScalarAsync(ct);
            }

            var current = await NewestSequenceAsync(connection, tx, planId, ct);
            if (current == 0)
            {
                throw new StoreException($"plan {planId} has no version yet; seed or publish it before importing a layer");
            }

            // Valid time only moves forward: an import while a later-effective version waits takes effect with it, not before it.
            DateOnly pending;
            await using (var effective = Command(connection, tx, "SELECT effective_from FROM plan_version WHERE plan_id = @p AND seq = @s", ("p", planId), ("s", current)))
            await using (var reader = await effective.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                pending = Dialect.ReadDay(reader, 0);
            }

            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var version = new PlanVersion($"{planId}@{current + 1}", planId, current + 1, $"layer {layer.Id} imported",
                pending > today ? pending : today, DateTimeOffset.UtcNow);
            await OpenVersionAsync(connection, tx, version, VersionSource.Import, report.Rationale, layer.Id, [layer], ct);
            var written = await InsertFeaturesAsync(connection, tx, version, new HashSet<string>(StringComparer.Ordinal) { layer.Id }, features, progress, ct);
            report.CountStored(layer.Id, (int)written);
            await InsertReportAsync(connection, tx, report, ct);
            return version;
        }, version => audit is null ? [] : [audit(version)], ct);

    private async Task<int> NewestSequenceAsync(DbConnection connection, DbTransaction tx, string planId, CancellationToken ct)
    {
        await using var check = Command(connection, tx, "SELECT coalesce(max(seq), 0) FROM plan_version WHERE plan_id = @p", ("p", planId));
        return (int)Number(await check.ExecuteScalarAsync(ct));
    }

    /// <summary>Adds the version row, closes the open rows it replaces (one layer's, or all when <paramref name="onlyLayer"/> is null) and inserts its layers.</summary>
    private async Task OpenVersionAsync(DbConnection connection, DbTransaction tx, PlanVersion version, string source, string? rationale, string? onlyLayer,
        IReadOnlyList<PlanLayer> layers, CancellationToken ct)
    {
        await InsertVersionRowAsync(connection, tx, version, source, null, rationale, ct);

        foreach (var (table, key) in new[] { ("layer", "id"), ("feature", "layer_id") })
        {
            await using var close = Command(connection, tx, $"UPDATE {table} SET to_seq = @s WHERE plan_id = @p AND to_seq IS NULL{(onlyLayer is null ? "" : $" AND {key} = @l")}",
                ("s", version.Sequence), ("p", version.PlanId));
            if (onlyLayer is not null)
            {
                SqlDialect.Parameter(close, "l", onlyLayer);
            }

            await close.ExecuteNonQueryAsync(ct);
        }

        foreach (var layer in layers)
        {
            await using var insert = Command(connection, tx, """
                INSERT INTO layer (plan_id, id, from_seq, kind, title_zh, title_en, description, geometry, ord, attributes)
                VALUES (@p, @id, @s, @k, @zh, @en, @d, @g, @o, @a)
                """, ("p", version.PlanId), ("id", layer.Id), ("s", version.Sequence), ("k", layer.Kind), ("zh", layer.TitleZh), ("en", layer.TitleEn),
                ("d", layer.Description), ("g", layer.Geometry.ToString()), ("o", layer.Order));
            Dialect.Json(insert, "a", FeatureRows.AttributesToJson(layer.Attributes));
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task InsertReportAsync(DbConnection connection, DbTransaction tx, ImportReport report, CancellationToken ct)
    {
        await using var insert = Command(connection, tx, "INSERT INTO import_report (at, source, text) VALUES (@at, @s, @t)",
            ("at", Dialect.Instant(DateTimeOffset.UtcNow)), ("s", report.Source), ("t", report.ToText()));
        await insert.ExecuteNonQueryAsync(ct);
    }
}
