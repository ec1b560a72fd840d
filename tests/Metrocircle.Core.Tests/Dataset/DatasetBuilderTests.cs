using Metrocircle.Core.Dataset;
using Metrocircle.Core.Import;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tests.Dataset;

public sealed class DatasetBuilderTests
{
    private const string CircleLayer = """
        { "id": "zones", "kind": "circle", "titleZh": "圈", "titleEn": "Zones", "description": "d", "geometry": "Polygon", "order": 5,
          "attributes": [ { "name": "kind", "type": "string", "required": true } ],
          "defaults": { "provenance": { "source": "test", "certainty": "indicative", "basis": "test basis" } },
          "features": [
            { "id": "both", "composeOf": ["province:east", "county:wcity/A"], "properties": { "kind": "all" } },
            { "id": "nokind", "composeOf": ["province:east"], "properties": { } }
          ] }
        """;

    private static Task<DatasetBuild> Build(TestDataset d) => DatasetBuilder.BuildAsync(d.Folder, TestContext.Current.CancellationToken);

    [Fact]
    public async Task builds_provinces_cities_and_counties_with_parents()
    {
        using var d = new TestDataset().WithDefaults();
        var build = await Build(d);
        var counties = build.Features.Where(f => f.LayerId == "counties").ToList();
        Assert.Equal(3, counties.Count);
        Assert.Equal(["east", "west"], build.Features.Where(f => f.LayerId == "provinces").Select(f => f.Id));
        var westA = counties.Single(c => c.Properties["cityId"]!.GetValue<string>() == "wcity");
        Assert.Equal("wcity", westA.Properties["parent"]!.GetValue<string>());
        Assert.Equal("西省", westA.Properties["province"]!.GetValue<string>());
        Assert.Equal("wcity", Assert.Single(build.Features, f => f.LayerId == "cities").Id);
    }

    [Fact]
    public async Task composes_a_feature_from_jurisdictions_and_drops_one_missing_a_required_property()
    {
        using var d = new TestDataset().WithDefaults(layers: CircleLayer);
        var build = await Build(d);
        var zone = Assert.Single(build.Features, f => f.LayerId == "zones");
        Assert.Equal("both", zone.Id);
        Assert.Equal(3.0, zone.Geometry!.Area, 1e-9);
        var dropped = Assert.Single(build.Report.Issues, i => i.Action == ImportAction.Dropped);
        Assert.Equal("zones", dropped.Layer);
        Assert.Equal("#nokind", dropped.Feature);
        Assert.Equal("required property \"kind\" is missing", dropped.Message);
    }

    [Fact]
    public async Task repairs_a_self_intersecting_county_and_says_where()
    {
        var bowtie = """{ "type": "Polygon", "coordinates": [[[117, 39], [118, 40], [118, 39], [117, 40], [117, 39]]] }""";
        using var d = new TestDataset().WithDefaults(eastB: bowtie);
        var build = await Build(d);
        var issue = Assert.Single(build.Report.Issues, i => i.Action == ImportAction.Repaired);
        Assert.Equal("B (东省)", issue.Feature);
        Assert.Equal(new Coordinate(117.5, 39.5), issue.Location);
        Assert.True(build.Features.Where(f => f.Geometry is not null).All(f => f.Geometry!.IsValid));
    }

    [Fact]
    public async Task drops_an_empty_county_and_keeps_the_rest()
    {
        using var d = new TestDataset().WithDefaults(eastB: """{ "type": "Polygon", "coordinates": [] }""");
        var build = await Build(d);
        var issue = Assert.Single(build.Report.Issues, i => i.Action == ImportAction.Dropped);
        Assert.Equal("empty geometry", issue.Message);
        Assert.Equal(2, build.Features.Count(f => f.LayerId == "counties"));
    }

    [Fact]
    public async Task trims_the_overlap_between_neighbouring_counties_and_reports_its_area()
    {
        // West's county overlaps East's first county by half a degree of longitude.
        using var d = new TestDataset().WithDefaults(westA: TestDataset.Square(115.5, 39));
        var build = await Build(d);
        var trimmed = Assert.Single(build.Report.Issues, i => i.Action == ImportAction.Trimmed);
        Assert.Equal("A (西市)", trimmed.Feature);
        Assert.Matches(@"removed 4\d\d\d\.\d+ km²", trimmed.Message);
        var counties = build.Features.Where(f => f.LayerId == "counties").Select(f => f.Geometry!).ToList();
        Assert.Equal(0, counties[0].Intersection(counties[2]).Area, 1e-12);
    }

