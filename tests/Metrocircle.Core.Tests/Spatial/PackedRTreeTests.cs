using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Tiles;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Spatial;

/// <summary>
/// The one packed R-tree, used by the alignment snapshot and the tile snapshot, against a brute-force scan of the same
/// boxes: it must return every box that meets the query, and nothing farther than float rounding from it.
/// </summary>
public sealed class PackedRTreeTests
{
    private static double[] RandomBoxes(int count, double originX, double originY, double span, double maxSize, ulong seed)
    {
        var random = new SplitMix64(seed);
        var bounds = new double[4 * count];
        for (var i = 0; i < count; i++)
        {
            var x = originX + random.Between(0, span);
            var y = originY + random.Between(0, span);
            var w = random.LogUniform(maxSize / 1000, maxSize);
            var h = random.LogUniform(maxSize / 1000, maxSize);
            (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]) = (x, y, x + w, y + h);
        }

        return bounds;
    }

    private static bool Meets(double[] b, int i, double minX, double minY, double maxX, double maxY, double slack = 0) =>
        b[4 * i] <= maxX + slack && b[(4 * i) + 2] >= minX - slack && b[(4 * i) + 1] <= maxY + slack && b[(4 * i) + 3] >= minY - slack;

    // Albers metres of the plan area (the alignment snapshot) and EPSG:3857 metres around Beijing (the tile snapshot).
    [Theory]
    [InlineData(0, 0.0, 0.0, 1, 1000.0, 0.0)]
    [InlineData(1, 0.0, 0.0, 1, 1000.0, 0.0)]
    [InlineData(17, 0.0, 0.0, 2, 1000.0, 0.0)]
    [InlineData(5000, 200000.0, -300000.0, 3, 500000.0, 0.2)]
    [InlineData(5000, 12950000.0, 4850000.0, 4, 300000.0, 2.0)]
    public void returns_every_box_that_meets_the_query_and_none_beyond_float_rounding(int count, double originX, double originY, ulong seed, double span, double rounding)
    {
        var bounds = RandomBoxes(count, originX, originY, span, span / 50, seed);
        var tree = new PackedRTree(bounds);
        Assert.Equal(count, tree.Count);
        Assert.Equal(Enumerable.Range(0, count), tree.Order.Order());

        var random = new SplitMix64(seed + 100);
        var slots = new List<int>();
        for (var q = 0; q < 200; q++)
        {
            var minX = originX + random.Between(-span / 10, span);
            var minY = originY + random.Between(-span / 10, span);
            var size = random.LogUniform(span / 10000, span / 5);
            var (maxX, maxY) = (minX + size, minY + size);
            slots.Clear();
            tree.Query(minX, minY, maxX, maxY, slots);
            var found = slots.Select(s => tree.Order[s]).ToHashSet();
            Assert.Equal(slots.Count, found.Count);
            var expected = Enumerable.Range(0, count).Where(i => Meets(bounds, i, minX, minY, maxX, maxY)).ToList();
            Assert.Superset(expected.ToHashSet(), found);
            Assert.All(found, i => Assert.True(Meets(bounds, i, minX, minY, maxX, maxY, rounding), $"box {i} is farther than {rounding} from the query"));
            Assert.Equal(found.Count > 0, tree.Any(minX, minY, maxX, maxY));
        }
    }

    [Fact]
    public void a_box_touching_the_query_at_an_edge_or_corner_is_returned()
    {
        double[] bounds = [0, 0, 10, 10, 20, 20, 30, 30, 100, 100, 110, 110];
        var tree = new PackedRTree(bounds);
        var slots = new List<int>();
        tree.Query(10, 10, 20, 20, slots);
        Assert.Equal([0, 1], slots.Select(s => tree.Order[s]).Order());
        Assert.False(tree.Any(40, 40, 90, 90));
    }

    [Fact]
    public void an_empty_tree_finds_nothing()
    {
        var tree = new PackedRTree([]);
        var slots = new List<int>();
        tree.Query(double.MinValue, double.MinValue, double.MaxValue, double.MaxValue, slots);
        Assert.Empty(slots);
        Assert.False(tree.Any(double.MinValue, double.MinValue, double.MaxValue, double.MaxValue));
    }

    [Fact]
    public void tile_candidates_are_exactly_the_features_whose_bounds_meet_the_box_in_storage_order_with_their_layer_position()
    {
        // Points 0.3 m apart in EPSG:3857 at Beijing, where a float step is 1 m: the float tree alone would return
        // neighbours of the box; the tile snapshot must not, or tiles would change with the tree.
        var wkt = new WKTReader(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));
        var features = Enumerable.Range(0, 400).Select(i => new PlanFeature("test", i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            wkt.Read(FormattableString.Invariant($"POINT ({116.4 + (i % 20 * 0.0000027)} {39.9 + (i / 20 * 0.0000027)})")), [],
            new Provenance("test", Certainty.Synthetic))).ToArray();
        var snapshot = TileSnapshot.Build("test", features);
        // Each point's bounds are the point itself in EPSG:3857, computed here apart from the snapshot.
        var b = features.SelectMany(f => WebMercatorQuad.Project(f.Geometry!.Coordinate.X, f.Geometry.Coordinate.Y) is var (x, y) ? new[] { x, y, x, y } : []).ToArray();
        var random = new SplitMix64(7);
        for (var q = 0; q < 100; q++)
        {
            var minX = b[0] + random.Between(-2, 8);
            var minY = b[1] + random.Between(-2, 10);
            var size = random.Between(0, 8);
            var expected = Enumerable.Range(0, snapshot.Count).Where(i => Meets(b, i, minX, minY, minX + size, minY + size)).ToList();
            List<TileCandidate> candidates = [];
            snapshot.Candidates(minX, minY, minX + size, minY + size, [], candidates);
            Assert.Equal(expected, candidates.Select(c => c.Layer).Order());
            Assert.True(candidates.Zip(candidates.Skip(1)).All(p => p.First.Feature < p.Second.Feature), "candidates out of storage order");
            Assert.All(candidates, c => Assert.Equal(c.Layer, snapshot.LayerIndex(c.Feature)));
        }
    }

    [Fact]
    public void a_tile_candidate_is_marked_for_clipping_exactly_when_its_bounds_reach_outside_the_box()
    {
        // Squares of 100 m on a 10 × 10 grid in EPSG:3857 (built in lon/lat from the projected corners); boxes cut
        // through the grid, so some squares lie inside, some across the edge and some outside.
        var wkt = new WKTReader(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));
        var (x0, y0) = WebMercatorQuad.Project(116.4, 39.9);
        var squares = Enumerable.Range(0, 100).Select(i => (MinX: x0 + (i % 10 * 150), MinY: y0 + (i / 10 * 150))).ToArray();
        string Corner(double x, double y) => WebMercatorQuad.Unproject(x, y) is var (lon, lat) ? FormattableString.Invariant($"{lon:R} {lat:R}") : "";
        var features = squares.Select((s, i) => new PlanFeature("test", i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            wkt.Read($"POLYGON (({Corner(s.MinX, s.MinY)}, {Corner(s.MinX + 100, s.MinY)}, {Corner(s.MinX + 100, s.MinY + 100)}, {Corner(s.MinX, s.MinY + 100)}, {Corner(s.MinX, s.MinY)}))"),
            [], new Provenance("test", Certainty.Synthetic))).ToArray();
        var snapshot = TileSnapshot.Build("test", features);
        var random = new SplitMix64(11);
        var (inside, across) = (0, 0);
        for (var q = 0; q < 50; q++)
        {
            var minX = x0 + random.Between(-200, 1200);
            var minY = y0 + random.Between(-200, 1200);
            var maxX = minX + random.Between(50, 800);
            var maxY = minY + random.Between(50, 800);
            List<TileCandidate> candidates = [];
            snapshot.Candidates(minX, minY, maxX, maxY, [], candidates);
            var expected = Enumerable.Range(0, snapshot.Count).Select(f => (f, b: snapshot.BoundsOf(f)))
                .Where(e => e.b.MinX <= maxX && e.b.MaxX >= minX && e.b.MinY <= maxY && e.b.MaxY >= minY)
                .Select(e => new TileCandidate(e.f, snapshot.LayerIndex(e.f), e.b.MinX < minX || e.b.MaxX > maxX || e.b.MinY < minY || e.b.MaxY > maxY))
                .ToList();
            Assert.Equal(expected, candidates);
            inside += candidates.Count(c => !c.Clip);
            across += candidates.Count(c => c.Clip);
        }

        Assert.True(inside > 0 && across > 0, $"{inside} inside, {across} across: the boxes should give both");
    }
}
