using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Mismatch;

/// <summary>A project to place against the plan's zones: its id, category and footprint in lon/lat.</summary>
public sealed record ProjectInput(string Id, string Category, Geometry LonLat);

/// <summary>The quota figures of one kind in one period: demand and quota left per jurisdiction, or why there are none.</summary>
public sealed record QuotaFigures(string? Kind, string? Period, IReadOnlyList<QuotaPlace>? Places, string? NotApplicable)
{
    public static QuotaFigures Without(string why) => new(null, null, null, why);
}

/// <summary>
/// The inputs of the project and quota findings (rules M8–M10): stored cases placed against the zones of the plan
/// version in force, and the land ledger's demand against quota. Pure functions of what the store returned.
/// </summary>
public static class MismatchFeeds
{
    /// <summary>Timeline actions of a case whose ledger holds could not be covered, and of one covered again (<see cref="LedgerCaseActions"/>).</summary>
    public const string UncoveredAction = LedgerCaseActions.Uncovered;

    public const string CoveredAction = LedgerCaseActions.Covered;

    /// <summary>
    /// The cases a mismatch analysis judges: every case not rejected or withdrawn (open or approved: land sought or
    /// taken), with a footprint that reads as a geometry; the current revision's footprint.
    /// </summary>
    public static IReadOnlyList<ProjectInput> ProjectsOf(IEnumerable<CaseFile> cases)
    {
        var result = new List<ProjectInput>();
        foreach (var c in cases)
        {
            if (c.Status is CaseStatus.Rejected or CaseStatus.Withdrawn || c.Revisions.Count == 0)
            {
                continue;
            }

            var node = c.Current.Footprint;
            if ((node["geometry"] as JsonObject ?? node as JsonObject) is not { } geometryJson)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(geometryJson.ToJsonString());
            Geometry? geometry;
            try
            {
                geometry = GeoJsonGeometry.Read(doc.RootElement);
            }
            catch (GeoJsonFormatException)
            {
                // A footprint that is not a geometry (a transfer's terms) is not a project on the ground.
                continue;
            }

            if (geometry is { IsEmpty: false })
            {
                result.Add(new ProjectInput(c.Id, c.Category, geometry));
            }
        }

        return result;
    }

    /// <summary>The layer kind the housing rule measures distance to.</summary>
    public static string StationKind(MismatchRule housing) => housing.Text("layerKind") ?? "sector:transport";

    /// <summary>Whether a layer is of the kind (or a sub-kind of it), as <see cref="PlanSnapshot.OfKind"/> matches.</summary>
    public static bool IsOfKind(string layerKind, string kind) => layerKind == kind || layerKind.StartsWith(kind + ":", StringComparison.Ordinal);

    /// <summary>Whether a feature is a rail station by the rule: <c>stationProperty</c> among <c>stationValues</c>; without them every feature of the kind counts.</summary>
    public static bool IsStation(PlanFeature feature, MismatchRule rule)
    {
        if (feature.Geometry is not { IsEmpty: false })
        {
            return false;
        }

        if (rule.Text("stationProperty") is not { } property)
        {
            return true;
        }

        var values = rule.Texts("stationValues");
        return feature.Properties[property] is JsonValue v && v.TryGetValue<string>(out var value) && (values.Count == 0 || values.Contains(value));
    }

