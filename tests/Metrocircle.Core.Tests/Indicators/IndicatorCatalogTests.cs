using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Tests.Alignment;

namespace Metrocircle.Core.Tests.Indicators;

public sealed class IndicatorCatalogTests
{
    private static async Task<IReadOnlyList<(Indicator Indicator, ComputedSpec? Computed)>> ShippedAsync()
    {
        var path = Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "layers", "indicators.json");
        var (_, features, report) = await DatasetBuilder.ReadLayerFileAsync(path, new EqualAreaProjection(38.5, 116.5, 36.5, 41.5), TestContext.Current.CancellationToken);
        Assert.Empty(report.Issues);
        return IndicatorCatalog.Read(features);
    }

    [Fact]
    public async Task the_shipped_catalogue_holds_the_targets_the_sources_give_and_no_others()
    {
        var catalogue = await ShippedAsync();
        var population = catalogue.Single(i => i.Indicator.Id == "beijing-resident-population").Indicator;
        Assert.Equal(Direction.Cap, population.Direction);
        var target = Assert.Single(population.Targets);
        Assert.Equal((2035, 23_000_000.0), (target.Year, target.Value));
        Assert.Equal(2760, catalogue.Single(i => i.Indicator.Id == "beijing-construction-land").Indicator.Targets[0].Value);
        Assert.Equal(Direction.Floor, catalogue.Single(i => i.Indicator.Id == "beijing-ecological-control-share").Indicator.Direction);
        Assert.Equal(Direction.Target, catalogue.Single(i => i.Indicator.Id == "beijing-rail-length").Indicator.Direction);
        // Computed indicators have no target in the sources, so none is given.
        Assert.All(catalogue.Where(i => i.Computed is not null), i => Assert.Empty(i.Indicator.Targets));
    }

    [Fact]
    public void computes_the_red_line_share_of_each_county_from_the_layers()
    {
        var values = IndicatorCatalog.Compute(TestPlan.Snapshot, new ComputedSpec("area-share", "control:ecological-redline", "counties")).ToDictionary(v => v.Scope, v => v.Value);
        // The red-line square is 0.1° × 0.1° inside a 0.5° × 0.5° county: 4% of it, give or take the latitude.
        Assert.InRange(values["110112"], 3.9, 4.1);
        Assert.Equal(0, values["110101"]);
    }
}
