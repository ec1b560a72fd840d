using System.Data.Common;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// Feature reads that are the same SQL on both engines. What differs is the engine's: the select list and how a row
/// becomes a feature (WKB or PostGIS geometry), the bbox page, and where a layer's extent comes from.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>The select list over <c>feature f</c> that <see cref="FeatureRow"/> reads.</summary>
    protected abstract string FeatureColumns { get; }

    /// <summary>A row reader for one read (it may keep state, such as a WKB reader, for the length of the read).</summary>
    protected abstract Func<DbDataReader, PlanFeature> FeatureRow();

    /// <summary>A query of (layer id, certainty, count, minx, maxx, miny, maxy) per layer and certainty over the rows that <paramref name="visibleAt"/> selects.</summary>
    protected abstract string LayerStatsQuery(string visibleAt);

    /// <summary>The extent of a stats row from <paramref name="ordinal"/> on (minx, maxx, miny, maxy), as the engine reports it.</summary>
    protected abstract Envelope ReadExtent(DbDataReader reader, int ordinal);

    public abstract Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct);

    /// <summary>
    /// A page from its rows (read with their row key), whether more match after them, and a count that stopped at
    /// <paramref name="cap"/> + 1: above the cap the total is not known, and not claimed.
    /// </summary>
    protected static FeaturePage Page(IReadOnlyList<(long Fid, PlanFeature Feature)> rows, bool more, long counted, int cap) =>
        new([.. rows.Select(r => r.Feature)], counted > cap ? null : counted, more && rows.Count > 0 ? rows[^1].Fid : null);

    public Task<PlanFeature?> GetFeatureAsync(string versionId, string layerId, string featureId, CancellationToken ct) =>
        ReadAsync($"feature {featureId} of {layerId} at {versionId}", async connection =>
        {
            if (await ResolveAsync(connection, versionId, ct) is not { } v)
            {
                return null;
            }

            var q = new FeatureQuery(versionId, layerId);
            await using var command = Command(connection, null, $"SELECT {FeatureColumns} FROM feature f WHERE {VisibleAt(q)} AND f.feature_id = @fid ORDER BY f.fid LIMIT 1",
                ("fid", featureId));
            Bind((name, value) => SqlDialect.Parameter(command, name, value), q, v);
            return (await ListAsync(command, FeatureRow(), ct)).FirstOrDefault();
        }, ct);

    public Task<LayerStats> GetLayerStatsAsync(string versionId, string layerId, CancellationToken ct) => ReadAsync($"statistics of {layerId} at {versionId}", async connection =>
        await ResolveAsync(connection, versionId, ct) is { } v && (await StatsAsync(connection, v, layerId, ct)).TryGetValue(layerId, out var stats) ? stats : LayerStats.None, ct);

    public Task<IReadOnlyDictionary<string, LayerStats>> GetLayerStatsAsync(PlanVersion version, CancellationToken ct) =>
        ReadAsync($"layer statistics of {version.Id}", async connection => (IReadOnlyDictionary<string, LayerStats>)await StatsAsync(connection, (version.PlanId, version.Sequence), null, ct), ct);

    /// <summary>Count, extent and certainty mix per layer visible at a version (of one layer, or of all when <paramref name="layerId"/> is null).</summary>
    private async Task<Dictionary<string, LayerStats>> StatsAsync(DbConnection connection, (string PlanId, int Seq) v, string? layerId, CancellationToken ct)
    {
        await using var command = Command(connection, null, LayerStatsQuery(VisibleAtVersion + (layerId is null ? "" : " AND f.layer_id = @l")), ("p", v.PlanId), ("s", v.Seq));
        if (layerId is not null)
        {
            SqlDialect.Parameter(command, "l", layerId);
        }

        var rows = await ListAsync(command, r => (Layer: r.GetString(0), Certainty: r.GetString(1), Count: r.GetInt64(2), Box: r.IsDBNull(3) ? null : ReadExtent(r, 3)), ct);
        var result = new Dictionary<string, LayerStats>(StringComparer.Ordinal);
        foreach (var layer in rows.GroupBy(row => row.Layer, StringComparer.Ordinal))
        {
            var byCertainty = new Dictionary<Certainty, long>();
            Envelope? extent = null;
            foreach (var row in layer)
            {
                Provenance.TryParse(row.Certainty, out var kind);
                byCertainty[kind] = row.Count;
                if (row.Box is not null)
                {
                    extent ??= new Envelope();
                    extent.ExpandToInclude(row.Box);
                }
            }

            result[layer.Key] = new LayerStats(byCertainty.Values.Sum(), extent, byCertainty);
        }

        return result;
    }

    public IAsyncEnumerable<PlanFeature> StreamFeaturesAsync(string versionId, string layerId, CancellationToken ct) =>
        StreamAsync($"features of {layerId} at {versionId}", async connection =>
        {
            if (await ResolveAsync(connection, versionId, ct) is not { } v)
            {
                return null;
            }

            var q = new FeatureQuery(versionId, layerId);
            var command = Command(connection, null, $"SELECT {FeatureColumns} FROM feature f WHERE {VisibleAt(q)} ORDER BY {LayerStreamOrder}");
            Bind((name, value) => SqlDialect.Parameter(command, name, value), q, v);
            return await command.ExecuteReaderAsync(ct);
        }, FeatureRow(), ct);

    /// <summary>Rows one at a time on a connection of their own; engine errors are translated around each step, as C# allows no yield inside a catch.</summary>
    protected async IAsyncEnumerable<T> StreamAsync<T>(string what, Func<DbConnection, Task<DbDataReader?>> query, Func<DbDataReader, T> row,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        DbDataReader? reader;
        try
        {
            reader = await query(connection);
        }
        catch (DbException e)
        {
            throw ReadFailed(what, e);
        }

        if (reader is null)
        {
            yield break;
        }

        await using (reader)
        {
            while (true)
            {
                try
                {
                    if (!await reader.ReadAsync(ct))
                    {
                        yield break;
                    }
                }
                catch (DbException e)
                {
                    throw ReadFailed(what, e);
                }

                yield return row(reader);
            }
        }
    }
}
