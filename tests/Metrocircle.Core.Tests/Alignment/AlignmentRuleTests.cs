using Metrocircle.Core.Alignment;
using static Metrocircle.Core.Tests.Alignment.TestPlan;

namespace Metrocircle.Core.Tests.Alignment;

/// <summary>The five starting rules of the default dataset, each made to pass and to fail.</summary>
public sealed class AlignmentRuleTests
{
    private const string InsideRedLine = "POLYGON ((116.62 39.12, 116.64 39.12, 116.64 39.14, 116.62 39.14, 116.62 39.12))";
    private const string InsideUrbanA = "POLYGON ((116.2 39.2, 116.21 39.2, 116.21 39.21, 116.2 39.21, 116.2 39.2))";

    [Fact]
    public void housing_inside_the_red_line_fails()
    {
        var verdict = Check(InsideRedLine, "housing");
        var rule = Rule(verdict, "R1-redline");
        Assert.Equal("fail", rule.Outcome);
        Assert.Contains("ecological protection red line by", rule.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.NotAligned, verdict.Result);
        var overlap = Assert.Single(verdict.Overlaps, o => o.Layer == "ecological-redline");
        Assert.Equal(["e1"], overlap.FeatureIds);
        Assert.Equal(1.0, overlap.Share, 1e-9);
    }

    [Fact]
    public void ecological_restoration_inside_the_red_line_passes_the_ban_but_needs_approval()
    {
        var verdict = Check(InsideRedLine, "ecological-restoration");
        Assert.Equal("pass", Rule(verdict, "R1-redline").Outcome);
        Assert.Equal("needs-approval", Rule(verdict, "R1b-redline-exception").Outcome);
        Assert.Contains(verdict.Approvals, a => a.Authority == "Natural resources authority of 北京市");
    }

