using System.Globalization;
using System.Net;
using System.Text;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Collaboration;
using Metrocircle.Web.Features.Ledger;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>
/// The annual health check (体检评估) of a year as one self-contained HTML page: the progress of each strategic role,
/// indicators against their targets with charts grouped by role, maps of the computed indicators by county, the warnings, what changed since the year before, and the
/// collaboration tasks with their status and overdue milestones. The page
/// needs no network, so headless Chromium prints it to PDF as it is. Evaluations use the observations of the year and
/// earlier only, so a past year's report reads as it would have then.
/// </summary>
public static class HealthCheckReport
{
    private static readonly string[] Palette = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];

    /// <param name="time">The clock that says whether <paramref name="year"/> is over (tasks are judged on its last day or today); the system clock when null.</param>
    /// <param name="conflicts">The conflict patches of <paramref name="version"/> with their statuses (the server takes them from its cache; the CLI computes them).</param>
    public static async Task<string> RenderAsync(IPlanStore store, IObservationStore observations, ICollaborationStore collaboration, PlanVersion version, PlanSnapshot snapshot, int year,
        Conflicts.ConflictHealthInput conflicts, CancellationToken ct, TimeProvider? time = null, LedgerHealthInput? ledger = null)
    {
        var catalogue = await PlanIndicators.LoadAsync(store, version, ct, withScopes: false);
        var all = await observations.GetObservationsAsync(null, ct);
        var tasks = await PlanTasks.LoadAsync(store, version, ct);
        var progress = await collaboration.GetProgressAsync(null, ct);
        var roles = await StrategicRoles.LoadAsync(store, version, ct);
        var today = DateOnly.FromDateTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        var mismatch = await Mismatch.MismatchHealthSection.GatherAsync(store, observations, version, snapshot, year, ct);
        return Render(catalogue, all, snapshot, year, new TaskHealthInput(tasks, progress, TaskHealthInput.AsOfFor(year, today)), roles,
            conflicts, ledger, mismatch);
    }

    public static string Render(PlanIndicators catalogue, IReadOnlyList<Observation> observations, PlanSnapshot snapshot, int year, TaskHealthInput? tasks = null, StrategicRoles? roles = null,
        Conflicts.ConflictHealthInput? conflicts = null, LedgerHealthInput? ledger = null, Core.Mismatch.MismatchReport? mismatch = null)
    {
        var known = observations.Where(o => o.Year <= year).ToList();
        var observed = catalogue.Items.Where(i => i.Computed is null).Select(i => i.Indicator).ToList();
        var now = IndicatorEvaluations.EvaluateAll(observed, known);
        var taskEvaluations = tasks is null ? [] : TaskEvaluator.EvaluateAll(tasks.Tasks.Tasks, tasks.Progress, tasks.AsOf);
        var progress = RoleProgress.Summarise(roles ?? new StrategicRoles([], new Dictionary<string, string>()), catalogue.Items.Select(i => i.Indicator), now, taskEvaluations);
        var before = IndicatorEvaluations.EvaluateAll(observed, known.Where(o => o.Year <= year - 1).ToList());
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Health check {{year}} · 体检评估</title>
            <style>
            @page{size:A4;margin:14mm}
            body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5rem auto;max-width:60rem;color:#222;line-height:1.4;font-size:14px}
            h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:2px solid #1565c0;padding-bottom:.15rem}
            h3{font-size:1rem;margin:1.1rem 0 .3rem} table{border-collapse:collapse;width:100%;font-size:.85rem}
            td,th{border-bottom:1px solid #e5e5e5;padding:.25rem .4rem;text-align:left;vertical-align:top}
            .status{display:inline-block;padding:.05rem .5rem;border-radius:.8rem;color:#fff;font-weight:600;font-size:.8rem;white-space:nowrap}
            .on-track{background:#2e7d32} .at-risk{background:#ef6c00} .off-track{background:#c62828} .insufficient{background:#757575} .done{background:#1565c0}
            .meta{color:#666;font-size:.8rem} .summary span{margin-right:1.2rem} svg{background:#fff} .indicator{break-inside:avoid}
            .map{break-inside:avoid}
            </style></head><body>
            <h1>Annual health check {{year}} <span class="meta">体检评估</span></h1>
            <p class="meta">Plan version {{E(catalogue.Version.Id)}} ({{E(catalogue.Version.Label)}}) · evaluated with the observations of {{year}} and earlier ·
            a least-squares line through each series, projected to each milestone.</p>
            """);
        Summary(html, now);
        Roles(html, progress);
        html.Append("<h2>Indicators against targets</h2>");
        foreach (var role in progress)
        {
            var own = observed.Where(i => role.Indicators.Contains(i.Id, StringComparer.Ordinal)).ToList();
            if (own.Count == 0)
            {
                continue;
            }

            // With one group only (a plan without roles) the heading would say nothing.
            if (progress.Count > 1)
            {
                html.Append(CultureInfo.InvariantCulture, $"<h3 class=\"role\" id=\"role-{E(role.Role.Id)}\">{E(role.Role.NameZh)} · {E(role.Role.NameEn)}</h3>");
            }

            foreach (var indicator in own)
            {
                Indicator(html, indicator, known, now.Where(e => e.IndicatorId == indicator.Id).ToList(), year);
            }
        }

        html.Append("<h2>Computed indicators</h2><p class=\"meta\">Computed from the layers of the plan version in force; no source gives targets for them.</p>");
        foreach (var (indicator, spec) in catalogue.Items.Where(i => i.Computed is not null))
        {
            Computed(html, indicator, spec!, snapshot);
        }

        Warnings(html, now, year);
        Changes(html, observations.Where(o => o.Year == year).ToList(), before, now, year);
        TaskHealthSection.Render(html, tasks, roles);
        Conflicts.ConflictHealthSection.Render(html, conflicts);
        LedgerHealthSection.Render(html, ledger);
        Mismatch.MismatchHealthSection.Render(html, mismatch);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string N(double v) => v.ToString(Math.Abs(v) >= 1000 ? "#,0" : "0.##", CultureInfo.InvariantCulture);

    private static string Badge(TrajectoryStatus s) => $"<span class=\"status {IndicatorEvaluations.Name(s)}\">{IndicatorEvaluations.Name(s)}</span>";

    private static void Summary(StringBuilder html, IReadOnlyList<Evaluation> now)
    {
        html.Append("<p class=\"summary\">");
        foreach (var s in new[] { TrajectoryStatus.OnTrack, TrajectoryStatus.AtRisk, TrajectoryStatus.OffTrack, TrajectoryStatus.Insufficient })
        {
            html.Append(CultureInfo.InvariantCulture, $"<span>{Badge(s)} {now.Count(e => e.Status == s)}</span>");
        }

        html.Append("</p>");
    }

    /// <summary>The strategic roles with their indicators' worst status and their tasks' state: the page's first answer to "how is each role doing".</summary>
    private static void Roles(StringBuilder html, IReadOnlyList<RoleProgress> progress)
    {
        if (progress.Count == 0 || (progress.Count == 1 && progress[0].Role == RoleProgress.Unassigned))
        {
            return;
        }

        html.Append("""
            <h2 id="roles">Strategic roles</h2>
            <p class="meta">Each indicator counts once, by the worst status of its milestones; tasks by their state on the day the tasks section gives.</p>
            <table id="role-progress"><tr><th>Role</th><th>Indicators</th><th>On track</th><th>At risk</th><th>Off track</th><th>Too few observations</th><th>No target</th><th>Tasks</th><th>Done</th><th>Overdue</th><th>On track</th></tr>
            """);
        foreach (var r in progress)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-role="{E(r.Role.Id)}"><td>{E(r.Role.NameZh)}<br><span class="meta">{E(r.Role.NameEn)}</span></td><td>{r.Indicators.Count}</td>
                <td>{r.OnTrack}</td><td>{r.AtRisk}</td><td>{r.OffTrack}</td><td>{r.Insufficient}</td><td>{r.WithoutTarget}</td>
                <td>{r.Tasks.Count}</td><td>{r.TasksDone}</td><td>{r.TasksOverdue}</td><td>{r.TasksOnTrack}</td></tr>
                """);
        }

        html.Append("</table>");
    }

    private static void Indicator(StringBuilder html, Indicator indicator, IReadOnlyList<Observation> known, IReadOnlyList<Evaluation> evaluations, int year)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"indicator\" id=\"{E(indicator.Id)}\"><h3>{E(indicator.NameZh)} · {E(indicator.NameEn)} <span class=\"meta\">({E(indicator.Unit)}, {IndicatorEvaluations.Name(indicator.Direction)})</span></h3>");
        foreach (var scope in indicator.Targets.Select(t => t.Scope).Distinct(StringComparer.Ordinal))
        {
            var points = known.Where(o => o.IndicatorId == indicator.Id && o.Scope == scope).OrderBy(o => o.Year).ToList();
            html.Append(Chart(indicator, scope, points, indicator.Targets.Where(t => t.Scope == scope).ToList(), year));
        }

        html.Append("<table><tr><th>Scope</th><th>Milestone</th><th>Target</th><th>Status</th><th>Reason (with the projection)</th></tr>");
        foreach (var e in evaluations)
        {
            var target = indicator.Targets.First(t => t.Scope == e.Scope && t.Year == e.MilestoneYear);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.Scope)}</td><td>{e.MilestoneYear}</td><td>{N(e.TargetValue)}<br><span class=\"meta\">{E(target.Source)}</span></td><td>{Badge(e.Status)}</td><td>{E(e.Reason)}</td></tr>");
        }

        html.Append("</table>");
        if (known.All(o => o.IndicatorId != indicator.Id))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">No observations up to {year}; import them with <code>metrocircle indicators import</code>.</p>");
        }

        html.Append("</div>");
    }

    /// <summary>The observed series, its fitted line to the last milestone, and each target at its year, as an inline SVG.</summary>
    private static string Chart(Indicator indicator, string scope, IReadOnlyList<Observation> points, IReadOnlyList<IndicatorTarget> targets, int year)
    {
        const double w = 620, h = 210, left = 78, right = 16, top = 14, bottom = 28;
        var lastYear = Math.Max(targets.Max(t => t.Year), year);
        var firstYear = Math.Min(points.Count > 0 ? points[0].Year : year, year) - 1;
        var values = points.Select(p => p.Value).Concat(targets.Select(t => t.Value)).ToList();
        (double Slope, double Intercept)? fit = points.Count >= TrajectoryEvaluator.MinimumPoints ? TrajectoryEvaluator.Fit(points) : null;
        if (fit is { } f)
        {
            values.Add((f.Slope * lastYear) + f.Intercept);
            values.Add((f.Slope * points[0].Year) + f.Intercept);
        }

        var (min, max) = (values.Min(), values.Max());
        var pad = Math.Max((max - min) * 0.12, Math.Abs(max) * 0.02 + 1e-9);
        (min, max) = (indicator.Minimum is { } lo ? Math.Max(lo, min - pad) : min - pad, max + pad);
        double X(double y) => left + ((y - firstYear) / (lastYear + 1 - firstYear) * (w - left - right));
        double Y(double v) => top + ((max - v) / (max - min) * (h - top - bottom));
        string P(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{E(indicator.NameEn)}, {E(scope)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{w - left - right}\" height=\"{h - top - bottom}\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var v = min + ((max - min) * i / 4);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{P(Y(v) + 4)}\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">{N(v)}</text><line x1=\"{left}\" x2=\"{w - right}\" y1=\"{P(Y(v))}\" y2=\"{P(Y(v))}\" stroke=\"#eee\"/>");
        }

        var step = Math.Max(1, (int)Math.Ceiling((lastYear - firstYear) / 8.0));
        for (var y = firstYear + 1; y <= lastYear; y += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{P(X(y))}\" y=\"{h - 10}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{y}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{P(X(year))}\" x2=\"{P(X(year))}\" y1=\"{top}\" y2=\"{h - bottom}\" stroke=\"#1565c0\" stroke-dasharray=\"2 3\"/>");
        foreach (var t in targets)
        {
            var colour = indicator.Direction == Direction.Cap ? "#c62828" : indicator.Direction == Direction.Floor ? "#ef6c00" : "#1565c0";
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{w - right}\" y1=\"{P(Y(t.Value))}\" y2=\"{P(Y(t.Value))}\" stroke=\"{colour}\" stroke-dasharray=\"6 4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{P(X(t.Year))},{P(Y(t.Value) - 7)}l7,7l-7,7l-7,-7z\" fill=\"{colour}\"/><text x=\"{P(X(t.Year) - 10)}\" y=\"{P(Y(t.Value) - 9)}\" font-size=\"10\" text-anchor=\"end\" fill=\"{colour}\">{IndicatorEvaluations.Name(indicator.Direction)} {N(t.Value)} ({t.Year})</text>");
        }

        if (fit is { } line)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"trend\" x1=\"{P(X(points[0].Year))}\" y1=\"{P(Y((line.Slope * points[0].Year) + line.Intercept))}\" x2=\"{P(X(lastYear))}\" y2=\"{P(Y((line.Slope * lastYear) + line.Intercept))}\" stroke=\"#6a1b9a\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>");
        }

        if (points.Count > 0)
        {
            svg.Append("<polyline fill=\"none\" stroke=\"#0d47a1\" stroke-width=\"2\" points=\"");
            svg.AppendJoin(' ', points.Select(p => $"{P(X(p.Year))},{P(Y(p.Value))}"));
            svg.Append("\"/>");
            foreach (var p in points)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{P(X(p.Year))}\" cy=\"{P(Y(p.Value))}\" r=\"3.5\" fill=\"#0d47a1\"><title>{p.Year}: {N(p.Value)}</title></circle>");
            }
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{P((left + w) / 2)}\" y=\"{P(h / 2)}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#757575\">no observations up to {year}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 6}\" y=\"{top + 12}\" font-size=\"11\" fill=\"#333\">{E(scope)}</text></svg>");
        return svg.ToString();
    }

    private static void Computed(StringBuilder html, Indicator indicator, ComputedSpec spec, PlanSnapshot snapshot)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"map\" id=\"{E(indicator.Id)}\"><h3>{E(indicator.NameZh)} · {E(indicator.NameEn)} <span class=\"meta\">({E(indicator.Unit)})</span></h3>");
        var values = IndicatorCatalog.Compute(snapshot, spec);
        var layer = snapshot.Layers.First(l => l.Layer.Id == spec.ScopeLayer);
        if (indicator.ScopeLevel == "county")
        {
            html.Append(Choropleth(indicator, layer, values.ToDictionary(v => v.Scope, v => v.Value, StringComparer.Ordinal)));
        }
        else
        {
            html.Append("<table><tr><th>Scope</th><th>Value</th></tr>");
            foreach (var (scope, value) in values)
            {
                var feature = layer.Features.First(f => f.Id == scope);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(feature.Text("nameZh") ?? feature.Text("name") ?? scope)} <span class=\"meta\">{E(scope)}</span></td><td>{N(value)} {E(indicator.Unit)}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</div>");
    }

    /// <summary>Counties coloured in five equal classes, drawn in the plan's equal-area projection (north up, metres as they are).</summary>
    private static string Choropleth(Indicator indicator, SnapshotLayer layer, IReadOnlyDictionary<string, double> values)
    {
        var env = new Envelope();
        foreach (var f in layer.Features)
        {
            env.ExpandToInclude(f.Envelope);
        }

        const double width = 620;
        var height = Math.Round(width * env.Height / env.Width);
        var tolerance = env.Width / width * 0.8;
        var max = values.Count == 0 ? 0 : values.Values.Max();
        var classWidth = max <= 0 ? 1 : max / Palette.Length;
        string P(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"choropleth\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + 30}\" viewBox=\"0 0 {width} {height + 30}\">");
        foreach (var f in layer.Features)
        {
            var value = values.GetValueOrDefault(f.Id);
            var colour = Palette[Math.Min(Palette.Length - 1, (int)(value / classWidth))];
            var simple = TopologyPreservingSimplifier.Simplify(f.Metric, tolerance);
            var path = new StringBuilder();
            for (var i = 0; i < simple.NumGeometries; i++)
            {
                if (simple.GetGeometryN(i) is not Polygon polygon)
                {
                    continue;
                }

                foreach (var ring in new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings))
                {
                    var first = true;
                    foreach (var c in ring.Coordinates)
                    {
                        path.Append(first ? 'M' : 'L').Append(P((c.X - env.MinX) / env.Width * width)).Append(',').Append(P((env.MaxY - c.Y) / env.Height * height));
                        first = false;
                    }

                    path.Append('Z');
                }
            }

            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"{colour}\" stroke=\"#555\" stroke-width=\"0.4\"><title>{E(f.Text("nameZh") ?? f.Id)}: {N(value)} {E(indicator.Unit)}</title></path>");
        }

        for (var i = 0; i < Palette.Length; i++)
        {
            var x = 10 + (i * 110);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{height + 8}\" width=\"16\" height=\"14\" fill=\"{Palette[i]}\" stroke=\"#555\" stroke-width=\"0.4\"/><text x=\"{x + 20}\" y=\"{height + 19}\" font-size=\"10\">{N(i * classWidth)}–{N((i + 1) * classWidth)} {E(indicator.Unit)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Warnings(StringBuilder html, IReadOnlyList<Evaluation> now, int year)
    {
        var warnings = IndicatorEvaluations.Warnings(now);
        html.Append(CultureInfo.InvariantCulture, $"<h2>Warnings as of {year}</h2>");
        if (warnings.Count == 0)
        {
            html.Append("<p>No indicator is at risk or off track on the observations so far.</p>");
            return;
        }

        html.Append("<table id=\"warnings\"><tr><th>Indicator</th><th>Scope</th><th>Milestone</th><th>Status</th><th>Reason</th></tr>");
        foreach (var w in warnings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(w.IndicatorId)}</td><td>{E(w.Scope)}</td><td>{w.MilestoneYear}</td><td>{Badge(w.Status)}</td><td>{E(w.Reason)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Changes(StringBuilder html, IReadOnlyList<Observation> added, IReadOnlyList<Evaluation> before, IReadOnlyList<Evaluation> now, int year)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>What changed since {year - 1}</h2><h3>Observations of {year}</h3>");
        if (added.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>No observation for {year} has been imported.</p>");
        }
        else
        {
            html.Append("<table id=\"added\"><tr><th>Indicator</th><th>Scope</th><th>Value</th><th>Source</th></tr>");
            foreach (var o in added)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(o.IndicatorId)}</td><td>{E(o.Scope)}</td><td>{N(o.Value)}</td><td>{E(o.Source)}</td></tr>");
            }

            html.Append("</table>");
        }

        var previous = before.ToDictionary(e => (e.IndicatorId, e.Scope, e.MilestoneYear));
        var changed = now.Where(e => previous.TryGetValue((e.IndicatorId, e.Scope, e.MilestoneYear), out var p) && p.Status != e.Status).ToList();
        html.Append("<h3>Evaluations whose status changed</h3>");
        if (changed.Count == 0)
        {
            html.Append("<p>No evaluation changed status.</p>");
            return;
        }

        html.Append("<table id=\"changed\"><tr><th>Indicator</th><th>Scope</th><th>Milestone</th><th>Was</th><th>Now</th><th>Reason</th></tr>");
        foreach (var e in changed)
        {
            var p = previous[(e.IndicatorId, e.Scope, e.MilestoneYear)];
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.IndicatorId)}</td><td>{E(e.Scope)}</td><td>{e.MilestoneYear}</td><td>{Badge(p.Status)}</td><td>{Badge(e.Status)}</td><td>{E(e.Reason)}</td></tr>");
        }

        html.Append("</table>");
    }
}
