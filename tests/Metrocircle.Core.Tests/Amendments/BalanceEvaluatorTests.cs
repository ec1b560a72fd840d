using Metrocircle.Core.Amendments;
using static Metrocircle.Core.Tests.Amendments.BalancePlan;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>Issue 12: a change set balanced per province against the shipped balance rules.</summary>
public sealed class BalanceEvaluatorTests
{
    private static BalanceLine Line(BalanceSheet sheet, string rule, string? province) => Assert.Single(sheet.Rules, l => l.Id == rule && l.Province == province);

    [Fact]
    public void retiring_a_red_line_patch_fails_that_provinces_no_decrease_line_and_names_the_patch()
    {
        var sheet = Evaluate(Retire("ecological-redline", "e1"));

        Assert.False(sheet.Ok);
        var line = Assert.Single(sheet.Rules);
        Assert.Equal(("B1-redline-no-decrease", Jurisdictions.Beijing, false, false), (line.Id, line.Province, line.Ok, line.Overridable));
        Assert.Equal(["ecological-redline/e1"], line.Features);
        var patch = Projection.Area(Wkt.Read(Square(116.1, 39.1)));
        // Both patches are 0.02° squares; Beijing's total before is only its own.
        Assert.Equal(patch, line.Before, 6);
        Assert.Equal(0, line.After, 6);
        Assert.Equal(line.Before, line.Allowed);
        Assert.Contains("Beijing", line.Message, StringComparison.Ordinal);
        Assert.Contains("ecological-redline/e1", line.Message, StringComparison.Ordinal);
        Assert.Equal("m2", sheet.Unit);
    }

    [Fact]
    public void growing_a_red_line_patch_passes()
    {
        var sheet = Evaluate(Change(F("ecological-redline", "e1", Square(116.1, 39.1, 0.03))));

        var line = Line(sheet, "B1-redline-no-decrease", Jurisdictions.Beijing);
        Assert.True(line.Ok);
        Assert.True(line.After > line.Before);
        Assert.True(sheet.Ok);
    }

    [Fact]
    public void farmland_retired_without_compensation_fails_and_may_be_overridden()
    {
        var sheet = Evaluate(Retire("permanent-farmland", "f1"));

        var line = Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.True(line.Overridable);
        Assert.Equal(Projection.Area(Wkt.Read(Square(116.1, 39.3))), line.Before, 6);
        Assert.Equal(0, line.After);
        Assert.Equal(["permanent-farmland/f1"], line.Features);
        Assert.Contains("not compensated", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void farmland_retired_and_compensated_by_as_much_added_in_the_same_province_passes()
    {
        // The same square 0.2° further east: the same area in an equal-area projection.
        var sheet = Evaluate(Retire("permanent-farmland", "f1"), Add(Farmland("n1", Square(116.3, 39.3))));

        Assert.True(sheet.Ok, string.Join("; ", sheet.Rules.Select(r => r.Message)));
        var line = Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing);
        Assert.Equal(line.Before, line.After, 3);
        Assert.Equal(["permanent-farmland/f1", "permanent-farmland/n1"], line.Features);
        Assert.True(Line(sheet, "B4-valid-and-disjoint", Jurisdictions.Beijing).Ok);
    }

    [Fact]
    public void a_change_that_shrinks_a_parcel_takes_the_difference()
    {
        var sheet = Evaluate(Change(Farmland("f1", Square(116.1, 39.3, 0.01))));

        var line = Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.Equal(Projection.Area(Wkt.Read(Square(116.1, 39.3))) - Projection.Area(Wkt.Read(Square(116.1, 39.3, 0.01))), line.Before, 3);
    }

    [Fact]
    public void compensation_in_the_other_province_does_not_count()
    {
        var sheet = Evaluate(Retire("permanent-farmland", "f1"), Add(Farmland("n1", Square(116.7, 39.3))));

        Assert.False(sheet.Ok);
        Assert.False(Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing).Ok);
        var hebei = Line(sheet, "B2-farmland-compensate", Jurisdictions.Hebei);
        Assert.True(hebei.Ok);
        Assert.Equal(0, hebei.Before);
        Assert.Equal(["permanent-farmland/n1"], hebei.Features);
    }

