using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Checks;

/// <summary>
/// A check as a self-contained HTML page a proponent can print or attach: the verdict, the places, the overlaps,
/// every rule with its basis, the approvals, and an SVG map drawn in the plan's equal-area projection.
/// </summary>
internal static class CheckReport
{
    private static readonly Dictionary<string, string> LayerColours = new(StringComparer.Ordinal)
    {
        ["control:ecological-redline"] = "#2e7d32",
        ["control:permanent-farmland"] = "#f9a825",
        ["control:urban-boundary"] = "#c62828",
    };

    public static string Render(JsonObject doc, PlanSnapshot? snapshot)
    {
        string S(JsonNode? n) => WebUtility.HtmlEncode(n?.ToString() ?? string.Empty);
        var verdict = doc["verdict"]?.ToString() ?? "?";
        var colour = verdict switch { Verdict.Aligned => "#2e7d32", Verdict.Conditional => "#ef6c00", _ => "#c62828" };
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Alignment check {{S(doc["id"])}}</title>
            <style>
            body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem auto;max-width:60rem;color:#222;line-height:1.45}
            h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;width:100%;font-size:.9rem} td,th{border-bottom:1px solid #eee;padding:.3rem .4rem;text-align:left;vertical-align:top}
            .badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;font-weight:600}
            .fail{color:#c62828;font-weight:600} .warn{color:#ef6c00;font-weight:600} .needs-approval{color:#1565c0;font-weight:600} .pass{color:#2e7d32}
            .meta{color:#666;font-size:.85rem} svg{border:1px solid #ddd;background:#fafafa}
            </style></head><body>
            <h1>Alignment check <code>{{S(doc["id"])}}</code></h1>
            <p><span class="badge" style="background:{{colour}}" id="verdict">{{S(verdict)}}</span>
             &nbsp;{{S(doc["categoryName"])}} · {{S(doc["areaHa"])}} ha</p>
            <p class="meta">Plan version {{S(doc["planVersion"])}} · rules {{S(doc["rulesVersion"])}} · checked {{S(doc["checkedAt"])}}<br>
            Input hash <code>{{S(doc["inputHash"])}}</code> — the same footprint, category, plan version and rules give the same verdict.</p>
            """);
        html.Append(Map(doc, snapshot));
        html.Append("<h2>Where it lies</h2><table><tr><th>Jurisdiction</th><th>Province</th><th>Area (ha)</th><th>Share</th></tr>");
        foreach (var j in doc["jurisdictions"]?.AsArray() ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{S(j!["name"])} {S(j["nameEn"])}</td><td>{S(j["detail"]?["province"])}</td><td>{S(j["areaHa"])}</td><td>{Pct(j["share"])}</td></tr>");
        }

        foreach (var c in doc["circles"]?.AsArray() ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{S(c!["name"])} {S(c["nameEn"])}</td><td>circle</td><td>{S(c["areaHa"])}</td><td>{Pct(c["share"])}</td></tr>");
        }

        html.Append("</table><h2>Overlaps</h2><table><tr><th>Layer</th><th>Features</th><th>Area (ha)</th><th>Share</th></tr>");
        foreach (var o in doc["overlaps"]?.AsArray() ?? [])
        {
            var ids = o!["featureIds"]!.AsArray().Select(x => x!.ToString()).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{S(o["title"])}</td><td>{ids.Count}: {WebUtility.HtmlEncode(string.Join(", ", ids.Take(12)))}{(ids.Count > 12 ? " …" : "")}</td><td>{S(o["areaHa"])}</td><td>{Pct(o["share"])}</td></tr>");
        }

        foreach (var e in doc["edgeContacts"]?.AsArray() ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td colspan=\"4\" class=\"meta\">{S(e!["note"])}</td></tr>");
        }

        html.Append("</table><h2>Rules</h2><table><tr><th>Rule</th><th>Outcome</th><th>Message and basis</th></tr>");
        foreach (var r in doc["rules"]?.AsArray() ?? [])
        {
            var outcome = r!["outcome"]?.ToString() ?? string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{S(r["id"])}<br>{S(r["title"])}</td><td class=\"{WebUtility.HtmlEncode(outcome)}\">{S(outcome)}</td><td>{S(r["message"])}<br><span class=\"meta\">{S(r["basis"])}</span></td></tr>");
        }

        html.Append("</table><h2>Approvals required</h2><ul>");
        var approvals = doc["approvals"]?.AsArray() ?? [];
        if (approvals.Count == 0)
        {
            html.Append("<li>None beyond the ordinary procedure.</li>");
        }

        foreach (var a in approvals)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{S(a!["authority"])} <span class=\"meta\">({WebUtility.HtmlEncode(string.Join(", ", a["ruleIds"]!.AsArray().Select(x => x!.ToString())))})</span></li>");
        }

        html.Append("</ul><p class=\"meta\">Control layers of the default dataset are synthetic (generated for illustration) and boundaries indicative; see each layer's provenance.</p></body></html>");
        return html.ToString();
    }

    private static string Pct(JsonNode? share) =>
        share is JsonValue v && v.TryGetValue<double>(out var d) ? (100 * d).ToString("0.#", CultureInfo.InvariantCulture) + "%" : string.Empty;

    /// <summary>The footprint in red over the features it overlaps, in the plan's equal-area projection.</summary>
    private static string Map(JsonObject doc, PlanSnapshot? snapshot)
    {
        if (doc["footprint"] is not JsonObject footprintJson || snapshot is null)
        {
            return string.Empty;
        }

        var footprint = snapshot.Projection.Project(GeoJsonGeometry.Read(JsonSerializer.Deserialize<JsonElement>(footprintJson.ToJsonString()))!);
        var env = footprint.EnvelopeInternal.Copy();
        env.ExpandBy(Math.Max(env.Width, env.Height) * 0.6 + 50);
        var shapes = new List<(Geometry Geometry, string Colour)>();
        if (doc["planVersion"]?.ToString() == snapshot.Version.Id)
        {
            foreach (var o in doc["overlaps"]?.AsArray() ?? [])
            {
                var layer = snapshot.Layers.FirstOrDefault(l => l.Layer.Id == o!["layer"]?.ToString());
                if (layer is null)
                {
                    continue;
                }

                var ids = o!["featureIds"]!.AsArray().Select(x => x!.ToString()).ToHashSet(StringComparer.Ordinal);
                var colour = LayerColours.GetValueOrDefault(layer.Layer.Kind, "#6a1b9a");
                shapes.AddRange(layer.Candidates(env).Where(f => ids.Contains(f.Id)).Select(f => (f.Metric, colour)));
            }
        }

        const double width = 640;
        var height = Math.Round(width * env.Height / env.Width);
        string Path(Geometry g)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < g.NumGeometries; i++)
            {
                if (g.GetGeometryN(i) is not Polygon p)
                {
                    continue;
                }

                foreach (var ring in new[] { p.ExteriorRing }.Concat(p.InteriorRings))
                {
                    var first = true;
                    foreach (var c in ring.Coordinates)
                    {
                        var x = (c.X - env.MinX) / env.Width * width;
                        var y = (env.MaxY - c.Y) / env.Height * height;
                        sb.Append(first ? 'M' : 'L').Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("0.#", CultureInfo.InvariantCulture));
                        first = false;
                    }

                    sb.Append('Z');
                }
            }

            return sb.ToString();
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        foreach (var (g, colour) in shapes)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{Path(g)}\" fill=\"{colour}\" fill-opacity=\"0.35\" stroke=\"{colour}\" stroke-width=\"1\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{Path(footprint)}\" fill=\"none\" stroke=\"#d50000\" stroke-width=\"2.5\"/>");
        var metres = Math.Pow(10, Math.Floor(Math.Log10(env.Width / 4)));
        var bar = metres / env.Width * width;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"10\" y1=\"{height - 12}\" x2=\"{10 + bar:0.#}\" y2=\"{height - 12}\" stroke=\"#333\" stroke-width=\"3\"/><text x=\"12\" y=\"{height - 18}\" font-size=\"11\">{(metres >= 1000 ? $"{metres / 1000:0.#} km" : $"{metres:0} m")}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
