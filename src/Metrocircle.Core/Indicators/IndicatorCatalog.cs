using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Indicators;

/// <summary>How a computed indicator is obtained from the plan's layers.</summary>
public sealed record ComputedSpec(string Method, string LayerKind, string ScopeLayer);

/// <summary>The indicator catalogue of a plan version, read from its <c>indicators</c> record layer.</summary>
public static class IndicatorCatalog
{
    public const string LayerId = "indicators";

    public static IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> Read(IEnumerable<PlanFeature> records)
    {
        var result = new List<(Indicator, ComputedSpec?)>();
        foreach (var f in records.Where(r => r.LayerId == LayerId))
        {
            var p = f.Properties;
            string Text(string name) => p[name]?.GetValue<string>() ?? throw new FormatException($"indicator {f.Id}: \"{name}\" is missing");
            var direction = Text("direction") switch
            {
                "cap" => Direction.Cap,
                "floor" => Direction.Floor,
                "target" => Direction.Target,
                var other => throw new FormatException($"indicator {f.Id}: direction \"{other}\" is not cap, floor or target"),
            };
            var targets = (p["targets"] as JsonArray ?? []).Select(t => new IndicatorTarget(
                t!["scope"]!.GetValue<string>(),
                t["year"]!.GetValue<int>(),
                t["value"]!.GetValue<double>(),
                t["source"]?.GetValue<string>() ?? f.Provenance.Source,
                Provenance.TryParse(t["certainty"]?.GetValue<string>(), out var c) ? c : f.Provenance.Certainty,
                t["note"]?.GetValue<string>(),
                t["within"]?.GetValue<string>(),
                t["scopeNameEn"]?.GetValue<string>(),
                t["scopeNameZh"]?.GetValue<string>())).ToList();
            ComputedSpec? computed = p["computed"] is JsonObject spec
                ? new ComputedSpec(spec["method"]!.GetValue<string>(), spec["layerKind"]!.GetValue<string>(), spec["scopeLayer"]!.GetValue<string>())
                : null;
            double? Number(string name) => p[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
            result.Add((new Indicator(f.Id, Text("nameZh"), Text("nameEn"), Text("unit"), direction, Text("scopeLevel"), targets, Number("minimum"), Number("maximum"),
                p["role"] is JsonValue role && role.TryGetValue<string>(out var roleId) ? roleId : null), computed));
        }

        return result;
    }

    /// <summary>
    /// Values of a computed indicator for every feature of its scope layer: the area (km²) of the layer kind inside
    /// each scope feature, or its share (%) of the scope feature's area.
    /// </summary>
    public static IReadOnlyList<(string Scope, double Value)> Compute(PlanSnapshot snapshot, ComputedSpec spec)
    {
        var scopes = snapshot.Layers.FirstOrDefault(l => l.Layer.Id == spec.ScopeLayer)
            ?? throw new FormatException($"computed indicator: scope layer \"{spec.ScopeLayer}\" is not a polygon layer of version {snapshot.Version.Id}");
        var result = new List<(string, double)>();
        foreach (var scope in scopes.Features)
        {
            // Only the metric geometry matters to the overlap computation; the scope is not a project.
            var footprint = new Footprint(scope.Metric, scope.Metric, "-", null, [], "-");
            var ctx = new CheckContext(snapshot, footprint);
            var covered = ctx.CoveredM2(ctx.HitsOfKind(spec.LayerKind));
            result.Add((scope.Id, spec.Method switch
            {
                "area" => Math.Round(covered / 1e6, 3),
                "area-share" => scope.Area > 0 ? Math.Round(100 * covered / scope.Area, 3) : 0,
                _ => throw new FormatException($"computed indicator: method \"{spec.Method}\" is not area or area-share"),
            }));
        }

        return result;
    }
}
