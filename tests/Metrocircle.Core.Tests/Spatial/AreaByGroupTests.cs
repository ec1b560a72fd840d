using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Spatial;

public sealed class AreaByGroupTests
{
    private static readonly EqualAreaProjection Region = new(lat0: 38.5, lon0: 116.5, lat1: 36.5, lat2: 41.5);
    private static readonly WKTReader Wkt = new();

    private static Geometry G(string wkt) => Wkt.Read(wkt);

    private static async IAsyncEnumerable<Geometry?> Stream(IEnumerable<Geometry?> items)
    {
        foreach (var g in items)
        {
            await Task.Yield();
            yield return g;
        }
    }

    // West and east halves of a square degree, and a group overlapping the east half's southern strip.
    private static AreaByGroup Groups() => new(Region,
    [
        ("west", G("POLYGON ((116 39, 116.5 39, 116.5 40, 116 40, 116 39))")),
        ("east", G("POLYGON ((116.5 39, 117 39, 117 40, 116.5 40, 116.5 39))")),
        ("strip", G("MULTIPOLYGON (((116.6 39, 116.9 39, 116.9 39.2, 116.6 39.2, 116.6 39)))")),
        ("empty", null),
    ]);

    [Fact]
    public async Task each_feature_adds_its_whole_equal_area_area_to_the_groups_holding_its_point_on_surface()
    {
        // A parcel straddling the west/east line with most of it in the west; its point on surface lies west.
        var straddling = G("POLYGON ((116.4 39.5, 116.55 39.5, 116.55 39.52, 116.4 39.52, 116.4 39.5))");
        var inEast = G("POLYGON ((116.7 39.6, 116.71 39.6, 116.71 39.61, 116.7 39.61, 116.7 39.6))");
        var inStripAndEast = G("POLYGON ((116.7 39.05, 116.71 39.05, 116.71 39.06, 116.7 39.06, 116.7 39.05))");
        var outside = G("POLYGON ((118 39, 118.01 39, 118.01 39.01, 118 39.01, 118 39))");
        // A concave U: its centroid lies in the gap between its arms, its point on surface on the polygon itself.
        var u = G("POLYGON ((116.3 39.3, 116.49 39.3, 116.49 39.4, 116.47 39.4, 116.47 39.32, 116.32 39.32, 116.32 39.4, 116.3 39.4, 116.3 39.3))");

        var result = await Groups().SumAsync(Stream([straddling, inEast, inStripAndEast, outside, u, null, G("POLYGON EMPTY")]), TestContext.Current.CancellationToken);

        var byId = result.Groups.ToDictionary(g => g.Id);
        Assert.Equal(["west", "east", "strip", "empty"], result.Groups.Select(g => g.Id));
        Assert.Equal(7, result.Features);
        Assert.Equal(2, byId["west"].Count);
        Assert.Equal(Region.Area(straddling) + Region.Area(u), byId["west"].AreaM2, 1e-6);
        Assert.Equal(2, byId["east"].Count);
        Assert.Equal(Region.Area(inEast) + Region.Area(inStripAndEast), byId["east"].AreaM2, 1e-6);
        Assert.Equal(1, byId["strip"].Count);
        Assert.Equal(Region.Area(inStripAndEast), byId["strip"].AreaM2, 1e-6);
        Assert.Equal(0, byId["empty"].Count);
        Assert.Equal(3, result.UnassignedCount);
        Assert.Equal(Region.Area(outside), result.UnassignedAreaM2, 1e-6);
        Assert.InRange(Region.Area(straddling), 1e7, 1e8);
    }

    [Fact]
    public async Task a_point_on_a_shared_boundary_counts_in_both_groups_as_an_intersects_join_does()
    {
        // On the central meridian both the point and the west/east edge project to x = 0 exactly.
        var result = await Groups().SumAsync(Stream([G("POINT (116.5 39.5)")]), TestContext.Current.CancellationToken);

        Assert.Equal([1L, 1L, 0L, 0L], result.Groups.Select(g => g.Count));
        Assert.Equal([0.0, 0.0, 0.0, 0.0], result.Groups.Select(g => g.AreaM2));
        Assert.Equal(0, result.UnassignedCount);
    }

    [Fact]
    public async Task many_batches_sum_to_the_same_areas_and_counts_as_one_pass_over_the_features()
    {
        // 3 x 4096 + 5 parcels on a grid over both halves: more batches than workers.
        var parcels = Enumerable.Range(0, (3 * 4096) + 5).Select(i =>
        {
            var (x, y) = (116.001 + (i % 120 * 0.0083), 39.001 + (i / 120 * 0.0095));
            return G(FormattableString.Invariant($"POLYGON (({x} {y}, {x + 0.004} {y}, {x + 0.002} {y + 0.005}, {x} {y}))"));
        }).ToList();
        var west = parcels.Where(p => Region.Project(p).InteriorPoint.X < Region.Forward(116.5, 39.5).X).ToList();

        var result = await Groups().SumAsync(Stream(parcels), TestContext.Current.CancellationToken);

        Assert.Equal(parcels.Count, result.Features);
        Assert.Equal(west.Count, result.Groups[0].Count);
        Assert.Equal(parcels.Count - west.Count, result.Groups[1].Count);
        var westArea = west.Sum(Region.Area);
        Assert.Equal(westArea, result.Groups[0].AreaM2, westArea * 1e-12);
        Assert.Equal(0, result.UnassignedCount);
    }

