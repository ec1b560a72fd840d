using System.Text.Json.Nodes;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>The <c>balance-rules</c> record layer: the shipped file, and malformed rules named by their field.</summary>
public sealed class BalanceRulesTests
{
    private static PlanFeature Record(string id, string json) =>
        new(BalanceRules.LayerId, id, null, JsonNode.Parse(json)!.AsObject(), new Provenance("test", Certainty.Indicative, "test"));

    [Fact]
    public async Task the_shipped_rules_are_an_indicative_record_layer_of_four_rule_types()
    {
        var file = await DatasetBuilder.ReadLayerFileAsync(Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "balance-rules.json"),
            BalancePlan.Projection, TestContext.Current.CancellationToken);

        Assert.Equal((BalanceRules.LayerId, LayerKinds.Record), (file.Layer.Id, file.Layer.Kind));
        Assert.Empty(file.Report.Issues);
        Assert.All(file.Features, f => Assert.Equal(Certainty.Indicative, f.Provenance.Certainty));
        Assert.Contains("project's reading", file.Features[0].Provenance.Basis, StringComparison.Ordinal);
        var rules = BalanceRules.Read(file.Features).Rules;
        Assert.Equal(
            [("B1-redline-no-decrease", BalanceRuleType.NoDecrease, "control:ecological-redline", false),
             ("B2-farmland-compensate", BalanceRuleType.Compensate, "control:permanent-farmland", true),
             ("B3-urban-boundary-cap", BalanceRuleType.Cap, "control:urban-boundary", true),
             ("B4-valid-and-disjoint", BalanceRuleType.ValidAndDisjoint, "control", false)],
            rules.Select(r => (r.Id, r.Type, r.LayerKind, r.Overridable)));
        Assert.Equal(("grade", true), (rules[1].GradeProperty, rules[1].LowerGradeIsBetter));
        Assert.Empty(rules[2].CapsM2);
    }

    [Fact]
    public void a_rule_given_by_layer_id_applies_to_that_layer_only()
    {
        var rule = Assert.Single(BalanceRules.Read([Record("x", """{ "type": "no-decrease", "layer": "wetlands", "overridable": true, "message": "m" }""")]).Rules);

        Assert.True(rule.AppliesTo(new PlanLayer("wetlands", "thematic", "w", "w", "w", LayerGeometry.Polygon, 1, [])));
        Assert.False(rule.AppliesTo(new PlanLayer("forest", "thematic", "f", "f", "f", LayerGeometry.Polygon, 1, [])));
    }

    [Theory]
    [InlineData("""{ "layerKind": "control", "overridable": true, "message": "m" }""", "\"type\" is missing")]
    [InlineData("""{ "type": "shrink", "layerKind": "control", "overridable": true, "message": "m" }""", "\"type\": \"shrink\" is not no-decrease, compensate, cap or valid-and-disjoint")]
    [InlineData("""{ "type": "cap", "overridable": true, "message": "m" }""", "\"layerKind\": give either")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "layer": "x", "overridable": true, "message": "m" }""", "\"layerKind\": give either")]
    [InlineData("""{ "type": "cap", "layerKind": "Control Line", "overridable": true, "message": "m" }""", "\"layerKind\": \"Control Line\" is not a layer kind")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "overridable": "yes", "message": "m" }""", "\"overridable\" must be true or false")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "overridable": true }""", "\"message\" is missing")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "overridable": true, "message": "m", "toleranceM2": -1 }""", "\"toleranceM2\" must be a number of square metres")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "overridable": true, "message": "m", "capsM2": [1] }""", "\"capsM2\" must be an object")]
    [InlineData("""{ "type": "cap", "layerKind": "control", "overridable": true, "message": "m", "capsM2": { "beijing": "lots" } }""", "\"capsM2.beijing\" must be a number of square metres")]
    [InlineData("""{ "type": "compensate", "layerKind": "control", "overridable": true, "message": "m", "betterGrade": "best" }""", "\"betterGrade\": \"best\" is not lower or higher")]
    public void a_malformed_rule_names_the_rule_and_the_field(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BalanceRules.Read([Record("B9", json)]));

        Assert.StartsWith("balance-rules/B9: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
