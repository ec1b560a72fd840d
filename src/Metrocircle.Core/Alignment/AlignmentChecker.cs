using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// Checks a footprint against every layer and rule of a plan snapshot. Pure and in-process: no I/O, so it runs in
/// microseconds and in parallel for batch audits.
/// </summary>
public static class AlignmentChecker
{
    public static Verdict Check(PlanSnapshot snapshot, Footprint footprint)
    {
        var ctx = new CheckContext(snapshot, footprint);
        var area = ctx.AreaM2;
        double Share(double m2) => area > 0 ? Math.Round(m2 / area, 6) : 0;

        var jurisdictions = new List<ShareOfPlace>();
        var provinces = new List<ShareOfPlace>();
        if (snapshot.Jurisdictions is { } counties)
        {
            var hits = ctx.Hits(counties);
            jurisdictions.AddRange(hits.Select(h => new ShareOfPlace(counties.Layer.Id, h.Feature.Id, h.Feature.Text("name") ?? h.Feature.Id,
                h.Feature.Text("nameEn"), Math.Round(h.AreaM2 / 1e4, 4), Share(h.AreaM2), new JsonObject
                {
                    ["province"] = h.Feature.Text("province"),
                    ["provinceId"] = h.Feature.Text("provinceId"),
                    ["city"] = h.Feature.Text("city"),
                    ["cityId"] = h.Feature.Text("cityId"),
                    ["code"] = h.Feature.Text("code"),
                })).OrderByDescending(j => j.Share));
            provinces.AddRange(hits.GroupBy(h => h.Feature.Text("provinceId") ?? "?", StringComparer.Ordinal).Select(g =>
            {
                var m2 = g.Sum(h => h.AreaM2);
                return new ShareOfPlace("provinces", g.Key, g.First().Feature.Text("province") ?? g.Key, null, Math.Round(m2 / 1e4, 4), Share(m2));
            }).OrderByDescending(p => p.Share));
        }

        var circles = snapshot.OfKind(LayerKinds.Circle).SelectMany(l => ctx.Hits(l).Select(h => new ShareOfPlace(l.Layer.Id, h.Feature.Id,
            h.Feature.Text("nameZh") ?? h.Feature.Id, h.Feature.Text("nameEn"), Math.Round(h.AreaM2 / 1e4, 4), Share(h.AreaM2),
            new JsonObject { ["kind"] = h.Feature.Text("kind") }))).ToList();

        var overlaps = new List<Overlap>();
        var edges = new List<EdgeContact>();
        foreach (var layer in snapshot.Layers)
        {
            var isPlace = layer == snapshot.Jurisdictions || CheckContext.IsKind(layer.Layer, LayerKinds.Circle) || CheckContext.IsKind(layer.Layer, LayerKinds.Jurisdiction);
            var hits = ctx.Hits(layer);
            if (!isPlace && hits.Count > 0)
            {
                var m2 = ctx.CoveredM2(hits);
                overlaps.Add(new Overlap(layer.Layer.Id, layer.Layer.Kind, layer.Layer.TitleEn, hits.Select(h => h.Feature.Id).ToList(), Math.Round(m2 / 1e4, 4), Share(m2)));
            }

            var touching = ctx.EdgeContacts(layer);
            if (touching.Count > 0)
            {
                edges.Add(new EdgeContact(layer.Layer.Id, touching.Select(f => f.Id).ToList(), snapshot.Settings.EdgeToleranceM,
                    $"Touches {touching.Count} feature(s) of {layer.Layer.TitleEn} only along the edge (overlap narrower than {snapshot.Settings.EdgeToleranceM} m); not counted as an overlap."));
            }
        }

        var results = new List<RuleResult>();
        var approvals = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var provinceNames = provinces.Select(p => p.Name).ToList();
        foreach (var rule in snapshot.Rules)
        {
            var evidence = new JsonObject();
            var fired = RuleConditions.Evaluate(rule.When, ctx, evidence);
            evidence["provinces"] ??= string.Join(", ", provinceNames);
            if (!fired)
            {
                results.Add(new RuleResult(rule.Id, rule.Title, rule.Basis, AlignmentRule.OutcomeText(RuleOutcome.Pass), "Does not apply: its condition is not met.", null));
                continue;
            }

            if (rule.ApprovalLevel is { } level)
            {
                evidence["approvalLevel"] = level;
            }

            results.Add(new RuleResult(rule.Id, rule.Title, rule.Basis, AlignmentRule.OutcomeText(rule.Outcome), RuleConditions.Fill(rule.Message, evidence), evidence));
            if (rule.Outcome == RuleOutcome.Approval && rule.Authority is { } authority)
            {
                var names = authority.Contains("{province}", StringComparison.Ordinal) ? provinceNames.Select(p => authority.Replace("{province}", p, StringComparison.Ordinal)) : [authority];
                foreach (var name in names)
                {
                    (approvals.TryGetValue(name, out var ids) ? ids : approvals[name] = []).Add(rule.Id);
                }
            }
        }

        var verdict = results.Any(r => r.Outcome == "fail") ? Verdict.NotAligned
            : results.Any(r => r.Outcome is "warn" or "needs-approval") ? Verdict.Conditional
            : Verdict.Aligned;
        var category = snapshot.Categories[footprint.Category];
        return new Verdict(verdict, snapshot.Version.Id, snapshot.RulesVersion, footprint.InputHash, category.Id, $"{category.NameZh} {category.NameEn}",
            Math.Round(area / 1e4, 4), jurisdictions, provinces, circles, overlaps, edges, results,
            approvals.Select(kv => new Approval(kv.Key, kv.Value)).ToList());
    }
}
