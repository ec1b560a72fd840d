using System.Text.Json.Nodes;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Core.Tests.Conflicts;

public sealed class ConflictRuleTests
{
    private static PlanFeature Record(string id, JsonObject props) => new(ConflictRule.LayerId, id, null, props, new Provenance("test", Certainty.Indicative, "test"));

    private static JsonObject Valid() => new()
    {
        ["title"] = "t", ["basis"] = "b", ["kindA"] = "control:urban-boundary", ["kindB"] = "sector:flood-zone", ["severity"] = "high", ["minAreaM2"] = 100,
    };

    [Fact]
    public async Task the_default_dataset_declares_its_conflict_rules_as_a_record_layer_that_reads_without_error()
    {
        var file = await DatasetBuilder.ReadLayerFileAsync(Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "conflict-rules.json"),
            new EqualAreaProjection(38.5, 116.5, 36.5, 41.5), CancellationToken.None);

        var rules = ConflictRule.Read(file.Features);

        Assert.Equal(LayerKinds.Record, file.Layer.Kind);
        Assert.Equal(file.Features.Count, rules.Count);
        Assert.Contains(rules, r => (r.KindA, r.KindB) == ("control:urban-boundary", "control:permanent-farmland"));
        Assert.Contains(rules, r => r.KindA.StartsWith("sector:", StringComparison.Ordinal));
    }

    [Fact]
    public void a_severity_outside_high_medium_low_is_refused_with_the_rule_and_field()
    {
        var props = Valid();
        props["severity"] = "critical";

        var e = Assert.Throws<FormatException>(() => ConflictRule.Read([Record("C9", props)]));

        Assert.Contains("conflict-rules/C9", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"severity\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_negative_minimum_mapping_unit_is_refused()
    {
        var props = Valid();
        props["minAreaM2"] = -1;

        var e = Assert.Throws<FormatException>(() => ConflictRule.Read([Record("C9", props)]));

        Assert.Contains("\"minAreaM2\"", e.Message, StringComparison.Ordinal);
    }
}
