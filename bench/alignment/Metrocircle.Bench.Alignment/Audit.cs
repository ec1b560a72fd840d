using Metrocircle.Core.Alignment;
using NetTopologySuite.Geometries;

namespace Metrocircle.Bench.Alignment;

/// <summary>The W1/W2 answer for one project, in the columns of the harness's <c>audit_w2</c>.</summary>
internal sealed record Answer(long Id, int[] CountyIds, bool HitsEco, double FarmlandM2, int FarmlandN, string Urban);

/// <summary>The four harness layers inside a snapshot.</summary>
internal sealed record AuditLayers(SnapshotLayer Counties, SnapshotLayer Eco, SnapshotLayer Farmland, SnapshotLayer Urban);

/// <summary>
/// Computes what <c>w1_check.sql</c> returns through the engine's own <see cref="CheckContext"/>: the same packed
/// R-tree candidates, clipping, prepared predicates and OverlayNG fallbacks that <see cref="AlignmentChecker"/> uses;
/// where the SQL only asks whether features intersect, the context's <c>Intersecting</c> answers without areas.
/// </summary>
internal static class Audit
{
    public static Answer Answer(PlanSnapshot snapshot, AuditLayers layers, long id, Footprint footprint)
    {
        var ctx = new CheckContext(snapshot, footprint);
        return snapshot.Settings.EdgeToleranceM == 0 ? Exact(ctx, layers, id) : WithTolerance(ctx, layers, id);
    }

    /// <summary>
    /// Edge tolerance 0, PostGIS's semantics, computing what w2_audit.sql computes and no more: which counties and
    /// whether the red line intersect the footprint (no overlap areas), Σ ST_Area(ST_Intersection) and the count of
    /// intersecting parcels, and whether an urban polygon intersects or covers it. An edge contact at tolerance 0 is an
    /// intersection of zero area, so parcels are hits plus edge contacts.
    /// </summary>
    private static Answer Exact(CheckContext ctx, AuditLayers layers, long id)
    {
        var (m2, n) = Farmland(ctx, layers.Farmland);
        return new Answer(id, Counties(ctx, layers.Counties), ctx.IntersectsAny(layers.Eco), m2, n, Urban(ctx, layers.Urban));
    }

    // The parts of the exact answer, one per layer, so that the breakdown times exactly what the audit runs.
    public static int[] Counties(CheckContext ctx, SnapshotLayer counties)
    {
        var intersecting = ctx.Intersecting(counties);
        var ids = new int[intersecting.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = int.Parse(intersecting[i].Id, System.Globalization.CultureInfo.InvariantCulture);
        }

        Array.Sort(ids);
        return ids;
    }

    public static (double M2, int N) Farmland(CheckContext ctx, SnapshotLayer farmland)
    {
        var hits = ctx.Hits(farmland);
        var m2 = 0.0;
        for (var i = 0; i < hits.Count; i++)
        {
            m2 += hits[i].AreaM2;
        }

        return (m2, hits.Count + ctx.EdgeContacts(farmland).Count);
    }

    public static string Urban(CheckContext ctx, SnapshotLayer urban)
    {
        var intersecting = ctx.Intersecting(urban);
        for (var i = 0; i < intersecting.Count; i++)
        {
            if (ctx.IsCoveredBy(intersecting[i]))
            {
                return "inside";
            }
        }

        return intersecting.Count == 0 ? "outside" : "partial";
    }

    /// <summary>
    /// The engine's own tolerance (1 m): overlaps narrower than it are edge contacts, which also hold near misses, so
    /// only hits count here; that comparison with PostGIS differs by design.
    /// </summary>
    private static Answer WithTolerance(CheckContext ctx, AuditLayers layers, long id)
    {
        var countyHits = ctx.Hits(layers.Counties);
        var counties = new int[countyHits.Count];
        for (var i = 0; i < countyHits.Count; i++)
        {
            counties[i] = int.Parse(countyHits[i].Feature.Id, System.Globalization.CultureInfo.InvariantCulture);
        }

        Array.Sort(counties);
        var hitsEco = ctx.Hits(layers.Eco).Count > 0;
        var farmland = ctx.Hits(layers.Farmland);
        var m2 = 0.0;
        for (var i = 0; i < farmland.Count; i++)
        {
            m2 += farmland[i].AreaM2;
        }

        var urbanHits = ctx.Hits(layers.Urban);
        var urban = urbanHits.Count == 0 ? "outside" : "partial";
        for (var i = 0; i < urbanHits.Count; i++)
        {
            if (ctx.IsCoveredBy(urbanHits[i].Feature))
            {
                urban = "inside";
                break;
            }
        }

        return new Answer(id, counties, hitsEco, m2, farmland.Count, urban);
    }

    /// <summary>A footprint straight from PostGIS's metric geometry: what the project row is to w1_check.sql.</summary>
    public static Footprint MetricFootprint(Geometry lonLat, Geometry metric, string category) =>
        new(lonLat, metric, category, null, [], "bench");
}
