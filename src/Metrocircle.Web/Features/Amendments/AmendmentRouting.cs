using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>
/// Turns a change set into what the co-approval machinery routes by: the provinces its old and new geometries lie
/// in (area-weighted for areas), the protected layer kinds it changes or overlaps (which call in the coordination
/// office and, per province, the departments the amendment rules name), and the failing balance lines. The case it
/// opens is an ordinary case of category <see cref="AmendmentFile.CaseCategory"/>, decided by the same endpoints.
/// </summary>
public static class AmendmentRouting
{
    public static (Verdict Verdict, ApprovalRules Rules, JsonNode Footprint) Route(CheckedChangeSet set, PlanSnapshot snapshot, AmendmentRules amendmentRules,
        ApprovalRules approvalRules, bool balanceOk)
    {
        var geometries = set.Changes.Where(c => c.Feature?.Geometry is not null).Select(c => c.Feature!.Geometry!)
            .Concat(set.Replaced.Values.Where(f => f.Geometry is not null).Select(f => f.Geometry!)).ToList();
        var lonLat = GeoJsonGeometry.Factory.BuildGeometry(geometries);
        var metric = snapshot.Projection.Project(lonLat);
        var areal = metric.Dimension == Dimension.Surface;
        var total = areal ? Math.Max(metric.Area, 1e-9) : 0;

        // Provinces: from the finest jurisdiction layer, whose features carry their province.
        var shares = new Dictionary<string, (string Name, double M2, int Hits)>(StringComparer.Ordinal);
        if (snapshot.Jurisdictions is { } counties)
        {
            foreach (var g in Parts(metric))
            {
                foreach (var county in counties.Candidates(g.EnvelopeInternal))
                {
                    if (!county.Metric.Intersects(g))
                    {
                        continue;
                    }

                    var id = county.Text("provinceId") ?? county.Id;
                    var m2 = areal && g.Dimension == Dimension.Surface ? SafeArea(county.Metric, g) : 0;
                    var before = shares.GetValueOrDefault(id, (county.Text("province") ?? id, 0, 0));
                    shares[id] = (before.Name, before.M2 + m2, before.Hits + 1);
                }
            }
        }

        var provinces = shares.Where(s => !areal || s.Value.M2 > 0.5).Select(s => new ShareOfPlace("provinces", s.Key, s.Value.Name, null,
            Math.Round(s.Value.M2 / 1e4, 4), areal ? Math.Round(s.Value.M2 / total, 6) : Math.Round(1.0 / shares.Count, 6))).OrderByDescending(p => p.Share).ToList();

        // Protected kinds: a change in a layer of that kind, or a new or old geometry overlapping one of its features.
        var overlaps = new List<Overlap>();
        foreach (var layer in snapshot.Layers.Where(l => amendmentRules.CoordinationKinds.Contains(l.Layer.Kind, StringComparer.Ordinal)
            || amendmentRules.DepartmentByKind.ContainsKey(l.Layer.Kind)))
        {
            var ids = set.Changes.Where(c => c.LayerId == layer.Layer.Id).Select(c => c.FeatureId).ToHashSet(StringComparer.Ordinal);
            foreach (var g in Parts(metric))
            {
                foreach (var f in layer.Candidates(g.EnvelopeInternal))
                {
                    if (f.Metric.Intersects(g) && (!areal || SafeArea(f.Metric, g) > 1))
                    {
                        ids.Add(f.Id);
                    }
                }
            }

            if (ids.Count > 0)
            {
                overlaps.Add(new Overlap(layer.Layer.Id, layer.Layer.Kind, layer.Layer.TitleEn, [.. ids.Order(StringComparer.Ordinal)], 0, 0));
            }
        }

        // Each protected kind touched stands as a rule outcome the department routes below pick up.
        var rules = overlaps.Where(o => amendmentRules.DepartmentByKind.ContainsKey(o.Kind)).Select(o => new RuleResult($"amendment:{o.Kind}",
            $"Amendment changes {o.Title}", "amendment rules", "review", $"the amendment changes or overlaps {o.Title} ({o.FeatureIds.Count} features)", null)).ToList();
        var routed = approvalRules with
        {
            CoordinationWhenOverlapping = [.. approvalRules.CoordinationWhenOverlapping.Union(amendmentRules.CoordinationKinds, StringComparer.Ordinal)],
            DepartmentRoutes = [.. approvalRules.DepartmentRoutes, .. amendmentRules.DepartmentByKind.Select(d => new DepartmentRoute($"amendment:{d.Key}", d.Value))],
            Departments = amendmentRules.DepartmentByKind.Values.Where(d => !approvalRules.Departments.ContainsKey(d))
                .Aggregate(new Dictionary<string, string>(approvalRules.Departments, StringComparer.Ordinal), (acc, d) => { acc[d] = d; return acc; }),
        };

        var footprintJson = new JsonObject
        {
            ["type"] = "Feature",
            ["properties"] = new JsonObject { ["category"] = AmendmentFile.CaseCategory },
            ["geometry"] = JsonNode.Parse(GeometryText(lonLat)),
        };
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(set.Stored.ToJsonString())));
        var verdict = new Verdict(balanceOk ? Verdict.Aligned : Verdict.NotAligned, snapshot.Version.Id, snapshot.RulesVersion, hash, AmendmentFile.CaseCategory,
            "Plan amendment", Math.Round(total / 1e4, 4), [], provinces, [], overlaps, [], rules, []);
        return (verdict, routed, footprintJson);
    }

    private static IEnumerable<Geometry> Parts(Geometry g)
    {
        for (var i = 0; i < g.NumGeometries; i++)
        {
            yield return g.GetGeometryN(i);
        }
    }

    private static double SafeArea(Geometry a, Geometry b)
    {
        try
        {
            return a.Intersection(b).Area;
        }
        catch (TopologyException)
        {
            return NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Overlay(a, b, NetTopologySuite.Operation.Overlay.SpatialFunction.Intersection).Area;
        }
    }

    private static string GeometryText(Geometry g)
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(w, g);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static string Ha(double m2) => (m2 / 1e4).ToString("0.##", CultureInfo.InvariantCulture);
}