    [Fact]
    public void compensation_of_a_worse_grade_fails_though_its_area_suffices()
    {
        // Grade 1 is best ("betterGrade": "lower"): grade-5 land cannot make up for grade-2 land.
        var sheet = Evaluate(Layers(farmlandGrade: 2), Retire("permanent-farmland", "f1"), Add(Farmland("n1", Square(116.3, 39.3, 0.03), grade: 5)));

        var line = Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.True(line.After > line.Before);
        Assert.Contains("grade (5, area-weighted) is worse than the grade taken (2)", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void compensation_of_a_better_grade_passes()
    {
        var sheet = Evaluate(Layers(farmlandGrade: 4), Retire("permanent-farmland", "f1"), Add(Farmland("n1", Square(116.3, 39.3), grade: 3)));

        Assert.True(Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing).Ok);
    }

    [Fact]
    public void the_urban_boundary_moved_with_the_same_total_passes()
    {
        var sheet = Evaluate(Change(F("urban-boundary", "u1", Square(116.25, 39.2, 0.05))));

        var line = Line(sheet, "B3-urban-boundary-cap", Jurisdictions.Beijing);
        Assert.True(line.Ok, line.Message);
        Assert.Equal(line.Before, line.Allowed);
        Assert.True(sheet.Ok);
    }

    [Fact]
    public void the_urban_boundary_grown_fails_and_names_the_feature()
    {
        var sheet = Evaluate(Change(F("urban-boundary", "u1", Square(116.2, 39.2, 0.06))));

        var line = Line(sheet, "B3-urban-boundary-cap", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.True(line.After > line.Allowed);
        Assert.Equal(["urban-boundary/u1"], line.Features);
        Assert.True(line.Overridable);
    }

    [Fact]
    public void a_published_cap_above_the_current_total_lets_the_boundary_grow_up_to_it()
    {
        var rule = Rules.Rules.Single(r => r.Id == "B3-urban-boundary-cap");
        var capped = new BalanceRules([rule with { CapsM2 = new Dictionary<string, double> { [Jurisdictions.Beijing] = 1e9 } }]);

        var sheet = BalanceEvaluator.Evaluate(capped, new BalanceInput(Layers(), Provinces, [Change(F("urban-boundary", "u1", Square(116.2, 39.2, 0.06)))], Projection));

        var line = Assert.Single(sheet.Rules);
        Assert.True(line.Ok);
        Assert.Equal(1e9, line.Allowed);
    }

    [Fact]
    public void a_self_intersecting_added_polygon_fails_valid_and_disjoint_with_its_location()
    {
        var bowtie = "POLYGON ((116.3 39.3, 116.32 39.32, 116.32 39.3, 116.3 39.32, 116.3 39.3))";

        var sheet = Evaluate(Add(Farmland("n1", bowtie)));

        var line = Line(sheet, "B4-valid-and-disjoint", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.False(line.Overridable);
        Assert.Equal(["permanent-farmland/n1"], line.Features);
        Assert.Contains("permanent-farmland/n1 is not a valid polygon: self-intersection at 116.31 39.31", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void an_added_polygon_overlapping_another_feature_of_its_layer_fails_and_names_both()
    {
        var sheet = Evaluate(Add(Farmland("n1", Square(116.11, 39.3))));

        var line = Line(sheet, "B4-valid-and-disjoint", Jurisdictions.Beijing);
        Assert.False(line.Ok);
        Assert.Equal(["permanent-farmland/n1", "permanent-farmland/f1"], line.Features);
        // Overlap of the projected squares, as PostGIS would take it after ST_Transform of each.
        Assert.Equal(Projection.Project(Wkt.Read(Square(116.11, 39.3))).Intersection(Projection.Project(Wkt.Read(Square(116.1, 39.3)))).Area, line.After, 3);
        Assert.Contains("overlaps permanent-farmland/f1", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_feature_changed_in_place_does_not_overlap_its_own_former_self()
    {
        var sheet = Evaluate(Change(Farmland("f1", Square(116.1, 39.3, 0.025))));

        Assert.True(Line(sheet, "B4-valid-and-disjoint", Jurisdictions.Beijing).Ok);
    }

    [Fact]
    public void an_added_polygon_across_the_provincial_line_is_split_between_both_provinces()
    {
        var across = Square(116.49, 39.3);

        var sheet = Evaluate(Add(Farmland("n1", across)));

        var beijing = Line(sheet, "B2-farmland-compensate", Jurisdictions.Beijing);
        var hebei = Line(sheet, "B2-farmland-compensate", Jurisdictions.Hebei);
        Assert.Equal(Projection.Area(Wkt.Read(across)), beijing.After + hebei.After, 3);
        Assert.Equal(beijing.After, hebei.After, 0);
    }

    [Fact]
    public void the_first_feature_of_an_empty_layer_is_balanced_and_valid()
    {
        var layers = Layers();
        layers[0] = layers[0] with { Features = [] };

        var sheet = Evaluate(layers, Add(F("ecological-redline", "e1", Square(116.1, 39.1))));

        Assert.True(sheet.Ok, string.Join("; ", sheet.Rules.Select(r => r.Message)));
        Assert.Equal(0, Line(sheet, "B1-redline-no-decrease", Jurisdictions.Beijing).Before);
        Assert.Contains("valid and overlap no other feature", Line(sheet, "B4-valid-and-disjoint", Jurisdictions.Beijing).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void retiring_a_feature_the_base_does_not_hold_is_a_fault_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Evaluate(Retire("ecological-redline", "nope")));

        Assert.Contains("ecological-redline/nope", e.Message, StringComparison.Ordinal);
    }
}
