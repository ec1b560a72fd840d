namespace Metrocircle.Core.Mismatch;

/// <summary>
/// One finding: what kind of mismatch, the places it concerns, the measured value, the threshold from the rules (null
/// when the finding is that the analysis does not apply) and the basis of that threshold. <see cref="Status"/> is
/// <c>finding</c> or <c>not-applicable</c>.
/// </summary>
public sealed record MismatchFinding(string Kind, IReadOnlyList<string> Places, double? Value, double? Threshold, string Basis, string Status, string Message, string? Rule);

/// <summary>The figures of one county (or circle): null where an input is missing.</summary>
public sealed record PlaceFigures(
    string Id,
    string Name,
    double? Population,
    double? Jobs,
    double? JobsHousingRatio,
    double ResidentCommuters,
    double? SelfContainment,
    double? CrossProvinceShare,
    double? MeanCommuteKm,
    double? UrbanLandKm2,
    double? UrbanLandPerResidentM2,
    double? LandElasticity);

/// <summary>A flow between two counties of different provinces, for drawing.</summary>
public sealed record CrossFlow(string Origin, string Destination, double Trips, double Km);

/// <summary>The counties the plan's criterion selects from the flows beside the plan's chosen members.</summary>
public sealed record CircleCriterion(string Circle, IReadOnlyList<string> Core, double MinShare, IReadOnlyList<string> Computed, IReadOnlyList<string> Chosen,
    IReadOnlyDictionary<string, double> ShareToCore);

public sealed record MismatchResult(
    int Year,
    IReadOnlyList<MismatchFinding> Findings,
    IReadOnlyList<PlaceFigures> Counties,
    IReadOnlyList<PlaceFigures> Circles,
    IReadOnlyList<CrossFlow> CrossProvinceFlows,
    CircleCriterion? CommutingCircle);

/// <summary>
/// The spatial-mismatch analysis of one year (issue 14 item 3) as pure functions of <see cref="MismatchInputs"/> and
/// <see cref="MismatchRules"/>. Distances are between county centroids in the plan's equal-area projection; a flow
/// within one county counts the mean distance from a disc's centre to its points, ⅔·√(area/π).
/// </summary>
public static class MismatchAnalysis
{
    /// <summary>The number of cross-province flows returned for drawing.</summary>
    public const int FlowsShown = 30;

