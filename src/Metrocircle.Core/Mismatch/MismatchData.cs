using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Mismatch;

/// <summary>The inputs of one year with the versions they were read from.</summary>
public sealed record MismatchGathered(MismatchInputs Inputs, MismatchRules Rules, PlanVersion Version, PlanVersion? VersionBefore, bool Synthetic, QuotaFigures? Quota = null);

/// <summary>
/// Gathers <see cref="MismatchInputs"/> from a store: counties and circles of the plan version in force at the end of
/// the year (the version in force now when none was yet), county figures from observations, flows of the year, and
/// urban land per county in that version and, when a different version was in force a year earlier, in that one;
/// the stored cases placed against that version's zones, and the land ledger's construction-land demand against quota.
/// </summary>
public static class MismatchData
{
    public const string UrbanLandKind = "control:urban-boundary";

    /// <summary>Cases read per page while gathering (the store's largest page).</summary>
    private const int CasePage = 1000;

    /// <param name="cases">Where the projects come from; null when the store keeps no cases (the project findings then say so).</param>
    /// <param name="ledger">Where the quota figures come from; null when the store keeps no ledger.</param>
    public static async Task<MismatchGathered> GatherAsync(IPlanStore store, IObservationStore observations, ICommuteStore commuting, PlanVersion current, int year,
        Func<PlanVersion, CancellationToken, Task<PlanSnapshot>> snapshotOf, CancellationToken ct, ICaseStore? cases = null, ILedgerStore? ledger = null)
    {
        var version = await store.GetVersionInForceAsync(new DateOnly(year, 12, 31), ct) ?? current;
        var earlier = await store.GetVersionInForceAsync(new DateOnly(year - 1, 12, 31), ct);
        var before = earlier is not null && earlier.Id != version.Id ? earlier : null;

        var layers = await store.GetLayersAsync(version, ct);
        var records = new List<PlanFeature>();
        if (layers.Any(l => l.Id == MismatchRules.LayerId))
        {
            await foreach (var f in store.StreamFeaturesAsync(version.Id, MismatchRules.LayerId, ct))
            {
                records.Add(f);
            }
        }

        var rules = MismatchRules.Read(records);
        var snapshot = await snapshotOf(version, ct);
        var counties = Counties(snapshot);
        var circles = Circles(snapshot);
        var landKind = rules.Of("urban-land-per-resident")?.Text("layerKind") ?? rules.Of("land-elasticity")?.Text("layerKind") ?? UrbanLandKind;
        var land = UrbanLand(snapshot, landKind);
        var landBefore = before is null ? null : UrbanLand(await snapshotOf(before, ct), landKind);

        var all = await observations.GetObservationsAsync(null, ct);
        var populationId = rules.Of("jobs-housing-ratio")?.Text("populationIndicator") ?? SyntheticCommuting.PopulationIndicator;
        var jobsId = rules.Of("jobs-housing-ratio")?.Text("jobsIndicator") ?? SyntheticCommuting.JobsIndicator;
        Dictionary<string, double> Of(string indicator, int y) => all.Where(o => o.IndicatorId == indicator && o.Year == y).ToDictionary(o => o.Scope, o => o.Value, StringComparer.Ordinal);
        var flows = await commuting.GetCommuteFlowsAsync(year, ct);
        var used = all.Where(o => (o.IndicatorId == populationId || o.IndicatorId == jobsId) && (o.Year == year || o.Year == year - 1)).Select(o => o.Source)
            .Concat(flows.Select(f => f.Source));
        var synthetic = used.Any(s => s.Contains("SYNTHETIC", StringComparison.Ordinal));

        var stored = cases is null ? null : await AllCasesAsync(cases, ct);
        var stations = await StationsAsync(store, version.Id, layers, rules.Of("housing-near-rail"), snapshot, ct);
        var projects = stored is null ? null : MismatchFeeds.Place(snapshot, MismatchFeeds.ProjectsOf(stored), rules, stations);
        QuotaFigures? quota = null;
        if (rules.Of("quota-demand") is { } quotaRule && ledger is not null)
        {
            var settings = LedgerSettings.Read(await AccountRules.RecordsAsync(store, version.Id, LedgerSettings.LayerId, ct));
            quota = settings is null ? QuotaFigures.Without("the plan keeps no land ledger")
                : MismatchFeeds.Quota(settings, quotaRule, year, await ledger.GetBalancesAsync(new LedgerQuery(), ct), await ledger.ListHoldsAsync(null, ct), stored ?? []);
        }

        var inputs = new MismatchInputs(year, counties, Of(populationId, year), Of(populationId, year - 1), Of(jobsId, year), flows, circles, land, landBefore,
            projects,
            HasIndustryZones: snapshot.OfKind(rules.Of("industry-in-belts")?.Text("layerKind") ?? "sector:industry").Any(),
            HasRailStations: stations.Count > 0,
            Quota: quota?.Places, QuotaNotApplicable: quota?.NotApplicable);
        return new MismatchGathered(inputs, rules, version, before, synthetic, quota);
    }

