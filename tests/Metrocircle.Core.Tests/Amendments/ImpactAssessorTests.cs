using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tests.Alignment;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>
/// Issue 12: the impact of an amendment on the small WKT plan of the alignment tests (counties 110101 and 110112 in
/// Beijing, 131082 in Hebei; urban boundary u1, red-line patch e1, farmland f1 and f2), with the shipped rules.
/// </summary>
public sealed class ImpactAssessorTests
{
    private static readonly WKTReader Wkt = new(Metrocircle.Core.Spatial.GeoJsonGeometry.Services);
    private static readonly PlanVersion Amended = new("test@2", "test", 2, "amended", new DateOnly(2026, 6, 1), DateTimeOffset.UnixEpoch);
    private static readonly string[] RoutingKinds = ["control:ecological-redline"];

    private static readonly IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)> Catalog = IndicatorCatalog.Read(DatasetBuilder.ReadLayerFileAsync(
        Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "indicators.json"), TestPlan.Snapshot.Projection, CancellationToken.None).GetAwaiter().GetResult().Features);

    // A housing site inside the urban boundary in Dongcheng (110101): aligned on the base version.
    private const string InTown = "POLYGON ((116.2 39.2, 116.22 39.2, 116.22 39.22, 116.2 39.22, 116.2 39.2))";

    // A site on farmland parcel f1 in Tongzhou (110112): an energy project there needs national approval (conditional).
    private const string OnFarmland = "POLYGON ((116.81 39.11, 116.84 39.11, 116.84 39.14, 116.81 39.14, 116.81 39.11))";

    // A housing site in Sanhe (131082), Hebei, far from every change.
    private const string FarAway = "POLYGON ((117.2 39.2, 117.21 39.2, 117.21 39.21, 117.2 39.21, 117.2 39.2))";

    // A new red-line patch under the site in town, overlapping the urban boundary.
    private static readonly FeatureChange NewRedLine = new(ChangeOp.Add, "ecological-redline", "e9",
        Feature("ecological-redline", "e9", "POLYGON ((116.15 39.15, 116.25 39.15, 116.25 39.25, 116.15 39.25, 116.15 39.15))"));

    private static PlanFeature Feature(string layer, string id, string wkt) => new(layer, id, Wkt.Read(wkt), [], new Provenance("test", Certainty.Synthetic, "test"));

    private static CheckOnRecord Stored(string id, string wkt, string category = "housing")
    {
        var (footprint, problem) = Footprint.Create(Wkt.Read(wkt), category, null, [], TestPlan.Snapshot);
        Assert.Null(problem);
        var document = CheckDocument.Create(id, DateTimeOffset.UnixEpoch, footprint!, AlignmentChecker.Check(TestPlan.Snapshot, footprint!));
        return CheckOnRecord.FromDocument(JsonNode.Parse(document.ToJsonString())!.AsObject(), RoutingKinds)!;
    }

    private static AmendmentImpact Assess(FeatureChange[] changes, params CheckOnRecord[] checks) =>
        ImpactAssessor.Assess(TestPlan.Snapshot, TestPlan.Snapshot.WithChanges(Amended, changes), changes, checks, Catalog, RoutingKinds, TestContext.Current.CancellationToken);

    [Fact]
    public void a_check_under_a_new_red_line_patch_turns_not_aligned_and_one_far_away_is_not_rechecked()
    {
        var impact = Assess([NewRedLine], Stored("chk-town", InTown), Stored("chk-far", FarAway));

        var check = Assert.Single(impact.Checks);
        Assert.Equal(("chk-town", "aligned", "not-aligned"), (check.CheckId, check.VerdictBefore, check.VerdictAfter));
        Assert.Equal(["R1-redline"], check.Rules);
        // Overlapping the red line routes the check to coordination.
        Assert.Equal(["overlaps:control:ecological-redline", "province:110000"], check.RoutingAfter);
        Assert.Equal((1, 1), (impact.Rechecked, impact.UnchangedWithoutRecheck));
    }

    [Fact]
    public void retiring_the_farmland_under_an_energy_project_lifts_its_national_approval()
    {
        var impact = Assess([new FeatureChange(ChangeOp.Retire, "permanent-farmland", "f1", null)], Stored("chk-farm", OnFarmland, "energy"), Stored("chk-town", InTown));

        var check = Assert.Single(impact.Checks);
        Assert.Equal(("chk-farm", "conditional", "aligned"), (check.CheckId, check.VerdictBefore, check.VerdictAfter));
        Assert.Equal(["R2-farmland"], check.Rules);
        Assert.Contains("approval:State Council (national approval, through the Ministry of Natural Resources)", check.RoutingBefore);
        Assert.DoesNotContain("approval:State Council (national approval, through the Ministry of Natural Resources)", check.RoutingAfter);
        Assert.Equal((1, 1), (impact.Rechecked, impact.UnchangedWithoutRecheck));
    }

    [Fact]
    public void a_check_whose_box_meets_a_change_but_whose_verdict_holds_is_rechecked_and_not_listed()
    {
        // A parcel added east of f2 under a site that lies on f1 already: more farmland under it, the same verdict and routing.
        var spanning = "POLYGON ((116.81 39.11, 116.95 39.11, 116.95 39.12, 116.81 39.12, 116.81 39.11))";
        var impact = Assess([new FeatureChange(ChangeOp.Add, "permanent-farmland", "f3", Feature("permanent-farmland", "f3", "POLYGON ((116.9 39.1, 116.95 39.1, 116.95 39.115, 116.9 39.115, 116.9 39.1))"))],
            Stored("chk-span", spanning));

        Assert.Empty(impact.Checks);
        Assert.Equal((1, 0), (impact.Rechecked, impact.UnchangedWithoutRecheck));
    }

    [Fact]
    public void areas_added_and_removed_are_given_per_layer_and_county_in_the_equal_area_projection()
    {
        var projection = TestPlan.Snapshot.Projection;
        var impact = Assess([NewRedLine, new FeatureChange(ChangeOp.Retire, "permanent-farmland", "f1", null)]);

        Assert.Equal(2, impact.Areas.Count);
        var red = Assert.Single(impact.Areas, a => a.Layer == "ecological-redline");
        Assert.Equal(("110101", Jurisdictions.Beijing, 0.0), (red.County, red.Province, red.RemovedM2));
        Assert.Equal(projection.Area(NewRedLine.Feature!.Geometry!), red.AddedM2, 3);
        var farm = Assert.Single(impact.Areas, a => a.Layer == "permanent-farmland");
        Assert.Equal(("110112", 0.0), (farm.County, farm.AddedM2));
        Assert.Equal(projection.Area(Wkt.Read("POLYGON ((116.8 39.1, 116.85 39.1, 116.85 39.15, 116.8 39.15, 116.8 39.1))")), farm.RemovedM2, 3);
    }

    [Fact]
    public void a_changed_feature_counts_only_the_area_it_gains_and_loses()
    {
        // f1 (116.8–116.85) moved half its width west: 0.025° gained on one side, 0.025° lost on the other.
        var moved = new FeatureChange(ChangeOp.Change, "permanent-farmland", "f1",
            Feature("permanent-farmland", "f1", "POLYGON ((116.775 39.1, 116.825 39.1, 116.825 39.15, 116.775 39.15, 116.775 39.1))"));

        var area = Assert.Single(Assess([moved]).Areas);

        // The differences of the projected polygons, as PostGIS takes them after ST_Transform of each.
        var projection = TestPlan.Snapshot.Projection;
        var (was, now) = (projection.Project(Wkt.Read("POLYGON ((116.8 39.1, 116.85 39.1, 116.85 39.15, 116.8 39.15, 116.8 39.1))")), projection.Project(moved.Feature!.Geometry!));
        Assert.Equal(now.Difference(was).Area, area.AddedM2, 3);
        Assert.Equal(was.Difference(now).Area, area.RemovedM2, 3);
        Assert.Equal(projection.Area(Wkt.Read("POLYGON ((116.775 39.1, 116.8 39.1, 116.8 39.15, 116.775 39.15, 116.775 39.1))")), area.AddedM2, area.AddedM2 * 1e-3);
    }

    [Fact]
    public void the_red_line_share_of_the_county_it_is_added_to_moves_as_the_indicator_catalogue_computes_it()
    {
        var after = TestPlan.Snapshot.WithChanges(Amended, [NewRedLine]);
        var impact = ImpactAssessor.Assess(TestPlan.Snapshot, after, [NewRedLine], [], Catalog, RoutingKinds, TestContext.Current.CancellationToken);

        var indicator = Assert.Single(impact.Indicators);
        Assert.Equal(("110101", 0.0), (indicator.Scope, indicator.Before));
        var spec = Catalog.Single(c => c.Indicator.Id == indicator.Indicator).Computed!;
        Assert.Equal(("control:ecological-redline", "counties"), (spec.LayerKind, spec.ScopeLayer));
        Assert.Equal(IndicatorCatalog.Compute(after, spec).Single(v => v.Scope == "110101").Value, indicator.After);
        Assert.True(indicator.After > 0);
    }

    [Fact]
    public void features_of_other_layers_newly_overlapped_or_touched_are_listed_but_not_places()
    {
        var touching = new FeatureChange(ChangeOp.Add, "permanent-farmland", "f3",
            Feature("permanent-farmland", "f3", "POLYGON ((116.7 39.1, 116.75 39.1, 116.75 39.15, 116.7 39.15, 116.7 39.1))"));

        var adjacent = Assess([NewRedLine, touching]).Adjacent;

        Assert.Equal(
            [("ecological-redline/e9", "urban-boundary/u1", ImpactAdjacency.Overlaps), ("permanent-farmland/f3", "ecological-redline/e1", ImpactAdjacency.Touches)],
            adjacent.Select(a => (a.Feature, a.Other, a.Relation)));
        var projection = TestPlan.Snapshot.Projection;
        Assert.Equal(projection.Project(Wkt.Read("POLYGON ((116.15 39.15, 116.25 39.15, 116.25 39.25, 116.15 39.25, 116.15 39.15))"))
            .Intersection(projection.Project(Wkt.Read("POLYGON ((116.1 39.1, 116.4 39.1, 116.4 39.4, 116.1 39.4, 116.1 39.1))"))).Area, adjacent[0].OverlapM2, 3);
    }

    [Fact]
    public void with_changes_rebuilds_only_the_layers_the_change_set_touches()
    {
        var before = TestPlan.Snapshot;
        var after = before.WithChanges(Amended, [NewRedLine, new FeatureChange(ChangeOp.Retire, "permanent-farmland", "f1", null)]);

        Assert.Equal("test@2", after.Version.Id);
        Assert.Same(before.Layers.Single(l => l.Layer.Id == "urban-boundary"), after.Layers.Single(l => l.Layer.Id == "urban-boundary"));
        Assert.Equal(["e1", "e9"], after.Layers.Single(l => l.Layer.Id == "ecological-redline").Features.Select(f => f.Id));
        Assert.Equal(["f2"], after.Layers.Single(l => l.Layer.Id == "permanent-farmland").Features.Select(f => f.Id));
        Assert.Same(before.Rules, after.Rules);
    }
}