    /// <summary>
    /// Each project placed in the snapshot: the county holding its interior point, its area in the plan's equal-area
    /// projection, whether it touches a feature of the industry rule's layer kind, and its distance to the nearest
    /// station of the housing rule (<paramref name="stations"/>, in the plan's equal-area projection; null when there are none).
    /// </summary>
    public static IReadOnlyList<ProjectPlace> Place(PlanSnapshot snapshot, IEnumerable<ProjectInput> projects, MismatchRules rules, IReadOnlyList<Geometry> stations)
    {
        var countyLayer = snapshot.Layers.FirstOrDefault(l => l.Layer.Id == PlanIndicators.ScopeLayers["county"]);
        var zones = snapshot.OfKind(rules.Of("industry-in-belts")?.Text("layerKind") ?? "sector:industry").ToList();
        var result = new List<ProjectPlace>();
        foreach (var p in projects)
        {
            var metric = snapshot.Projection.Project(p.LonLat);
            var point = metric.InteriorPoint;
            var county = countyLayer?.Candidates(point.EnvelopeInternal).FirstOrDefault(c => c.Metric.Covers(point))?.Id;
            var inZone = zones.Any(z => z.Candidates(metric.EnvelopeInternal).Any(f => f.Metric.Intersects(metric)));
            double? distance = stations.Count == 0 ? null : stations.Min(s => s.Distance(metric));
            result.Add(new ProjectPlace(p.Id, p.Category, county, metric.Area, inZone, distance));
        }

        return [.. result.OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The ledger kind the quota rule reads: the rule's <c>ledgerKind</c>, else the one kind the ledger takes for land
    /// outside a layer kind (new construction land outside the urban development boundary).
    /// </summary>
    public static (LedgerKind? Kind, string? Problem) QuotaKind(LedgerSettings settings, MismatchRule rule)
    {
        if (rule.Text("ledgerKind") is { } named)
        {
            return settings.Kind(named) is { } k ? (k, null) : (null, $"the rule names ledger kind \"{named}\", which the plan's land ledger does not have");
        }

        var construction = settings.Kinds.Where(k => k.TakenOutsideKind is not null).ToList();
        return construction.Count switch
        {
            1 => (construction[0], null),
            0 => (null, "the land ledger has no kind taken by land outside a layer (new construction land), and the rule names no ledgerKind"),
            _ => (null, $"the land ledger has several kinds taken by land outside a layer ({string.Join(", ", construction.Select(k => k.Id))}); name one as the rule's ledgerKind"),
        };
    }

    /// <summary>
    /// Demand and quota left per jurisdiction for the construction kind in the period holding the last day of the year.
    /// Demand is what open cases seek: their open holds on the jurisdiction's account, plus what an open case whose
    /// holds could not be covered takes (it holds nothing, but seeks the land all the same). Left is the account's
    /// balance, the quota not yet consumed by approved cases, before the open cases' holds are taken off it.
    /// </summary>
    public static QuotaFigures Quota(LedgerSettings? settings, MismatchRule rule, int year, IReadOnlyList<LedgerBalance> balances, IReadOnlyList<LedgerHold> holds,
        IEnumerable<CaseFile> cases)
    {
        if (settings is null)
        {
            return QuotaFigures.Without("the plan keeps no land ledger");
        }

        var (kind, problem) = QuotaKind(settings, rule);
        if (kind is null)
        {
            return QuotaFigures.Without(problem!);
        }

        if (settings.PeriodOn(new DateOnly(year, 12, 31)) is not { } period)
        {
            return QuotaFigures.Without($"no period of the land ledger holds {year.ToString(CultureInfo.InvariantCulture)}");
        }

        var accounts = balances.Where(b => b.Account.Role == LedgerRole.Jurisdiction && b.Account.Kind == kind.Id && b.Account.Period == period.Id)
            .ToDictionary(b => b.Account.Id, StringComparer.Ordinal);
        if (accounts.Count == 0)
        {
            return QuotaFigures.Without($"the land ledger has no accounts of {kind.Id} in {period.Id} (it opens on first use of the ledger)");
        }

        var demand = accounts.Keys.ToDictionary(a => a, _ => 0L, StringComparer.Ordinal);
        foreach (var h in holds.Where(h => h.Status == HoldStatus.Open && demand.ContainsKey(h.Account)))
        {
            demand[h.Account] += h.Amount;
        }

        foreach (var (account, amount) in cases.Where(c => !c.IsClosed).SelectMany(UncoveredTakings).Where(t => demand.ContainsKey(t.Account)))
        {
            demand[account] += amount;
        }

        return new QuotaFigures(kind.Id, period.Id,
            [.. accounts.Values.Select(b => new QuotaPlace(b.Account.Jurisdiction!, demand[b.Account.Id], b.Balance)).OrderBy(q => q.Jurisdiction, StringComparer.Ordinal)], null);
    }

    /// <summary>What a case takes but could not hold: the takings of its latest ledger event when that says uncovered.</summary>
    public static IEnumerable<(string Account, long Amount)> UncoveredTakings(CaseFile file)
    {
        if (file.Timeline.LastOrDefault(e => e.Action is UncoveredAction or CoveredAction) is not { Action: UncoveredAction } flagged
            || JsonNode.Parse(flagged.Detail)?["takings"] is not JsonArray takings)
        {
            yield break;
        }

        foreach (var t in takings)
        {
            if (t?["account"] is JsonValue a && a.TryGetValue<string>(out var account) && t["amount"] is JsonValue m && m.TryGetValue<long>(out var amount))
            {
                yield return (account, amount);
            }
        }
    }
}