    private static async IAsyncEnumerable<byte[]?> Wkb(IEnumerable<Geometry?> items, ByteOrder order)
    {
        var writer = new WKBWriter(order, handleSRID: false);
        foreach (var g in items)
        {
            await Task.Yield();
            yield return g is null ? null : writer.Write(g);
        }
    }

    [Theory]
    [InlineData(ByteOrder.LittleEndian)]
    [InlineData(ByteOrder.BigEndian)]
    public async Task summing_wkb_gives_to_the_bit_what_summing_decoded_geometries_gives(ByteOrder order)
    {
        // Small parcels over the whole square degree and beyond it (most lie wholly inside one group, some across the
        // west/east line or the strip's edges, some outside), with holes, multipolygons, lines, points and nothing.
        var random = new Random(15);
        var features = new List<Geometry?>();
        for (var i = 0; i < 20_000; i++)
        {
            var (x, y, w, h) = (115.95 + (random.NextDouble() * 1.1), 38.95 + (random.NextDouble() * 1.1), 0.0005 + (random.NextDouble() * 0.01), 0.0005 + (random.NextDouble() * 0.01));
            var square = FormattableString.Invariant($"({x} {y}, {x + w} {y}, {x + w} {y + h}, {x} {y + h}, {x} {y})");
            var hole = FormattableString.Invariant($"({x + (w / 4)} {y + (h / 4)}, {x + (w / 4)} {y + (h / 2)}, {x + (w / 2)} {y + (h / 2)}, {x + (w / 4)} {y + (h / 4)})");
            var triangle = FormattableString.Invariant($"(({x + w} {y}, {x + (2 * w)} {y}, {x + w} {y + h}, {x + w} {y}))");
            features.Add((i % 10) switch
            {
                0 => G($"POLYGON ({square}, {hole})"),
                1 => G($"MULTIPOLYGON (({square}), {triangle})"),
                2 => G(FormattableString.Invariant($"LINESTRING ({x} {y}, {x + w} {y + h})")),
                3 => G(FormattableString.Invariant($"POINT ({x} {y})")),
                4 => i % 20 == 4 ? null : G("POLYGON EMPTY"),
                _ => G($"POLYGON ({square})"),
            });
        }

        // A parcel on the strip's corner, one straddling the west/east line, and a zero-area sliver.
        features.Add(G("POLYGON ((116.59 38.99, 116.61 38.99, 116.61 39.01, 116.59 39.01, 116.59 38.99))"));
        features.Add(G("POLYGON ((116.49 39.5, 116.52 39.5, 116.52 39.51, 116.49 39.51, 116.49 39.5))"));
        features.Add(G("POLYGON ((116.2 39.2, 116.3 39.3, 116.2 39.2, 116.2 39.2))"));

        var byGeometry = await Groups().SumAsync(Stream(features), TestContext.Current.CancellationToken);
        var byWkb = await Groups().SumWkbAsync(Wkb(features, order), TestContext.Current.CancellationToken);

        Assert.Equal(byGeometry.Features, byWkb.Features);
        Assert.Equal(byGeometry.UnassignedCount, byWkb.UnassignedCount);
        Assert.Equal(BitConverter.DoubleToInt64Bits(byGeometry.UnassignedAreaM2), BitConverter.DoubleToInt64Bits(byWkb.UnassignedAreaM2));
        Assert.Equal(byGeometry.Groups.Select(g => (g.Id, g.Count, BitConverter.DoubleToInt64Bits(g.AreaM2))), byWkb.Groups.Select(g => (g.Id, g.Count, BitConverter.DoubleToInt64Bits(g.AreaM2))));
        Assert.All(byWkb.Groups.Take(3), g => Assert.True(g.Count > 100, $"{g.Id} holds {g.Count} parcels"));
        Assert.True(byWkb.UnassignedCount > 100);
    }

    [Fact]
    public void names_an_unknown_layer_an_unknown_group_layer_and_a_group_layer_without_polygons()
    {
        PlanLayer Layer(string id, LayerGeometry geometry) => new(id, LayerKinds.Thematic, id, id, "", geometry, 0, []);
        IReadOnlyList<PlanLayer> layers = [Layer("counties", LayerGeometry.Polygon), Layer("farmland", LayerGeometry.Polygon), Layer("towns", LayerGeometry.Point)];

        Assert.Null(AreaByGroup.Problem("p@1", layers, "farmland", "counties"));
        Assert.Equal("plan version p@1 has no layer \"nope\"; layers: counties, farmland, towns", AreaByGroup.Problem("p@1", layers, "nope", "counties"));
        Assert.Equal("plan version p@1 has no group layer \"nope\"; layers: counties, farmland, towns", AreaByGroup.Problem("p@1", layers, "farmland", "nope"));
        Assert.Equal("group layer \"towns\" holds Point features; grouping needs a layer of polygons (counties, farmland)", AreaByGroup.Problem("p@1", layers, "farmland", "towns"));
    }
}