    [Fact]
    public async Task reports_coordinates_out_of_lon_lat_range()
    {
        using var d = new TestDataset().WithDefaults(eastB: TestDataset.Square(450000, 4400000));
        var build = await Build(d);
        Assert.Contains(build.Report.Issues, i => i.Action == ImportAction.Dropped && i.Message.Contains("outside lon/lat range", StringComparison.Ordinal));
    }

    [Fact]
    public async Task matches_each_county_by_name_within_its_parent_and_takes_its_code_as_id()
    {
        // "A" exists under both provinces: only the one below each parent's code may match.
        using var d = new TestDataset().WithDefaults().WithCodes([("100101", "A"), ("100102", "B"), ("200101", "A"), ("200102", "C")]);
        var build = await Build(d);
        Assert.Equal(["100101", "100102", "200101"], build.Features.Where(f => f.LayerId == "counties").Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Contains(build.Report.Notes, n => n.Contains("C (200102)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task fails_naming_a_county_the_code_list_lacks_unless_the_manifest_decides_it()
    {
        using (var d = new TestDataset().WithDefaults().WithCodes([("100101", "A"), ("200101", "A")]))
        {
            var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
            Assert.Contains("B in 东省 (100000)", e.Message, StringComparison.Ordinal);
        }

        var decided = new System.Text.Json.Nodes.JsonObject
        {
            ["B"] = new System.Text.Json.Nodes.JsonObject { ["renamedTo"] = "B2", ["reason"] = "renamed in 2020", ["nameEn"] = "Bee", ["nameEnDerived"] = true, ["formerId"] = "east-02" },
        };
        using (var d = new TestDataset().WithDefaults().WithCodes([("100101", "A"), ("100112", "B2"), ("200101", "A")], decided))
        {
            var build = await Build(d);
            var b = Assert.Single(build.Features, f => f.Id == "100112");
            Assert.Equal("B2", b.Properties["name"]!.GetValue<string>());
            Assert.Equal("B", b.Properties["formerName"]!.GetValue<string>());
            Assert.Equal("east-02", b.Properties["formerId"]!.GetValue<string>());
            var issue = Assert.Single(build.Report.Issues, i => i.Action == ImportAction.Recoded);
            Assert.Contains("renamed in 2020", issue.Message, StringComparison.Ordinal);
        }

        var coded = new System.Text.Json.Nodes.JsonObject { ["B"] = new System.Text.Json.Nodes.JsonObject { ["code"] = "100199", ["reason"] = "abolished; last code kept" } };
        using (var d = new TestDataset().WithDefaults().WithCodes([("100101", "A"), ("200101", "A")], coded))
        {
            var build = await Build(d);
            Assert.Single(build.Features, f => f.Id == "100199");
            Assert.Contains(build.Report.Issues, i => i.Action == ImportAction.Recoded && i.Message.Contains("no longer carries", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task names_the_observation_files_of_the_manifest_and_fails_on_a_missing_one()
    {
        using var d = new TestDataset().WithDefaults();
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(d.Folder, "dataset.json"), TestContext.Current.CancellationToken))!;
        manifest["observations"] = new System.Text.Json.Nodes.JsonArray("observations/official.csv");
        await File.WriteAllTextAsync(Path.Combine(d.Folder, "dataset.json"), manifest.ToJsonString(), TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
        Assert.Contains("observations/official.csv, which does not exist", e.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(d.Folder, "observations"));
        await File.WriteAllTextAsync(Path.Combine(d.Folder, "observations", "official.csv"), "indicator,scope,year,value,unit,source\n", TestContext.Current.CancellationToken);
        var build = await Build(d);
        Assert.Equal([Path.Combine(d.Folder, "observations", "official.csv")], build.ObservationFiles);
    }

    [Fact]
    public async Task a_truncated_boundary_file_fails_with_its_name_and_line()
    {
        using var d = new TestDataset().WithDefaults();
        var path = Path.Combine(d.Folder, "node_modules", "test-boundaries", "shapes", "east.json");
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(path, text[..(text.Length / 2)], TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
        Assert.Contains("east.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON at line 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_truncated_layer_file_fails_with_its_name()
    {
        using var d = new TestDataset().WithDefaults(layers: CircleLayer[..40]);
        var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
        Assert.Contains("l0.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_jurisdiction_reference_names_the_feature()
    {
        using var d = new TestDataset().WithDefaults(layers: CircleLayer.Replace("county:wcity/A", "county:wcity/Z", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
        Assert.Contains("feature both refers to unknown jurisdiction \"county:wcity/Z\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_boundary_package_says_how_to_install_it()
    {
        using var d = new TestDataset().WithDefaults();
        Directory.Delete(Path.Combine(d.Folder, "node_modules"), recursive: true);
        var e = await Assert.ThrowsAsync<DatasetException>(() => Build(d));
        Assert.Contains("npm ci", e.Message, StringComparison.Ordinal);
    }
}
