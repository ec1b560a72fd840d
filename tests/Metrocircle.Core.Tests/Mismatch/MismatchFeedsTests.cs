using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Mismatch;

/// <summary>
/// Cases placed against the zones and the ledger's demand against quota (rules M8–M10), on a WKT plan: two counties,
/// 110101 (116–116.5° E) and 131082 (116.5–117° E) at 39–39.5° N, an industrial park at 116.1–116.2° E, 39.1–39.2° N, and a
/// station at (116.8, 39.25) beside an airport at (116.3, 39.3) that the rule does not count as a station.
/// </summary>
public sealed class MismatchFeedsTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly EqualAreaProjection Projection = new(38.5, 116.5, 36.5, 41.5);
    private static readonly DateTimeOffset At = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static PlanFeature F(string layer, string id, string? wkt, JsonObject props) =>
        new(layer, id, wkt is null ? null : Wkt.Read(wkt), props, new Provenance("test", Certainty.Synthetic, "test"));

    private static readonly MismatchRules Rules = MismatchRules.Read(
    [
        F(MismatchRules.LayerId, "ib", null, new JsonObject { ["measure"] = "industry-in-belts", ["layerKind"] = "sector:industry", ["categories"] = new JsonArray("general-manufacturing"), ["basis"] = "belts" }),
        F(MismatchRules.LayerId, "hr", null, new JsonObject
        {
            ["measure"] = "housing-near-rail", ["max"] = 1500, ["minAreaM2"] = 100000, ["layerKind"] = "sector:transport", ["stationProperty"] = "mode",
            ["stationValues"] = new JsonArray("station"), ["categories"] = new JsonArray("housing"), ["basis"] = "rail",
        }),
        F(MismatchRules.LayerId, "q", null, new JsonObject { ["measure"] = "quota-demand", ["max"] = 1, ["basis"] = "quota" }),
    ]);

    private static readonly Lazy<PlanSnapshot> Plan = new(() =>
    {
        PlanLayer Layer(string id, string kind) => new(id, kind, id, id, id, LayerGeometry.Polygon, 1, []);
        var settings = new PlanLayer(PlanSettings.LayerId, LayerKinds.Record, "s", "s", "s", LayerGeometry.None, 99, []);
        var version = new PlanVersion("test@1", "test", 1, "test", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);
        return PlanSnapshot.Create(version, [Layer("counties", LayerKinds.Jurisdiction), Layer("parks", "sector:industry"), settings],
        [
            F("counties", "110101", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))", new JsonObject { ["provinceId"] = Jurisdictions.Beijing }),
            F("counties", "131082", "POLYGON ((116.5 39, 117 39, 117 39.5, 116.5 39.5, 116.5 39))", new JsonObject { ["provinceId"] = Jurisdictions.Hebei }),
            F("parks", "park", "POLYGON ((116.1 39.1, 116.2 39.1, 116.2 39.2, 116.1 39.2, 116.1 39.1))", []),
            PlanSettings.ToFeature(Projection, 1.0),
        ]);
    });

    private static readonly PlanFeature[] TransportPoints =
    [
        F("stations", "station", "POINT (116.8 39.25)", new JsonObject { ["mode"] = "station" }),
        F("stations", "airport", "POINT (116.3 39.3)", new JsonObject { ["mode"] = "airport" }),
    ];

    private static IReadOnlyList<Geometry> Stations() =>
        [.. TransportPoints.Where(f => MismatchFeeds.IsStation(f, Rules.Of("housing-near-rail")!)).Select(f => Plan.Value.Projection.Project(f.Geometry!))];

    private static CaseFile Case(string id, string category, string wkt, CaseStatus status, params CaseEvent[] timeline)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(writer, Wkt.Read(wkt));
        }

        var geometry = JsonNode.Parse(buffer.ToArray())!;
        var footprint = new JsonObject { ["type"] = "Feature", ["properties"] = new JsonObject { ["category"] = category }, ["geometry"] = geometry };
        var revision = new CaseRevision(1, At, "p", "check-1", "aligned", "test@1", "r", "h", 1, [], footprint, null);
        return new CaseFile(id, id, "p", category, status, At, At, "rules", [revision], [], [], timeline);
    }

    [Fact]
    public void only_stations_the_rule_names_count_and_a_plan_without_them_has_none()
    {
        Assert.Equal(["station"], TransportPoints.Where(f => MismatchFeeds.IsStation(f, Rules.Of("housing-near-rail")!)).Select(f => f.Id));
        var noFilter = MismatchRules.Read([F(MismatchRules.LayerId, "hr", null, new JsonObject { ["measure"] = "housing-near-rail", ["basis"] = "any" })]).Of("housing-near-rail")!;
        Assert.Equal(2, TransportPoints.Count(f => MismatchFeeds.IsStation(f, noFilter)));
    }

    [Fact]
    public void rejected_and_withdrawn_cases_are_not_projects_and_open_and_approved_ones_are()
    {
        var square = "POLYGON ((116.3 39.3, 116.31 39.3, 116.31 39.31, 116.3 39.31, 116.3 39.3))";
        var projects = MismatchFeeds.ProjectsOf(
        [
            Case("open", "housing", square, CaseStatus.UnderReview),
            Case("changes", "housing", square, CaseStatus.ChangesRequested),
            Case("approved", "housing", square, CaseStatus.Approved),
            Case("rejected", "housing", square, CaseStatus.Rejected),
            Case("withdrawn", "housing", square, CaseStatus.Withdrawn),
        ]);
        Assert.Equal(["open", "changes", "approved"], projects.Select(p => p.Id));
        Assert.Equal(square, projects[0].LonLat.AsText());
    }

    [Fact]
    public void a_case_is_placed_in_the_county_of_its_interior_point_with_its_equal_area_zone_and_distance_to_the_nearest_station()
    {
        // In the park, inside 110101; 0.01° × 0.01° at 39.15° N is about 862 m × 1113 m ≈ 0.96 km².
        var inPark = new ProjectInput("in-park", "general-manufacturing", Wkt.Read("POLYGON ((116.15 39.15, 116.16 39.15, 116.16 39.16, 116.15 39.16, 116.15 39.15))"));
        // Outside it, across the county line but mostly in 131082 (its interior point there).
        var across = new ProjectInput("across", "general-manufacturing", Wkt.Read("POLYGON ((116.49 39.3, 116.53 39.3, 116.53 39.31, 116.49 39.31, 116.49 39.3))"));
        // Housing 0.05° west of the station: about 4.3 km from its edge; the airport, much nearer, is not a station.
        var housing = new ProjectInput("housing", "housing", Wkt.Read("POLYGON ((116.72 39.24, 116.75 39.24, 116.75 39.26, 116.72 39.26, 116.72 39.24))"));

        var placed = MismatchFeeds.Place(Plan.Value, [inPark, across, housing], Rules, Stations()).ToDictionary(p => p.Id);

        Assert.Equal("110101", placed["in-park"].County);
        Assert.True(placed["in-park"].InIndustryZone);
        Assert.Equal(0.96e6, placed["in-park"].AreaM2, 0.96e6 * 0.02);
        Assert.Equal("131082", placed["across"].County);
        Assert.False(placed["across"].InIndustryZone);
        Assert.Equal(4310, placed["housing"].RailDistanceM!.Value, 4310 * 0.02);
        Assert.Null(MismatchFeeds.Place(Plan.Value, [housing], Rules, []).Single().RailDistanceM);
    }

    [Fact]
    public void the_placed_cases_give_the_industry_and_housing_findings_with_the_case_id_and_county()
    {
        var placed = MismatchFeeds.Place(Plan.Value,
        [
            new ProjectInput("in-park", "general-manufacturing", Wkt.Read("POLYGON ((116.15 39.15, 116.16 39.15, 116.16 39.16, 116.15 39.16, 116.15 39.15))")),
            new ProjectInput("outside", "general-manufacturing", Wkt.Read("POLYGON ((116.6 39.3, 116.61 39.3, 116.61 39.31, 116.6 39.31, 116.6 39.3))")),
            new ProjectInput("far-housing", "housing", Wkt.Read("POLYGON ((116.72 39.24, 116.75 39.24, 116.75 39.26, 116.72 39.26, 116.72 39.24))")),
            new ProjectInput("near-housing", "housing", Wkt.Read("POLYGON ((116.79 39.24, 116.8 39.24, 116.8 39.25, 116.79 39.25, 116.79 39.24))")),
        ], Rules, Stations());
        var inputs = new MismatchInputs(2026, MismatchData.Counties(Plan.Value), new Dictionary<string, double>(), new Dictionary<string, double>(), new Dictionary<string, double>(),
            [], [], new Dictionary<string, double>(), null, placed, HasIndustryZones: true, HasRailStations: true);

        var findings = MismatchAnalysis.Analyse(inputs, Rules).Findings;

        var industry = Assert.Single(findings, f => f.Kind == "industry-outside-belts");
        Assert.Equal(["outside", "131082"], industry.Places);
        var housing = Assert.Single(findings, f => f.Kind == "housing-far-from-rail");
        Assert.Equal(["far-housing", "131082"], housing.Places);
        Assert.True(housing.Value > 1500);
    }

    private static readonly LedgerSettings Ledger = new(
        [
            new LedgerKind("new-construction-land", "New construction land", null, false, "control:urban-boundary", null, new Dictionary<string, long> { ["2026-2030"] = 1_000_000 }),
            new LedgerKind("farmland-compensation", "Farmland", null, false, null, "control:permanent-farmland", new Dictionary<string, long> { ["2026-2030"] = 1_000_000 }),
        ],
        [new LedgerPeriod("2026-2030", "P", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31))],
        new LedgerOpeningRule("counties", "areaKm2", 0.1, true));

    private static LedgerBalance Balance(string kind, string jurisdiction, long balance, long held) =>
        new(LedgerAccount.For(kind, "2026-2030", LedgerRole.Jurisdiction, jurisdiction, false), balance, held);

    [Fact]
    public void quota_demand_is_the_open_holds_and_the_uncovered_takings_of_open_cases_against_the_balance_of_the_construction_kind()
    {
        const string Quota = "new-construction-land/2026-2030/";
        var balances = new[]
        {
            Balance("new-construction-land", "110101", 50_000, 30_000),
            Balance("new-construction-land", "131082", 20_000, 0),
            Balance("farmland-compensation", "110101", 99_999, 88_888),
            new LedgerBalance(LedgerAccount.For("new-construction-land", "2026-2030", LedgerRole.Pool, null, false), 100_000, 0),
        };
        var holds = new[]
        {
            new LedgerHold("a", Quota + "110101", "case-a", 30_000, HoldStatus.Open, At),
            new LedgerHold("b", Quota + "110101", "case-b", 7_000, HoldStatus.Settled, At),
            new LedgerHold("c", "farmland-compensation/2026-2030/110101", "case-a", 88_888, HoldStatus.Open, At),
        };
        var uncovered = new CaseEvent(At, "ledger", MismatchFeeds.UncoveredAction, 1,
            new JsonObject { ["takings"] = new JsonArray(new JsonObject { ["account"] = Quota + "131082", ["amount"] = 25_000 }) }.ToJsonString());
        var square = "POLYGON ((116.6 39.3, 116.61 39.3, 116.61 39.31, 116.6 39.31, 116.6 39.3))";
        var cases = new[]
        {
            Case("case-u", "housing", square, CaseStatus.UnderReview, uncovered),
            // Uncovered once, then covered by a revision: its demand is in its holds, not counted twice.
            Case("case-v", "housing", square, CaseStatus.UnderReview, uncovered, new CaseEvent(At, "ledger", MismatchFeeds.CoveredAction, 2, "covered")),
            Case("case-w", "housing", square, CaseStatus.Withdrawn, uncovered),
        };

        var figures = MismatchFeeds.Quota(Ledger, Rules.Of("quota-demand")!, 2026, balances, holds, cases);

        Assert.Equal("new-construction-land", figures.Kind);
        Assert.Equal("2026-2030", figures.Period);
        Assert.Equal([new QuotaPlace("110101", 30_000, 50_000), new QuotaPlace("131082", 25_000, 20_000)], figures.Places);

        var inputs = new MismatchInputs(2026, [], new Dictionary<string, double>(), new Dictionary<string, double>(), new Dictionary<string, double>(), [], [],
            new Dictionary<string, double>(), null, Quota: figures.Places);
        var high = Assert.Single(MismatchAnalysis.Analyse(inputs, Rules).Findings, f => f.Kind == "quota-demand-high");
        Assert.Equal(["131082"], high.Places);
        Assert.Equal(1.25, high.Value);
    }

    [Fact]
    public void quota_is_not_applicable_with_a_reason_outside_the_ledger_periods_or_without_a_single_construction_kind()
    {
        var rule = Rules.Of("quota-demand")!;
        Assert.Contains("2024", MismatchFeeds.Quota(Ledger, rule, 2024, [], [], []).NotApplicable, StringComparison.Ordinal);
        Assert.Contains("no accounts", MismatchFeeds.Quota(Ledger, rule, 2026, [], [], []).NotApplicable, StringComparison.Ordinal);
        Assert.Contains("no land ledger", MismatchFeeds.Quota(null, rule, 2026, [], [], []).NotApplicable, StringComparison.Ordinal);

        var twoKinds = Ledger with { Kinds = [.. Ledger.Kinds, Ledger.Kinds[0] with { Id = "second" }] };
        Assert.Contains("ledgerKind", MismatchFeeds.QuotaKind(twoKinds, rule).Problem, StringComparison.Ordinal);
        var named = MismatchRules.Read([F(MismatchRules.LayerId, "q", null, new JsonObject { ["measure"] = "quota-demand", ["ledgerKind"] = "second", ["basis"] = "q" })]).Of("quota-demand")!;
        Assert.Equal("second", MismatchFeeds.QuotaKind(twoKinds, named).Kind!.Id);

        var inputs = new MismatchInputs(2024, [], new Dictionary<string, double>(), new Dictionary<string, double>(), new Dictionary<string, double>(), [], [],
            new Dictionary<string, double>(), null, QuotaNotApplicable: "no period of the land ledger holds 2024");
        var finding = Assert.Single(MismatchAnalysis.Analyse(inputs, Rules).Findings, f => f.Kind == "quota-demand");
        Assert.Equal("not-applicable", finding.Status);
        Assert.Contains("2024", finding.Message, StringComparison.Ordinal);
    }
}
