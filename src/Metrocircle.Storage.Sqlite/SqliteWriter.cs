using System.Globalization;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Sqlite;

/// <summary>Writes plan versions inside the caller's transaction.</summary>
internal static class SqliteWriter
{
    public static async Task<PlanVersion> ReplaceLayerAsync(SqliteConnection connection, SqliteTransaction tx, string planId, PlanLayer layer,
        IAsyncEnumerable<PlanFeature> features, ImportReport report, IProgress<long>? progress, CancellationToken ct)
    {
        int current;
        await using (var check = Command(connection, tx, "SELECT coalesce(max(seq), 0) FROM plan_version WHERE plan_id = $p"))
        {
            check.Parameters.AddWithValue("$p", planId);
            current = Convert.ToInt32(await check.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

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
            await using var close = Command(connection, tx, $"UPDATE {table} SET to_seq = $s WHERE plan_id = $p AND {key} = $l AND to_seq IS NULL");
            close.Parameters.AddWithValue("$s", version.Sequence);
            close.Parameters.AddWithValue("$p", planId);
            close.Parameters.AddWithValue("$l", layer.Id);
            await close.ExecuteNonQueryAsync(ct);
        }

        await InsertLayersAsync(connection, tx, planId, version.Sequence, [layer], ct);

        // A layer may be a million rows: a larger page cache keeps the indexes' hot pages in memory for the length of
        // the import (bounded, ~128 MB), and is put back so the pooled connection does not keep it.
        await using (var cache = Command(connection, tx, "PRAGMA cache_size = -131072"))
        {
            await cache.ExecuteNonQueryAsync(ct);
        }

        try
        {
            var written = await InsertFeaturesAsync(connection, tx, planId, version, new HashSet<string>(StringComparer.Ordinal) { layer.Id }, features, progress, ct);
            report.CountStored(layer.Id, (int)written);
            await InsertReportAsync(connection, tx, report, ct);
        }
        finally
        {
            await using var reset = Command(connection, tx, "PRAGMA cache_size = -2000");
            await reset.ExecuteNonQueryAsync(CancellationToken.None);
        }

        return version;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        var c = connection.CreateCommand();
        c.Transaction = tx;
        c.CommandText = sql;
        return c;
    }

    public static async Task PublishAsync(SqliteConnection connection, SqliteTransaction tx, Plan plan, PlanVersion version,
        IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct)
    {
        SqliteCommand Command(string sql) => SqliteWriter.Command(connection, tx, sql);

        await using (var upsert = Command("INSERT INTO plan (id, title_zh, title_en, description) VALUES ($id, $zh, $en, $d) ON CONFLICT(id) DO UPDATE SET title_zh = $zh, title_en = $en, description = $d"))
        {
            upsert.Parameters.AddWithValue("$id", plan.Id);
            upsert.Parameters.AddWithValue("$zh", plan.TitleZh);
            upsert.Parameters.AddWithValue("$en", plan.TitleEn);
            upsert.Parameters.AddWithValue("$d", plan.Description);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await using (var check = Command("SELECT coalesce(max(seq), 0) FROM plan_version WHERE plan_id = $p"))
        {
            check.Parameters.AddWithValue("$p", plan.Id);
            var newest = Convert.ToInt32(await check.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            if (version.Sequence <= newest)
            {
                throw new StoreException($"plan {plan.Id} already has version {newest}; a new version must have a higher sequence than {version.Sequence}");
            }
        }

        await InsertVersionAsync(connection, tx, version, ct);

        // A publish replaces the plan's content: rows still open are closed at the new sequence.
        foreach (var table in new[] { "layer", "feature" })
        {
            await using var close = Command($"UPDATE {table} SET to_seq = $s WHERE plan_id = $p AND to_seq IS NULL");
            close.Parameters.AddWithValue("$s", version.Sequence);
            close.Parameters.AddWithValue("$p", plan.Id);
            await close.ExecuteNonQueryAsync(ct);
        }

        await InsertLayersAsync(connection, tx, plan.Id, version.Sequence, layers, ct);
        await InsertFeaturesAsync(connection, tx, plan.Id, version, layers.Select(l => l.Id).ToHashSet(StringComparer.Ordinal), ToAsync(features), null, ct);
        await InsertReportAsync(connection, tx, report, ct);
    }

    private static async IAsyncEnumerable<PlanFeature> ToAsync(IReadOnlyList<PlanFeature> features)
    {
        foreach (var f in features)
        {
            yield return f;
        }

        await Task.CompletedTask;
    }

    private static async Task InsertVersionAsync(SqliteConnection connection, SqliteTransaction tx, PlanVersion version, CancellationToken ct)
    {
        await using var insert = Command(connection, tx, "INSERT INTO plan_version (id, plan_id, seq, label, effective_from, published_at) VALUES ($id, $p, $s, $l, $e, $at)");
        insert.Parameters.AddWithValue("$id", version.Id);
        insert.Parameters.AddWithValue("$p", version.PlanId);
        insert.Parameters.AddWithValue("$s", version.Sequence);
        insert.Parameters.AddWithValue("$l", version.Label);
        insert.Parameters.AddWithValue("$e", FeatureRows.DateToText(version.EffectiveFrom));
        insert.Parameters.AddWithValue("$at", version.PublishedAt.ToString("O", CultureInfo.InvariantCulture));
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task InsertLayersAsync(SqliteConnection connection, SqliteTransaction tx, string planId, int seq, IReadOnlyList<PlanLayer> layers, CancellationToken ct)
    {
        await using (var insertLayer = Command(connection, tx, """
            INSERT INTO layer (plan_id, id, from_seq, kind, title_zh, title_en, description, geometry, ord, attributes)
            VALUES ($p, $id, $s, $k, $zh, $en, $d, $g, $o, $a)
            """))
        {
            foreach (var layer in layers)
            {
                insertLayer.Parameters.Clear();
                insertLayer.Parameters.AddWithValue("$p", planId);
                insertLayer.Parameters.AddWithValue("$id", layer.Id);
                insertLayer.Parameters.AddWithValue("$s", seq);
                insertLayer.Parameters.AddWithValue("$k", layer.Kind);
                insertLayer.Parameters.AddWithValue("$zh", layer.TitleZh);
                insertLayer.Parameters.AddWithValue("$en", layer.TitleEn);
                insertLayer.Parameters.AddWithValue("$d", layer.Description);
                insertLayer.Parameters.AddWithValue("$g", layer.Geometry.ToString());
                insertLayer.Parameters.AddWithValue("$o", layer.Order);
                insertLayer.Parameters.AddWithValue("$a", FeatureRows.AttributesToJson(layer.Attributes));
                await insertLayer.ExecuteNonQueryAsync(ct);
            }
        }

    }

    private static async Task<long> InsertFeaturesAsync(SqliteConnection connection, SqliteTransaction tx, string planId, PlanVersion version,
        HashSet<string> layerIds, IAsyncEnumerable<PlanFeature> features, IProgress<long>? progress, CancellationToken ct)
    {
        SqliteCommand Command(string sql) => SqliteWriter.Command(connection, tx, sql);
        long written = 0;
        var writer = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false);

        // Fids are assigned here rather than read back with RETURNING: the writer holds the only write transaction,
        // and a plain INSERT is markedly cheaper per row than a statement that returns one.
        long fid;
        await using (var maxFid = Command("SELECT coalesce(max(fid), 0) FROM feature"))
        {
            fid = Convert.ToInt64(await maxFid.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        await using var insertFeature = Command("""
            INSERT INTO feature (fid, plan_id, layer_id, feature_id, from_seq, valid_from, valid_to, certainty, source, basis, props, geom)
            VALUES ($fid, $p, $l, $f, $s, $vf, $vt, $c, $src, $b, $props, $g)
            """);
        var pFid = insertFeature.Parameters.Add("$fid", SqliteType.Integer);
        var pPlan = insertFeature.Parameters.Add("$p", SqliteType.Text);
        var pLayer = insertFeature.Parameters.Add("$l", SqliteType.Text);
        var pFeature = insertFeature.Parameters.Add("$f", SqliteType.Text);
        var pSeq = insertFeature.Parameters.Add("$s", SqliteType.Integer);
        var pValidFrom = insertFeature.Parameters.Add("$vf", SqliteType.Text);
        var pValidTo = insertFeature.Parameters.Add("$vt", SqliteType.Text);
        var pCertainty = insertFeature.Parameters.Add("$c", SqliteType.Text);
        var pSource = insertFeature.Parameters.Add("$src", SqliteType.Text);
        var pBasis = insertFeature.Parameters.Add("$b", SqliteType.Text);
        var pProps = insertFeature.Parameters.Add("$props", SqliteType.Text);
        var pGeom = insertFeature.Parameters.Add("$g", SqliteType.Blob);
        await using var insertBox = Command("INSERT INTO feature_rtree (id, minx, maxx, miny, maxy) VALUES ($id, $minx, $maxx, $miny, $maxy)");
        var bId = insertBox.Parameters.Add("$id", SqliteType.Integer);
        var bMinX = insertBox.Parameters.Add("$minx", SqliteType.Real);
        var bMaxX = insertBox.Parameters.Add("$maxx", SqliteType.Real);
        var bMinY = insertBox.Parameters.Add("$miny", SqliteType.Real);
        var bMaxY = insertBox.Parameters.Add("$maxy", SqliteType.Real);

        await foreach (var f in features.WithCancellation(ct))
        {
            if (!layerIds.Contains(f.LayerId))
            {
                throw new StoreException($"feature {f.Id} belongs to layer {f.LayerId}, which is not part of version {version.Id}");
            }

            pPlan.Value = planId;
            pLayer.Value = f.LayerId;
            pFeature.Value = f.Id;
            pSeq.Value = version.Sequence;
            pValidFrom.Value = (object?)FeatureRows.DateToText(f.ValidFrom) ?? DBNull.Value;
            pValidTo.Value = (object?)FeatureRows.DateToText(f.ValidTo) ?? DBNull.Value;
            pCertainty.Value = Provenance.ToText(f.Provenance.Certainty);
            pSource.Value = f.Provenance.Source;
            pBasis.Value = (object?)f.Provenance.Basis ?? DBNull.Value;
            pProps.Value = f.Properties.ToJsonString();
            pGeom.Value = f.Geometry is null ? DBNull.Value : writer.Write(f.Geometry);
            pFid.Value = ++fid;
            await insertFeature.ExecuteNonQueryAsync(ct);
            if (f.Geometry is { IsEmpty: false } g)
            {
                var e = g.EnvelopeInternal;
                bId.Value = fid;
                bMinX.Value = e.MinX;
                bMaxX.Value = e.MaxX;
                bMinY.Value = e.MinY;
                bMaxY.Value = e.MaxY;
                await insertBox.ExecuteNonQueryAsync(ct);
            }

            if (++written % 10_000 == 0)
            {
                progress?.Report(written);
            }
        }

        progress?.Report(written);
        return written;
    }

    private static async Task InsertReportAsync(SqliteConnection connection, SqliteTransaction tx, ImportReport report, CancellationToken ct)
    {
        await using var insertReport = Command(connection, tx, "INSERT INTO import_report (at, source, text) VALUES ($at, $s, $t)");
        insertReport.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        insertReport.Parameters.AddWithValue("$s", report.Source);
        insertReport.Parameters.AddWithValue("$t", report.ToText());
        await insertReport.ExecuteNonQueryAsync(ct);
    }
}