    /// <summary>
    /// The stations the housing rule measures to, projected: features of its layer kind that the rule tells apart as
    /// stations. Read from the store, since snapshots keep only polygon layers and stations are points.
    /// </summary>
    private static async Task<IReadOnlyList<NetTopologySuite.Geometries.Geometry>> StationsAsync(IPlanStore store, string versionId, IReadOnlyList<PlanLayer> layers,
        MismatchRule? housing, PlanSnapshot snapshot, CancellationToken ct)
    {
        var result = new List<NetTopologySuite.Geometries.Geometry>();
        if (housing is null)
        {
            return result;
        }

        foreach (var layer in layers.Where(l => MismatchFeeds.IsOfKind(l.Kind, MismatchFeeds.StationKind(housing))))
        {
            await foreach (var f in store.StreamFeaturesAsync(versionId, layer.Id, ct))
            {
                if (MismatchFeeds.IsStation(f, housing))
                {
                    result.Add(snapshot.Projection.Project(f.Geometry!));
                }
            }
        }

        return result;
    }

    /// <summary>Every stored case, page by page in the store's list order.</summary>
    private static async Task<List<CaseFile>> AllCasesAsync(ICaseStore cases, CancellationToken ct)
    {
        var all = new List<CaseFile>();
        CasePageKey? after = null;
        while (true)
        {
            var page = await cases.ListCasesAsync(new CaseQuery(Limit: CasePage, After: after), ct);
            all.AddRange(page.Select(c => c.File));
            if (page.Count < CasePage)
            {
                return all;
            }

            after = new CasePageKey(page[^1].File.UpdatedAt, page[^1].File.Id);
        }
    }

    /// <summary>The counties of a snapshot with their centroids (equal-area metres and lon/lat) and areas.</summary>
    public static IReadOnlyList<CountyPlace> Counties(PlanSnapshot snapshot)
    {
        var layer = snapshot.Layers.FirstOrDefault(l => l.Layer.Id == PlanIndicators.ScopeLayers["county"]);
        if (layer is null)
        {
            return [];
        }

        return [.. layer.Features.Select(f =>
        {
            var c = f.Metric.Centroid;
            var (lon, lat) = snapshot.Projection.Inverse(c.X, c.Y);
            return new CountyPlace(f.Id, f.Text("nameEn") ?? f.Text("nameZh") ?? f.Id, f.Text("provinceId") ?? f.Text("parent") ?? "", Math.Round(c.X, 1), Math.Round(c.Y, 1),
                Math.Round(lon, 5), Math.Round(lat, 5), Math.Round(f.Area / 1e6, 3));
        }).OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <summary>The circles of a snapshot, each with the counties whose interior point lies in it.</summary>
    public static IReadOnlyList<CirclePlace> Circles(PlanSnapshot snapshot)
    {
        var counties = snapshot.Layers.FirstOrDefault(l => l.Layer.Id == PlanIndicators.ScopeLayers["county"])?.Features ?? [];
        var points = counties.Select(c => (c.Id, Point: c.Metric.InteriorPoint)).ToList();
        var result = new List<CirclePlace>();
        foreach (var layer in snapshot.OfKind(LayerKinds.Circle))
        {
            foreach (var circle in layer.Features)
            {
                var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(circle.Metric);
                var members = points.Where(p => prepared.Covers(p.Point)).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
                result.Add(new CirclePlace(circle.Id, circle.Text("kind") ?? circle.Id, circle.Text("nameEn") ?? circle.Id, members));
            }
        }

        return result;
    }

    /// <summary>Area (km²) of the features of <paramref name="kind"/> inside each county.</summary>
    public static IReadOnlyDictionary<string, double> UrbanLand(PlanSnapshot snapshot, string kind)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!snapshot.OfKind(kind).Any())
        {
            return result;
        }

        foreach (var county in snapshot.Layers.FirstOrDefault(l => l.Layer.Id == PlanIndicators.ScopeLayers["county"])?.Features ?? [])
        {
            var ctx = new CheckContext(snapshot, new Footprint(county.Metric, county.Metric, "-", null, [], "-"));
            result[county.Id] = Math.Round(ctx.CoveredM2(ctx.HitsOfKind(kind)) / 1e6, 6);
        }

        return result;
    }
}
