using System.Data.Common;
using System.Globalization;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Metrocircle.Storage.Relational;

public abstract partial class RelationalStore
{
    /// <summary>
    /// A bbox page from the layer's in-memory box index, or null when there is none to use: for a query with validity
    /// dates (the index does not hold them), while the index is built (<see cref="BoxIndexes.BuildInline"/>: tests wait for
    /// it) and for a layer under the size that pays. Candidates come from memory in key order; only those on the box's
    /// edge have their geometry read, a run at a time, and tested exactly in process. With the indexes' edge cache an
    /// edge candidate's WKB is read from the database once and then kept (a row's geometry never changes), so a page
    /// whose edge rows are all held makes no round trip.
    /// </summary>
    private protected async Task<(List<long> Keys, bool More, long Counted)?> FromBoxIndexAsync(BoxIndexes indexes, DbConnection connection,
        FeatureQuery query, Envelope box, (string PlanId, int Seq) v, CancellationToken ct)
    {
        if (query.ValidFrom is not null || query.ValidTo is not null)
        {
            return null;
        }

        var (index, started) = indexes.Find(v, query.LayerId);
        if (index is null && started is not null && indexes.BuildInline)
        {
            await started;
            index = indexes.Find(v, query.LayerId).Index;
        }

        if (index is null)
        {
            return null;
        }

        var walk = new BoxWalk(query, PreparedGeometryFactory.Prepare(GeoJsonGeometry.Factory.ToGeometry(box)));
        await IndexedWalkAsync(connection, walk, index.Candidates(box), indexes.EdgeBlobs, ct);
        return walk.Result();
    }

    /// <summary>Whether the layer shows at least <paramref name="rows"/> rows at the version (counted no further): a box index is built only for those.</summary>
    private protected async Task<bool> LayerHasRowsAsync(DbConnection connection, FeatureQuery layer, (string PlanId, int Seq) v, int rows, CancellationToken ct)
    {
        await using var count = Command(connection, null, $"SELECT count(*) FROM (SELECT 1 FROM feature f WHERE {VisibleAt(layer)} LIMIT @cap) s", ("cap", (long)rows));
        Bind((name, value) => SqlDialect.Parameter(count, name, value), layer, v);
        return Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) >= rows;
    }

    /// <summary>
    /// Walks an index's candidates a run at a time, reading the blobs of a run's edge candidates (those not in
    /// <paramref name="edgeBlobs"/>) in one statement.
    /// </summary>
    private async Task IndexedWalkAsync(DbConnection connection, BoxWalk walk, List<(long Key, bool Inside)> candidates, RowBytesCache? edgeBlobs, CancellationToken ct)
    {
        const int Run = 1024;
        var held = edgeBlobs?.For(EdgeBlobShard);
        var blobs = new Dictionary<long, byte[]>();
        var missing = new List<long>();
        for (var start = 0; start < candidates.Count && !walk.Done; start += Run)
        {
            var run = candidates.GetRange(start, Math.Min(Run, candidates.Count - start));
            blobs.Clear();
            missing.Clear();
            foreach (var (key, inside) in run)
            {
                if (inside)
                {
                    continue;
                }

                if (held?.Get(key) is { } blob)
                {
                    blobs[key] = blob;
                }
                else
                {
                    missing.Add(key);
                }
            }

            if (missing.Count > 0)
            {
                await using var read = Command(connection, null,
                    $"SELECT f.fid, {WkbColumn} FROM feature f WHERE f.fid IN ({string.Join(',', missing.Select(k => k.ToString(CultureInfo.InvariantCulture)))}) AND f.geom IS NOT NULL");
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var (key, blob) = (reader.GetInt64(0), (byte[])reader.GetValue(1));
                    blobs[key] = blob;
                    held?.Set(key, blob);
                }
            }

            foreach (var (key, inside) in run)
            {
                if (!walk.Step(key, inside, inside ? null : blobs.GetValueOrDefault(key)))
                {
                    return;
                }
            }
        }
    }

    /// <summary>How many MiB of edge candidates' WKB a store keeps for its box index pages by default.</summary>
    public const int DefaultEdgeCacheMegabytes = 64;

    /// <summary>The shard of a <see cref="RowBytesCache"/> that holds rows' WKB as <see cref="WkbColumn"/> reads it.</summary>
    private const string EdgeBlobShard = "wkb";

}