    [Fact]
    public void a_footprint_that_only_shares_the_red_lines_edge_is_not_a_conflict_and_the_report_says_so()
    {
        var verdict = Check("POLYGON ((116.7 39.12, 116.72 39.12, 116.72 39.14, 116.7 39.14, 116.7 39.12))", "housing");
        Assert.Equal("pass", Rule(verdict, "R1-redline").Outcome);
        Assert.DoesNotContain(verdict.Overlaps, o => o.Layer == "ecological-redline");
        var edge = Assert.Single(verdict.EdgeContacts, e => e.Layer == "ecological-redline");
        Assert.Equal(["e1"], edge.FeatureIds);
        Assert.Contains("not counted as an overlap", edge.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void a_footprint_reaching_just_past_the_tolerance_into_the_red_line_is_a_conflict()
    {
        // 0.0001° of longitude is about 8.6 m at 39°N: wider than the 1 m tolerance.
        var verdict = Check("POLYGON ((116.6999 39.12, 116.72 39.12, 116.72 39.14, 116.6999 39.14, 116.6999 39.12))", "housing");
        Assert.Equal("fail", Rule(verdict, "R1-redline").Outcome);
    }

    private const string OnFarmland = "POLYGON ((116.84 39.12, 116.86 39.12, 116.86 39.13, 116.84 39.13, 116.84 39.12))";

    [Theory]
    [InlineData("energy")]
    [InlineData("transport-line")]
    [InlineData("water-conservancy")]
    [InlineData("military-facility")]
    public void a_project_type_the_law_lists_on_permanent_farmland_needs_national_approval_and_compensation(string category)
    {
        var verdict = Check(OnFarmland, category);
        var rule = Rule(verdict, "R2-farmland");
        Assert.Equal("needs-approval", rule.Outcome);
        Assert.StartsWith("Conditional: needs national approval.", rule.Message, StringComparison.Ordinal);
        Assert.Equal("national", rule.Evidence!["approvalLevel"]!.GetValue<string>());
        Assert.Equal("pass", Rule(verdict, "R2b-farmland-not-allowed").Outcome);
        Assert.Equal(Verdict.Conditional, verdict.Result);
        Assert.Contains(verdict.Approvals, a => a.Authority.StartsWith("State Council", StringComparison.Ordinal) && a.RuleIds.Contains("R2-farmland"));
    }

    [Fact]
    public void an_energy_project_over_two_farmland_parcels_names_both_and_the_compensation()
    {
        var verdict = Check(OnFarmland, "energy");
        var rule = Rule(verdict, "R2-farmland");
        Assert.Contains("2 parcels", rule.Message, StringComparison.Ordinal);
        Assert.Contains("equal area and quality", rule.Message, StringComparison.Ordinal);
        Assert.Contains("art. 35", rule.Basis, StringComparison.Ordinal);
        var farmland = Assert.Single(verdict.Overlaps, o => o.Layer == "permanent-farmland");
        Assert.Equal(["f1", "f2"], farmland.FeatureIds.Order());
        Assert.Equal(1.0, farmland.Share, 1e-6);
    }

    [Theory]
    [InlineData("housing")]
    [InlineData("logistics")]
    [InlineData("general-manufacturing")]
    [InlineData("rd-campus")]
    public void any_other_project_on_permanent_farmland_is_not_aligned(string category)
    {
        var verdict = Check(OnFarmland, category);
        var rule = Rule(verdict, "R2b-farmland-not-allowed");
        Assert.Equal("fail", rule.Outcome);
        Assert.Contains("art. 35", rule.Message, StringComparison.Ordinal);
        Assert.Equal("pass", Rule(verdict, "R2-farmland").Outcome);
        Assert.DoesNotContain(verdict.Approvals, a => a.RuleIds.Contains("R2-farmland"));
        Assert.Equal(Verdict.NotAligned, verdict.Result);
    }

    [Fact]
    public void a_site_clear_of_farmland_passes_both_farmland_rules()
    {
        var verdict = Check("POLYGON ((116.92 39.12, 116.93 39.12, 116.93 39.13, 116.92 39.13, 116.92 39.12))", "logistics");
        Assert.Equal("pass", Rule(verdict, "R2-farmland").Outcome);
        Assert.Equal("pass", Rule(verdict, "R2b-farmland-not-allowed").Outcome);
    }

    [Theory]
    [InlineData("energy")]
    [InlineData("housing")]
    [InlineData("military-facility")]
    public void a_category_that_is_not_an_activity_the_guidance_allows_fails_inside_the_red_line(string category)
    {
        var verdict = Check(InsideRedLine, category);
        Assert.Equal("fail", Rule(verdict, "R1-redline").Outcome);
        Assert.Equal("pass", Rule(verdict, "R1b-redline-exception").Outcome);
        Assert.Equal(Verdict.NotAligned, verdict.Result);
    }

    [Theory]
    [InlineData("transport-line")]
    [InlineData("water-conservancy")]
    public void linear_infrastructure_and_water_works_inside_the_red_line_need_provincial_approval(string category)
    {
        var verdict = Check(InsideRedLine, category);
        Assert.Equal("pass", Rule(verdict, "R1-redline").Outcome);
        var rule = Rule(verdict, "R1b-redline-exception");
        Assert.Equal("needs-approval", rule.Outcome);
        Assert.Equal("province", rule.Evidence!["approvalLevel"]!.GetValue<string>());
        Assert.Contains("2019", rule.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void housing_outside_the_urban_boundary_is_warned_and_inside_passes()
    {
        var outside = Check("POLYGON ((116.55 39.3, 116.56 39.3, 116.56 39.31, 116.55 39.31, 116.55 39.3))", "housing");
        Assert.Equal("warn", Rule(outside, "R3-urban-boundary").Outcome);
        Assert.StartsWith("100% of the site lies outside", Rule(outside, "R3-urban-boundary").Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Conditional, outside.Result);

        var inside = Check(InsideUrbanA, "housing");
        Assert.Equal("pass", Rule(inside, "R3-urban-boundary").Outcome);
        Assert.Equal(Verdict.Aligned, inside.Result);
    }

    [Fact]
    public void a_transport_line_outside_the_urban_boundary_is_not_warned()
    {
        var verdict = Check("LINESTRING (116.55 39.3, 116.6 39.35)", "transport-line", bufferM: 15);
        Assert.Equal("pass", Rule(verdict, "R3-urban-boundary").Outcome);
    }

    [Fact]
    public void general_manufacturing_in_a_central_beijing_district_fails()
    {
        var verdict = Check(InsideUrbanA, "general-manufacturing");
        Assert.Equal("fail", Rule(verdict, "R4-capital-core-manufacturing").Outcome);
        Assert.Contains("东城区", Rule(verdict, "R4-capital-core-manufacturing").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void general_manufacturing_outside_the_central_districts_passes_that_rule()
    {
        var verdict = Check("POLYGON ((116.55 39.3, 116.56 39.3, 116.56 39.31, 116.55 39.31, 116.55 39.3))", "general-manufacturing");
        Assert.Equal("pass", Rule(verdict, "R4-capital-core-manufacturing").Outcome);
        Assert.Equal("pass", Rule(Check(InsideUrbanA, "advanced-manufacturing"), "R4-capital-core-manufacturing").Outcome);
    }

    [Fact]
    public void a_footprint_across_a_provincial_boundary_needs_regional_co_approval()
    {
        var verdict = Check("POLYGON ((116.99 39.3, 117.01 39.3, 117.01 39.31, 116.99 39.31, 116.99 39.3))", "public-service");
        var rule = Rule(verdict, "R5-cross-province");
        Assert.Equal("needs-approval", rule.Outcome);
        Assert.Contains("北京市, 河北省", rule.Message, StringComparison.Ordinal);
        Assert.Equal(2, verdict.Provinces.Count);
        Assert.Equal(1.0, verdict.Provinces.Sum(p => p.Share), 1e-6);
        Assert.Contains(verdict.Approvals, a => a.Authority.StartsWith("Regional coordination office", StringComparison.Ordinal));
    }

    [Fact]
    public void a_footprint_in_one_province_passes_the_cross_province_rule()
    {
        var verdict = Check("POLYGON ((116.9 39.3, 116.95 39.3, 116.95 39.31, 116.9 39.31, 116.9 39.3))", "public-service");
        Assert.Equal("pass", Rule(verdict, "R5-cross-province").Outcome);
        Assert.Equal(Jurisdictions.Beijing, Assert.Single(verdict.Provinces).Id);
    }
}
