using Metrocircle.Core.Alignment;
using NetTopologySuite.Geometries;

namespace Metrocircle.Bench.Alignment;

/// <summary>The W1/W2 answer for one project, in the columns of the harness's <c>audit_w2</c>.</summary>
internal sealed record Answer(long Id, int[] CountyIds, bool HitsEco, double FarmlandM2, int FarmlandN, string Urban);

/// <summary>The four harness layers inside a snapshot.</summary>
internal sealed record AuditLayers(SnapshotLayer Counties, SnapshotLayer Eco, SnapshotLayer Farmland, SnapshotLayer Urban);

/// <summary>
/// Computes what <c>w1_check.sql</c> returns through the engine's own <see cref="CheckContext"/>: the same STR-tree
/// candidates, prepared predicates and OverlayNG intersections that <see cref="AlignmentChecker"/> uses.
/// </summary>
internal static class Audit
{
    public static Answer Answer(PlanSnapshot snapshot, AuditLayers layers, long id, Footprint footprint)
    {
        var ctx = new CheckContext(snapshot, footprint);

        // With tolerance 0 an "edge contact" is an intersection of zero area: ST_Intersects counts it, the engine
        // lists it apart. With the engine's 1 m tolerance the edge list also holds near misses, so it is left out.
        var exact = snapshot.Settings.EdgeToleranceM == 0;
        var countyHits = ctx.Hits(layers.Counties);
        var countyEdges = exact ? ctx.EdgeContacts(layers.Counties) : [];
        var counties = new int[countyHits.Count + countyEdges.Count];
        for (var i = 0; i < countyHits.Count; i++)
        {
            counties[i] = int.Parse(countyHits[i].Feature.Id, System.Globalization.CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < countyEdges.Count; i++)
        {
            counties[countyHits.Count + i] = int.Parse(countyEdges[i].Id, System.Globalization.CultureInfo.InvariantCulture);
        }

        Array.Sort(counties);

        var hitsEco = ctx.Hits(layers.Eco).Count > 0 || (exact && ctx.EdgeContacts(layers.Eco).Count > 0);

        var farmland = ctx.Hits(layers.Farmland);
        var m2 = 0.0;
        for (var i = 0; i < farmland.Count; i++)
        {
            m2 += farmland[i].AreaM2;
        }

        var n = farmland.Count + (exact ? ctx.EdgeContacts(layers.Farmland).Count : 0);

        var urbanHits = ctx.Hits(layers.Urban);
        var urban = "outside";
        if (urbanHits.Count > 0 || (exact && ctx.EdgeContacts(layers.Urban).Count > 0))
        {
            urban = "partial";
            var metric = footprint.Metric;
            for (var i = 0; i < urbanHits.Count; i++)
            {
                var f = urbanHits[i].Feature;
                if (f.Prepared?.Covers(metric) ?? f.Metric.Covers(metric))
                {
                    urban = "inside";
                    break;
                }
            }
        }

        return new Answer(id, counties, hitsEco, m2, n, urban);
    }

    /// <summary>A footprint straight from PostGIS's metric geometry: what the project row is to w1_check.sql.</summary>
    public static Footprint MetricFootprint(Geometry lonLat, Geometry metric, string category) =>
        new(lonLat, metric, category, null, [], "bench");
}