    public static double DistanceKm(CountyPlace a, CountyPlace b) => a.Id == b.Id
        ? 2.0 / 3.0 * Math.Sqrt(a.AreaKm2 / Math.PI)
        : Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y))) / 1000;

    public static MismatchResult Analyse(MismatchInputs inputs, MismatchRules rules)
    {
        var counties = inputs.Counties.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var mode = rules.Of("od-mode")?.Text("mode");
        var flows = inputs.Flows.Where(f => f.Year == inputs.Year && (mode is null || f.Mode == mode) && counties.ContainsKey(f.Origin) && counties.ContainsKey(f.Destination)).ToList();

        var figures = inputs.Counties.Select(c => Figures(c.Id, c.Name, [c.Id], inputs, counties, flows)).ToList();
        var circles = inputs.Circles.Select(c => Figures(c.Id, c.Name, c.Members, inputs, counties, flows)).ToList();
        var findings = new List<MismatchFinding>();

        Band(findings, rules.Of("jobs-housing-ratio"), "jobs-housing-ratio", figures, f => f.JobsHousingRatio, "jobs per resident");
        Band(findings, rules.Of("self-containment"), "self-containment", figures, f => f.SelfContainment, "share of resident commuters working in their county");
        Band(findings, rules.Of("cross-province-share"), "cross-province-commuting", figures, f => f.CrossProvinceShare, "share of resident commuters working in another province");
        Band(findings, rules.Of("mean-commute-km"), "mean-commute-distance", figures, f => f.MeanCommuteKm, "mean commuting distance (km)");
        Band(findings, rules.Of("urban-land-per-resident"), "urban-land-per-resident", figures, f => f.UrbanLandPerResidentM2, "urban land per resident (m²)");

        if (rules.Of("land-elasticity") is { } elasticity)
        {
            if (inputs.UrbanLandBeforeKm2 is null)
            {
                findings.Add(NotApplicable("land-elasticity", elasticity, $"land-use elasticity needs the urban land of two plan versions (in force at the ends of {inputs.Year - 1} and {inputs.Year}); one version covers both"));
            }
            else
            {
                Band(findings, elasticity, "land-elasticity", figures, f => f.LandElasticity, "growth of urban land ÷ growth of population");
            }
        }

        var criterion = CommutingCircle(inputs, rules.Of("commuting-circle"), counties, flows, findings);
        Projects(findings, inputs, rules);
        Quota(findings, inputs, rules.Of("quota-demand"));

        var cross = flows.Where(f => counties[f.Origin].ProvinceId != counties[f.Destination].ProvinceId)
            .GroupBy(f => (f.Origin, f.Destination))
            .Select(g => new CrossFlow(g.Key.Origin, g.Key.Destination, g.Sum(f => f.Trips), Round(DistanceKm(counties[g.Key.Origin], counties[g.Key.Destination]), 3)))
            .OrderByDescending(f => f.Trips).ThenBy(f => f.Origin, StringComparer.Ordinal).ThenBy(f => f.Destination, StringComparer.Ordinal).Take(FlowsShown).ToList();
        return new MismatchResult(inputs.Year, findings, figures, circles, cross, criterion);
    }

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    private static double? Round(double? value, int digits) => value is { } v ? Round(v, digits) : null;

    private static PlaceFigures Figures(string id, string name, IReadOnlyList<string> members, MismatchInputs inputs, Dictionary<string, CountyPlace> counties, List<CommuteFlow> flows)
    {
        var set = members.ToHashSet(StringComparer.Ordinal);
        double? Sum(IReadOnlyDictionary<string, double> values) => members.All(values.ContainsKey) && members.Count > 0 ? members.Sum(m => values[m]) : null;
        var population = Sum(inputs.Population);
        var before = Sum(inputs.PopulationBefore);
        var jobs = Sum(inputs.Jobs);
        var outgoing = flows.Where(f => set.Contains(f.Origin)).ToList();
        var commuters = outgoing.Sum(f => f.Trips);
        double? Share(Func<CommuteFlow, bool> which) => commuters > 0 ? outgoing.Where(which).Sum(f => f.Trips) / commuters : null;
        var provinces = members.Select(m => counties[m].ProvinceId).ToHashSet(StringComparer.Ordinal);
        var land = Sum(inputs.UrbanLandKm2);
        var landBefore = inputs.UrbanLandBeforeKm2 is { } b ? Sum(b) : null;
        double? elasticity = null;
        if (land is { } l && landBefore is { } lb && lb > 0 && population is { } p && before is { } pb && pb > 0 && p != pb)
        {
            elasticity = ((l - lb) / lb) / ((p - pb) / pb);
        }

        return new PlaceFigures(id, name, population, jobs,
            Round(population is > 0 && jobs is { } j ? j / population : null, 4),
            Round(commuters, 1),
            Round(Share(f => set.Contains(f.Destination)), 4),
            Round(Share(f => counties[f.Origin].ProvinceId != counties[f.Destination].ProvinceId), 4),
            Round(commuters > 0 ? outgoing.Sum(f => f.Trips * DistanceKm(counties[f.Origin], counties[f.Destination])) / commuters : null, 3),
            Round(land, 3),
            Round(population is > 0 && land is { } ul ? ul * 1e6 / population : null, 2),
            Round(elasticity, 4));
    }

    /// <summary>One finding per place outside the rule's bounds, worst first, at most <c>top</c> of them.</summary>
    private static void Band(List<MismatchFinding> findings, MismatchRule? rule, string kind, IReadOnlyList<PlaceFigures> places, Func<PlaceFigures, double?> measure, string what)
    {
        if (rule is null)
        {
            return;
        }

        var breaches = new List<(PlaceFigures Place, double Value, double Threshold, double Excess, string Side)>();
        foreach (var place in places)
        {
            if (measure(place) is not { } v)
            {
                continue;
            }

            if (rule.Min is { } min && v < min)
            {
                breaches.Add((place, v, min, min == 0 ? min - v : (min - v) / Math.Abs(min), "below"));
            }
            else if (rule.Max is { } max && v > max)
            {
                breaches.Add((place, v, max, max == 0 ? v - max : (v - max) / Math.Abs(max), "above"));
            }
        }

        foreach (var (place, value, threshold, _, side) in breaches.OrderByDescending(b => b.Excess).ThenBy(b => b.Place.Id, StringComparer.Ordinal).Take(rule.Top ?? int.MaxValue))
        {
            findings.Add(new MismatchFinding($"{kind}-{(side == "below" ? "low" : "high")}", [place.Id], value, threshold, rule.Basis, "finding",
                $"{place.Name}: {what} {Format(value)} is {side} the threshold {Format(threshold)}", rule.Id));
        }
    }

    private static string Format(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    private static MismatchFinding NotApplicable(string kind, MismatchRule rule, string why) =>
        new(kind, [], null, null, rule.Basis, "not-applicable", why, rule.Id);

    /// <summary>
    /// The plan's criterion for the commuting circle applied to the flows: a county outside the core belongs when at least
    /// <c>min</c> of its resident commuters work in the core. Counties the criterion selects that the plan leaves out, and
    /// counties the plan holds that the flows do not support, are findings.
    /// </summary>
    private static CircleCriterion? CommutingCircle(MismatchInputs inputs, MismatchRule? rule, Dictionary<string, CountyPlace> counties, List<CommuteFlow> flows, List<MismatchFinding> findings)
    {
        if (rule is null)
        {
            return null;
        }

        var circleKind = rule.Text("circleKind") ?? "commuting";
        var coreIds = rule.Texts("core");
        var circle = inputs.Circles.FirstOrDefault(c => c.Kind == circleKind);
        if (circle is null || rule.Min is not { } min || coreIds.Count == 0)
        {
            findings.Add(NotApplicable("commuting-circle", rule, circle is null ? $"the plan has no circle of kind \"{circleKind}\"" : "the rule names no core or no minimum share"));
            return null;
        }

        // The core is named by jurisdiction ids in the data: a county, or a province whose counties all belong.
        var core = counties.Values.Where(c => coreIds.Contains(c.Id) || coreIds.Contains(c.ProvinceId)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var share = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in flows.Where(f => !core.Contains(f.Origin)).GroupBy(f => f.Origin))
        {
            var total = group.Sum(f => f.Trips);
            if (total > 0)
            {
                share[group.Key] = Round(group.Where(f => core.Contains(f.Destination)).Sum(f => f.Trips) / total, 4);
            }
        }

        var computed = share.Where(kv => kv.Value >= min).Select(kv => kv.Key).ToList();
        var chosen = circle.Members.Where(m => !core.Contains(m)).Order(StringComparer.Ordinal).ToList();
        foreach (var id in computed.Except(chosen).OrderByDescending(id => share[id]).ThenBy(id => id, StringComparer.Ordinal))
        {
            findings.Add(new MismatchFinding("commuting-circle-missing", [id], share[id], min, rule.Basis, "finding",
                $"{counties[id].Name}: {Format(share[id])} of resident commuters work in the core, at least {Format(min)}, but the plan leaves it out of the {circle.Name}", rule.Id));
        }

        foreach (var id in chosen.Except(computed).OrderBy(id => share.GetValueOrDefault(id)).ThenBy(id => id, StringComparer.Ordinal))
        {
            var value = share.TryGetValue(id, out var s) ? s : (double?)null;
            findings.Add(new MismatchFinding("commuting-circle-unsupported", [id], value, min, rule.Basis, "finding",
                $"{counties[id].Name}: in the plan's {circle.Name}, but {(value is null ? "no commuting flows are recorded from it" : $"only {Format(value.Value)} of its resident commuters work in the core")} (criterion {Format(min)})", rule.Id));
        }

        return new CircleCriterion(circle.Id, [.. core.Order(StringComparer.Ordinal)], min, computed, chosen, share);
    }

    private const string NoProjects = "the plan has the zones, but this store keeps no cases to place against them, so no project is judged";

    /// <summary>
    /// Projects whose category does not suit the zone they lie in; not applicable when the plan has no layer of the
    /// zone kind, or when no projects were given (said so, rather than an empty list that would read as "none found").
    /// </summary>
    private static void Projects(List<MismatchFinding> findings, MismatchInputs inputs, MismatchRules rules)
    {
        if (rules.Of("industry-in-belts") is { } industry)
        {
            if (!inputs.HasIndustryZones)
            {
                findings.Add(NotApplicable("industry-outside-belts", industry, $"the plan has no layer of kind {industry.Text("layerKind") ?? "sector:industry"}; industrial projects cannot be placed against belts"));
            }
            else if (inputs.Projects is null)
            {
                findings.Add(NotApplicable("industry-outside-belts", industry, NoProjects));
            }
            else
            {
                var categories = industry.Texts("categories");
                foreach (var p in (inputs.Projects ?? []).Where(p => categories.Contains(p.Category) && !p.InIndustryZone).OrderBy(p => p.Id, StringComparer.Ordinal).Take(industry.Top ?? int.MaxValue))
                {
                    findings.Add(new MismatchFinding("industry-outside-belts", [p.Id, .. p.County is null ? Array.Empty<string>() : [p.County]], Round(p.AreaM2, 1), 0, industry.Basis, "finding",
                        $"{p.Id} ({p.Category}) lies outside every industrial park, belt or cluster", industry.Id));
                }
            }
        }

        if (rules.Of("housing-near-rail") is { } housing)
        {
            if (!inputs.HasRailStations)
            {
                findings.Add(NotApplicable("housing-far-from-rail", housing, $"the plan has no layer of kind {housing.Text("layerKind") ?? "sector:transport"} with rail stations; large housing cannot be placed against them"));
            }
            else if (inputs.Projects is null)
            {
                findings.Add(NotApplicable("housing-far-from-rail", housing, NoProjects));
            }
            else if (housing.Max is { } maxDistance)
            {
                var categories = housing.Texts("categories");
                var minArea = housing.Number("minAreaM2") ?? 0;
                foreach (var p in (inputs.Projects ?? []).Where(p => categories.Contains(p.Category) && p.AreaM2 >= minArea && (p.RailDistanceM is null || p.RailDistanceM > maxDistance)).OrderBy(p => p.Id, StringComparer.Ordinal).Take(housing.Top ?? int.MaxValue))
                {
                    findings.Add(new MismatchFinding("housing-far-from-rail", [p.Id, .. p.County is null ? Array.Empty<string>() : [p.County]], Round(p.RailDistanceM, 1), maxDistance, housing.Basis, "finding",
                        $"{p.Id} ({p.Category}, {Format(Round(p.AreaM2, 0))} m²) lies {(p.RailDistanceM is { } d ? $"{Format(Round(d, 0))} m" : "at an unknown distance")} from the nearest rail station, more than {Format(maxDistance)} m", housing.Id));
                }
            }
        }
    }

    /// <summary>Demand for new construction land from open cases against each jurisdiction's remaining quota.</summary>
    private static void Quota(List<MismatchFinding> findings, MismatchInputs inputs, MismatchRule? rule)
    {
        if (rule is null)
        {
            return;
        }

        if (inputs.Quota is null)
        {
            findings.Add(NotApplicable("quota-demand", rule, inputs.QuotaNotApplicable ?? "this store keeps no land ledger, so the construction land open cases seek is not set against quota"));
            return;
        }

        var max = rule.Max ?? 1;
        foreach (var q in inputs.Quota.OrderBy(q => q.Jurisdiction, StringComparer.Ordinal))
        {
            if (q.DemandM2 > 0 && (q.RemainingM2 <= 0 || q.DemandM2 / q.RemainingM2 > max))
            {
                findings.Add(new MismatchFinding("quota-demand-high", [q.Jurisdiction], q.RemainingM2 > 0 ? Round(q.DemandM2 / q.RemainingM2, 4) : null, max, rule.Basis, "finding",
                    $"{q.Jurisdiction}: open cases seek {Format(Round(q.DemandM2, 0))} m² of new construction land (held, or uncovered) against {Format(Round(q.RemainingM2, 0))} m² of quota left (balance not yet consumed by approved cases)", rule.Id));
            }
        }
    }
}

