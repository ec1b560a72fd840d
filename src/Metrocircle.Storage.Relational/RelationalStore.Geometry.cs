using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>The geometry-only stream: a feature's id and WKB, and nothing else, in the feature stream's order.</summary>
public abstract partial class RelationalStore
{
    /// <summary>
    /// The order of both whole-layer streams: the layer index's (version that added a row, then row key), which both
    /// engines give without sorting; ordering by row key alone made SQLite sort the whole layer in a temporary B-tree
    /// on disk before the first row (3 GB of writes for ten million parcels). It is the row-key order too, since a
    /// plan's later version always gets larger keys (its writer holds the plan's lock, and keys only grow).
    /// </summary>
    protected const string LayerStreamOrder = "f.from_seq, f.fid";

    /// <summary>The expression over <c>feature f</c> that gives its geometry as OGC WKB (NULL when it has none).</summary>
    protected abstract string WkbColumn { get; }

    /// <summary>The statement of the geometry-only stream of a layer at a version (parameters bound by <see cref="Bind"/>).</summary>
    protected string GeometryStreamSql(FeatureQuery q) => $"SELECT f.feature_id, {WkbColumn} FROM feature f WHERE {VisibleAt(q)} ORDER BY {LayerStreamOrder}";

    /// <summary>The geometry stream's statement without the ids: the WKB column alone.</summary>
    protected string GeometryBatchSql(FeatureQuery q) => $"SELECT {WkbColumn} FROM feature f WHERE {VisibleAt(q)} ORDER BY {LayerStreamOrder}";

    public virtual IAsyncEnumerable<FeatureWkb> StreamGeometriesAsync(string versionId, string layerId, CancellationToken ct) =>
        StreamAsync($"geometries of {layerId} at {versionId}", async connection =>
        {
            if (await ResolveAsync(connection, versionId, ct) is not { } v)
            {
                return null;
            }

            var q = new FeatureQuery(versionId, layerId);
            var command = Command(connection, null, GeometryStreamSql(q));
            Bind((name, value) => SqlDialect.Parameter(command, name, value), q, v);
            return await command.ExecuteReaderAsync(ct);
        }, reader => new FeatureWkb(reader.GetString(0), reader.GetValue(1) as byte[]), ct);

    /// <summary>The geometry stream gathered into batches (an engine may read its rows straight into them instead).</summary>
    public virtual IAsyncEnumerable<WkbBatch> StreamGeometryBatchesAsync(string versionId, string layerId, int batchSize, CancellationToken ct) =>
        WkbBatch.PackAsync(StreamGeometriesAsync(versionId, layerId, ct), f => f.Wkb, batchSize, ct);
}
