using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// The order in which a batch of checks (an audit of every project) should visit its footprints: spatial
/// (Sort-Tile-Recursive over their envelopes), so that consecutive checks query neighbouring parts of the layers'
/// trees and parcel rings, which are still in cache, instead of a million-parcel layer at random.
/// </summary>
public static class BatchOrder
{
    /// <summary>Indices into <paramref name="geometries"/> in spatial order.</summary>
    public static int[] Spatial(IReadOnlyList<Geometry> geometries)
    {
        var bounds = new double[4 * geometries.Count];
        for (var i = 0; i < geometries.Count; i++)
        {
            var e = geometries[i].EnvelopeInternal;
            (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]) = e.IsNull ? (0, 0, 0, 0) : (e.MinX, e.MinY, e.MaxX, e.MaxY);
        }

        return PackedRTree.StrOrder(bounds, geometries.Count);
    }
}