/// <summary>
/// The answer of <c>GET /mismatch?year=</c> and <c>metrocircle mismatch --json</c>: the findings, the figures per county
/// and circle, the largest cross-province flows, the commuting-circle criterion, the counties with the centroids the
/// distances were measured between, whether any input is synthetic, and the quota figures (demand of open cases and
/// quota left per jurisdiction) when the plan keeps a land ledger.
/// </summary>
public sealed record MismatchReport(
    int Year,
    string Version,
    string? VersionBefore,
    bool Synthetic,
    IReadOnlyList<MismatchFinding> Findings,
    IReadOnlyList<PlaceFigures> Counties,
    IReadOnlyList<PlaceFigures> Circles,
    IReadOnlyList<CrossFlow> CrossProvinceFlows,
    CircleCriterion? CommutingCircle,
    IReadOnlyList<CountyPlace> Places,
    int Flows,
    QuotaFigures? Quota = null)
{
    public static MismatchReport Of(MismatchGathered gathered)
    {
        var result = MismatchAnalysis.Analyse(gathered.Inputs, gathered.Rules);
        return new MismatchReport(result.Year, gathered.Version.Id, gathered.VersionBefore?.Id, gathered.Synthetic, result.Findings, result.Counties, result.Circles,
            result.CrossProvinceFlows, result.CommutingCircle, gathered.Inputs.Counties, gathered.Inputs.Flows.Count, gathered.Quota);
    }
}
