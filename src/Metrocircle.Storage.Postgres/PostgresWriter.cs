using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>Writes plan versions inside the caller's transaction; features go through binary COPY.</summary>
internal static class PostgresWriter
{
    private const int Srid = 4326;

    public static async Task PublishAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Plan plan, PlanVersion version,
        IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct)
    {
        // The upsert locks the plan row, so concurrent publishers of one plan queue here instead of racing on the sequence.
        await using (var upsert = Command(connection, tx, """
            INSERT INTO plan (id, title_zh, title_en, description) VALUES (@id, @zh, @en, @d)
            ON CONFLICT (id) DO UPDATE SET title_zh = excluded.title_zh, title_en = excluded.title_en, description = excluded.description
            """))
        {
            upsert.Parameters.AddWithValue("id", plan.Id);
            upsert.Parameters.AddWithValue("zh", plan.TitleZh);
            upsert.Parameters.AddWithValue("en", plan.TitleEn);
            upsert.Parameters.AddWithValue("d", plan.Description);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        var newest = await NewestSequenceAsync(connection, tx, plan.Id, ct);
        if (version.Sequence <= newest)
        {
            throw new StoreException($"plan {plan.Id} already has version {newest}; a new version must have a higher sequence than {version.Sequence}");
        }

        await InsertVersionAsync(connection, tx, version, ct);

        // A publish replaces the plan's content: rows still open are closed at the new sequence.
        foreach (var table in new[] { "layer", "feature" })
        {
            await using var close = Command(connection, tx, $"UPDATE {table} SET to_seq = @s WHERE plan_id = @p AND to_seq IS NULL");
            close.Parameters.AddWithValue("s", version.Sequence);
            close.Parameters.AddWithValue("p", plan.Id);
            await close.ExecuteNonQueryAsync(ct);
        }

        await InsertLayersAsync(connection, tx, plan.Id, version.Sequence, layers, ct);
        await CopyFeaturesAsync(connection, plan.Id, version, layers.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), features.ToAsyncEnumerable(), null, ct);
        await InsertReportAsync(connection, tx, report, ct);
    }

    public static async Task<PlanVersion> ReplaceLayerAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string planId, PlanLayer layer,
        IAsyncEnumerable<PlanFeature> features, ImportReport report, IProgress<long>? progress, CancellationToken ct)
    {
        await using (var lockPlan = Command(connection, tx, "SELECT id FROM plan WHERE id = @p FOR UPDATE"))
        {
            lockPlan.Parameters.AddWithValue("p", planId);
            await lockPlan.ExecuteScalarAsync(ct);
        }

        var current = await NewestSequenceAsync(connection, tx, planId, ct);
        if (current == 0)
        {
            throw new StoreException($"plan {planId} has no version yet; seed or publish it before importing a layer");
        }

        var version = new PlanVersion($"{planId}@{current + 1}", planId, current + 1, $"layer {layer.Id} imported",
            DateOnly.FromDateTime(DateTime.UtcNow), DateTimeOffset.UtcNow);
        await InsertVersionAsync(connection, tx, version, ct);
        foreach (var table in new[] { "layer", "feature" })
        {
            var key = table == "layer" ? "id" : "layer_id";
            await using var close = Command(connection, tx, $"UPDATE {table} SET to_seq = @s WHERE plan_id = @p AND {key} = @l AND to_seq IS NULL");
            close.Parameters.AddWithValue("s", version.Sequence);
            close.Parameters.AddWithValue("p", planId);
            close.Parameters.AddWithValue("l", layer.Id);
            await close.ExecuteNonQueryAsync(ct);
        }

        await InsertLayersAsync(connection, tx, planId, version.Sequence, [layer], ct);
        var written = await CopyFeaturesAsync(connection, planId, version, new HashSet<string>(StringComparer.Ordinal) { layer.Id }, features, progress, ct);
        report.CountStored(layer.Id, (int)written);
        await InsertReportAsync(connection, tx, report, ct);
        return version;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql) =>
        // Bulk writes are bounded by the caller's cancellation token, not by a per-command timeout.
        new(sql, connection, tx) { CommandTimeout = 0 };

    private static async Task<int> NewestSequenceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string planId, CancellationToken ct)
    {
        await using var check = Command(connection, tx, "SELECT coalesce(max(seq), 0) FROM plan_version WHERE plan_id = @p");
        check.Parameters.AddWithValue("p", planId);
        return (int)(await check.ExecuteScalarAsync(ct))!;
    }

    private static async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PlanVersion version, CancellationToken ct)
    {
        await using var insert = Command(connection, tx, "INSERT INTO plan_version (id, plan_id, seq, label, effective_from, published_at) VALUES (@id, @p, @s, @l, @e, @at)");
        insert.Parameters.AddWithValue("id", version.Id);
        insert.Parameters.AddWithValue("p", version.PlanId);
        insert.Parameters.AddWithValue("s", version.Sequence);
        insert.Parameters.AddWithValue("l", version.Label);
        insert.Parameters.AddWithValue("e", version.EffectiveFrom);

        // timestamptz keeps an instant, not an offset; Npgsql only accepts offset 0.
        insert.Parameters.AddWithValue("at", version.PublishedAt.ToUniversalTime());
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task InsertLayersAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string planId, int seq, IReadOnlyList<PlanLayer> layers, CancellationToken ct)
    {
        foreach (var layer in layers)
        {
            await using var insert = Command(connection, tx, """
                INSERT INTO layer (plan_id, id, from_seq, kind, title_zh, title_en, description, geometry, ord, attributes)
                VALUES (@p, @id, @s, @k, @zh, @en, @d, @g, @o, @a)
                """);
            insert.Parameters.AddWithValue("p", planId);
            insert.Parameters.AddWithValue("id", layer.Id);
            insert.Parameters.AddWithValue("s", seq);
            insert.Parameters.AddWithValue("k", layer.Kind);
            insert.Parameters.AddWithValue("zh", layer.TitleZh);
            insert.Parameters.AddWithValue("en", layer.TitleEn);
            insert.Parameters.AddWithValue("d", layer.Description);
            insert.Parameters.AddWithValue("g", layer.Geometry.ToString());
            insert.Parameters.AddWithValue("o", layer.Order);
            insert.Parameters.AddWithValue("a", NpgsqlDbType.Jsonb, FeatureRows.AttributesToJson(layer.Attributes));
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Streams features into the table with binary COPY: rows leave as the import buffer fills, so memory stays bounded
    /// however many features come. Ids are assigned in arrival order, which is the order reads return.
    /// An exception before <c>Complete</c> cancels the COPY; the caller's transaction then rolls back.
    /// </summary>
    private static async Task<long> CopyFeaturesAsync(NpgsqlConnection connection, string planId, PlanVersion version,
        HashSet<string> layerIds, IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct)
    {
        long written = 0;
        await using (var copy = await connection.BeginBinaryImportAsync("""
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
                await copy.WriteAsync(planId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.LayerId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Id, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(version.Sequence, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, f.ValidFrom, ct);
                await WriteNullableAsync(copy, f.ValidTo, ct);
                await copy.WriteAsync(Provenance.ToText(f.Provenance.Certainty), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Provenance.Source, NpgsqlDbType.Text, ct);
                if (f.Provenance.Basis is null)
                {
                    await copy.WriteNullAsync(ct);
                }
                else
                {
                    await copy.WriteAsync(f.Provenance.Basis, NpgsqlDbType.Text, ct);
                }

                await copy.WriteAsync(f.Properties.ToJsonString(), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(PropertyOrder.Paths(f.Properties), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                if (f.Geometry is null)
                {
                    await copy.WriteNullAsync(ct);
                }
                else
                {
                    await copy.WriteAsync(InLonLat(f.Geometry), NpgsqlDbType.Geometry, ct);
                }

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

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, DateOnly? date, CancellationToken ct)
    {
        if (date is { } d)
        {
            await copy.WriteAsync(d, NpgsqlDbType.Date, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

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

    private static async Task InsertReportAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ImportReport report, CancellationToken ct)
    {
        await using var insert = Command(connection, tx, "INSERT INTO import_report (at, source, text) VALUES (@at, @s, @t)");
        insert.Parameters.AddWithValue("at", DateTimeOffset.UtcNow);
        insert.Parameters.AddWithValue("s", report.Source);
        insert.Parameters.AddWithValue("t", report.ToText());
        await insert.ExecuteNonQueryAsync(ct);
    }
}
