using System.Text.Json.Nodes;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Indicators;

/// <summary>
/// Which scopes lie within a jurisdiction comes from the plan (parents of jurisdictions, <c>within</c> of named
/// scopes), never from the shape of an id: with administrative codes as ids, "beijing-central" no longer starts with
/// Beijing's id, and a county's code is no "city-" prefix either.
/// </summary>
public sealed class ScopePlacesTests
{
    private static PlanFeature Jurisdiction(string layer, string id, string level, string? parent, string nameEn, string nameZh)
    {
        var properties = new JsonObject { ["level"] = level, ["nameEn"] = nameEn, ["nameZh"] = nameZh, ["name"] = nameZh };
        if (parent is not null)
        {
            properties["parent"] = parent;
        }

        return new PlanFeature(layer, id, null, properties, new Provenance("test", Certainty.Confirmed));
    }

    private static readonly JurisdictionIndex Index = new([
        Jurisdiction("provinces", Jurisdictions.Beijing, "province", null, "Beijing", "北京市"),
        Jurisdiction("provinces", Jurisdictions.Hebei, "province", null, "Hebei", "河北省"),
        Jurisdiction("cities", Jurisdictions.Baoding, "city", Jurisdictions.Hebei, "Baoding", "保定市"),
        Jurisdiction("counties", Jurisdictions.Zhuozhou, "county", Jurisdictions.Baoding, "Zhuozhou", "涿州市"),
    ]);

    private static readonly Indicator Central = new("central", "中心城区人口", "Central population", "persons", Direction.Cap, "province",
        [new IndicatorTarget("capital-core", 2035, 100, "test", Certainty.Indicative, Within: Jurisdictions.Beijing, ScopeNameEn: "Core districts", ScopeNameZh: "核心区")]);

    private static Evaluation OffTrack(string scope) =>
        TrajectoryEvaluator.Evaluate(Central with { Targets = [Central.Targets[0] with { Scope = scope }] }, Central.Targets[0] with { Scope = scope },
            [new Observation("central", scope, 2024, 90, "t"), new Observation("central", scope, 2025, 95, "t"), new Observation("central", scope, 2026, 99, "t")]);

    [Fact]
    public void a_named_scope_lies_within_the_jurisdiction_its_target_declares_and_is_labelled_by_its_names()
    {
        var places = new ScopePlaces(Index, [Central]);
        Assert.Equal([Jurisdictions.Beijing], places.ContainersOf("capital-core"));
        var described = places.Describe("capital-core");
        Assert.Equal(("Core districts", "核心区"), (described.NameEn, described.NameZh));
        Assert.Equal([Jurisdictions.Baoding, Jurisdictions.Hebei], places.ContainersOf(Jurisdictions.Zhuozhou));
        Assert.Equal(("Zhuozhou", "涿州市"), (places.Describe(Jurisdictions.Zhuozhou).NameEn, places.Describe(Jurisdictions.Zhuozhou).NameZh));
        Assert.Empty(places.ContainersOf("nowhere"));
    }

    [Fact]
    public void warnings_for_a_jurisdiction_include_its_named_scopes_and_counties_and_nothing_of_another()
    {
        var places = new ScopePlaces(Index, [Central]);
        var evaluations = new[] { OffTrack("capital-core"), OffTrack(Jurisdictions.Zhuozhou) };
        Assert.All(evaluations, e => Assert.True(IndicatorEvaluations.IsWarning(e), e.Reason));

        Assert.Equal(["capital-core"], IndicatorEvaluations.Warnings(evaluations, Jurisdictions.Beijing, places).Select(e => e.Scope));
        Assert.Equal([Jurisdictions.Zhuozhou], IndicatorEvaluations.Warnings(evaluations, Jurisdictions.Hebei, places).Select(e => e.Scope));
        Assert.Equal([Jurisdictions.Zhuozhou], IndicatorEvaluations.Warnings(evaluations, Jurisdictions.Baoding, places).Select(e => e.Scope));
        Assert.Empty(IndicatorEvaluations.Warnings(evaluations, Jurisdictions.Tianjin, places));
    }
}
