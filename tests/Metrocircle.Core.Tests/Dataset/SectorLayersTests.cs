using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Dataset;

/// <summary>Issue 14 item 1: the default dataset's sector layers, and the build holding them to their kind's schema.</summary>
public sealed class SectorLayersTests(CapitalCircleBuild fixture) : IClassFixture<CapitalCircleBuild>
{
    private DatasetBuild Build => fixture.Build;

    private List<string> Ids(string layer) => Build.Features.Where(f => f.LayerId == layer).Select(f => f.Id).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void ships_the_airports_ports_stations_lines_and_parks_the_sources_name_as_sector_layers()
    {
        Assert.Equal(
            [("sector-airports", "sector:transport", LayerGeometry.Point), ("sector-ecology", "sector:ecology", LayerGeometry.Polygon),
             ("sector-industry", "sector:industry", LayerGeometry.Polygon), ("sector-ports", "sector:transport", LayerGeometry.Point),
             ("sector-rail", "sector:transport", LayerGeometry.LineString), ("sector-stations", "sector:transport", LayerGeometry.Point)],
            Build.Layers.Where(l => l.Kind.StartsWith("sector:", StringComparison.Ordinal)).Select(l => (l.Id, l.Kind, l.Geometry)).OrderBy(t => t.Id, StringComparer.Ordinal));
        Assert.Equal(["pek", "pkx", "sjw", "tsn"], Ids("sector-airports"));
        Assert.Equal(["huanghua-port", "qinhuangdao-port", "tangshan-caofeidian", "tianjin-port"], Ids("sector-ports"));
        Assert.Equal(["jingjin-intercity", "jingxiong-intercity", "line-22"], Ids("sector-rail"));
        Assert.Equal(["tianjin-south", "wuqing"], Ids("sector-stations"));
        Assert.Contains("huairou-science-city", Ids("sector-industry"));
    }

    [Fact]
    public void every_sector_feature_fits_its_kind_and_none_claims_to_be_surveyed()
    {
        var sector = Build.Features.Where(f => f.LayerId.StartsWith("sector-", StringComparison.Ordinal)).ToList();
        var kinds = Build.Layers.ToDictionary(l => l.Id, l => l.Kind);

        Assert.NotEmpty(sector);
        Assert.All(sector, f =>
        {
            Assert.Empty(KindSchemas.For(kinds[f.LayerId])!.Check(f.Properties));
            Assert.NotEqual(Certainty.Confirmed, f.Provenance.Certainty);
            Assert.False(string.IsNullOrWhiteSpace(f.Provenance.Basis), $"{f.LayerId}/{f.Id} states no basis");
        });
    }

    [Fact]
    public void the_ecology_layer_names_nothing_so_it_is_synthetic_throughout_and_says_so()
    {
        var layer = Build.Layers.Single(l => l.Id == "sector-ecology");

        Assert.StartsWith("SYNTHETIC", layer.Description, StringComparison.Ordinal);
        Assert.Contains("SYNTHETIC", layer.TitleEn, StringComparison.Ordinal);
        Assert.All(Build.Features.Where(f => f.LayerId == "sector-ecology"), f => Assert.Equal(Certainty.Synthetic, f.Provenance.Certainty));
    }

    [Fact]
    public void huairou_science_city_is_drawn_at_its_stated_area()
    {
        var city = Build.Features.Single(f => f.LayerId == "sector-industry" && f.Id == "huairou-science-city");

        Assert.InRange(Build.Projection.Area(city.Geometry!) / 1e6, 99.5, 102.5);
    }

    [Fact]
    public async Task a_shipped_value_outside_the_kinds_codes_stops_the_build_naming_the_feature()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mc-sector-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            { "id": "t", "kind": "sector:transport", "titleZh": "t", "titleEn": "t", "description": "t", "geometry": "Point", "order": 1,
              "attributes": [], "defaults": { "provenance": { "source": "test", "certainty": "synthetic", "basis": "test" } },
              "features": [
                { "id": "ok", "geometry": { "type": "Point", "coordinates": [116, 39] }, "properties": { "mode": "port", "status": "built" } },
                { "id": "bad", "geometry": { "type": "Point", "coordinates": [116, 39] }, "properties": { "mode": "ferry", "status": "built" } } ] }
            """, TestContext.Current.CancellationToken);
        try
        {
            var e = await Assert.ThrowsAsync<DatasetException>(() => DatasetBuilder.ReadLayerFileAsync(path, Build.Projection, TestContext.Current.CancellationToken));

            Assert.Contains("feature bad: \"mode\" of sector:transport must be one of rail, road, airport, port, station, not \"ferry\"", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void sector_kinds_are_layer_kinds()
    {
        Assert.True(LayerKinds.IsValid(KindSchemas.Transport));
        Assert.True(LayerKinds.IsValid("sector:flood-zone"));
        Assert.False(LayerKinds.IsValid("sectors:transport"));
        Assert.Null(KindSchemas.For("sector:flood-zone"));
    }
}
