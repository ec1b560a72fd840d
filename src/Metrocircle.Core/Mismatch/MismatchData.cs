using Metrocircle.Core.Alignment;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Mismatch;

/// <summary>The inputs of one year with the versions they were read from.</summary>
public sealed record MismatchGathered(MismatchInputs Inputs, MismatchRules Rules, PlanVersion Version, PlanVersion? VersionBefore, bool Synthetic);

/// <summary>
/// Gathers <see cref="MismatchInputs"/> from a store: counties and circles of the plan version in force at the end of
/// the year (the version in force now when none was yet), county figures from observations, flows of the year, and
/// urban land per county in that version and, when a different version was in force a year earlier, in that one.
/// </summary>
public static class MismatchData
{
    public const string UrbanLandKind = "control:urban-boundary";

    public static async Task<MismatchGathered> GatherAsync(IPlanStore store, IObservationStore observations, ICommuteStore commuting, PlanVersion current, int year,
        Func<PlanVersion, CancellationToken, Task<PlanSnapshot>> snapshotOf, CancellationToken ct)
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

        var inputs = new MismatchInputs(year, counties, Of(populationId, year), Of(populationId, year - 1), Of(jobsId, year), flows, circles, land, landBefore,
            HasIndustryZones: snapshot.OfKind(rules.Of("industry-in-belts")?.Text("layerKind") ?? "sector:industry").Any(),
            HasRailStations: layers.Any(l => l.Kind == (rules.Of("housing-near-rail")?.Text("layerKind") ?? "sector:transport")));
        return new MismatchGathered(inputs, rules, version, before, synthetic);
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
