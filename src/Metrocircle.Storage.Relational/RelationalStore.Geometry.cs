using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The geometry-only stream: a feature's id and WKB, and nothing else. Rows come in the order of the layer index
/// (version that added them, then row key), which both engines give without sorting: ordering by row key alone made
/// SQLite sort a million-row layer in a temporary B-tree before the first row.
/// </summary>
public abstract partial class RelationalStore
{
    /// <summary>The expression over <c>feature f</c> that gives its geometry as OGC WKB (NULL when it has none).</summary>
    protected abstract string WkbColumn { get; }

    /// <summary>The statement of the geometry-only stream of a layer at a version (parameters bound by <see cref="Bind"/>).</summary>
    protected string GeometryStreamSql(FeatureQuery q) => $"SELECT f.feature_id, {WkbColumn} FROM feature f WHERE {VisibleAt(q)} ORDER BY f.from_seq, f.fid";

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
}
