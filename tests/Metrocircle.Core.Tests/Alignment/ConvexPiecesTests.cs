using Metrocircle.Core.Alignment;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Metrocircle.Core.Tests.Alignment;

public sealed class ConvexPiecesTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 0);

    private static Polygon PieceAsPolygon(double[] ring)
    {
        var points = Enumerable.Range(0, ring.Length / 2).Select(k => new Coordinate(ring[2 * k], ring[(2 * k) + 1])).ToList();
        points.Add(points[0].Copy());
        return Factory.CreatePolygon([.. points]);
    }

    // Vertices whose turn goes right, in the shell's counter-clockwise order (the turn measured as the pieces' merge does).
    private static int ReflexVertices(Polygon polygon)
    {
        var shell = polygon.Shell.Coordinates[..^1];
        if (!NetTopologySuite.Algorithm.Orientation.IsCCW(polygon.Shell.CoordinateSequence))
        {
            Array.Reverse(shell);
        }

        var n = shell.Length;
        var reflex = 0;
        for (var i = 0; i < n; i++)
        {
            var (a, b, c) = (shell[(i + n - 1) % n], shell[i], shell[(i + 1) % n]);
            reflex += ((b.X - a.X) * (c.Y - b.Y)) - ((b.Y - a.Y) * (c.X - b.X)) < 0 ? 1 : 0;
        }

        return reflex;
    }

    // Every piece convex and counter-clockwise, the pieces' areas adding up to the feature's, and their union the feature.
    private static void AssertTiles(Geometry polygonal, List<double[]> pieces)
    {
        var polygons = pieces.Select(PieceAsPolygon).ToList();
        foreach (var (piece, polygon) in pieces.Zip(polygons))
        {
            Assert.Equal(piece, ConvexClip.ConvexRing(polygon));
        }

        var sum = polygons.Sum(p => p.Area);
        Assert.Equal(polygonal.Area, sum, 1e-9 * polygonal.Area);
        var union = OverlayNGRobust.Union((Geometry)Factory.CreateMultiPolygon([.. polygons]));
        Assert.Equal(sum, union.Area, 1e-9 * polygonal.Area);
        Assert.True(OverlayNGRobust.Overlay(union, polygonal, SpatialFunction.SymDifference).Area <= 1e-9 * polygonal.Area, $"{union.AsText()} <> {polygonal.AsText()}");
    }

    [Theory]
    // A lattice cell whose bottom midpoint sits a metre inside (one reflex vertex; the top midpoint is straight on).
    [InlineData("POLYGON ((0 0, 50 1, 100 0, 100 100, 50 100, 0 100, 0 0))", 2)]
    [InlineData("POLYGON ((0 0, 20 0, 20 10, 10 10, 10 20, 0 20, 0 0))", 2)]
    [InlineData("POLYGON ((0 20, 10 20, 10 10, 20 10, 20 0, 0 0, 0 20))", 2)]
    // A deep notch: no diagonal from its reflex vertex leaves both sides convex, so three pieces (two would need a new point).
    [InlineData("POLYGON ((400000 300000, 401200 300000, 401200 301200, 400600 300500, 400000 301200, 400000 300000))", 3)]
    // A comb of three teeth on a base: four reflex vertices, four pieces (at most 2r + 1 = 9).
    [InlineData("POLYGON ((0 0, 50 0, 50 30, 40 30, 40 10, 30 10, 30 30, 20 30, 20 10, 10 10, 10 30, 0 30, 0 0))", 4)]
    public void a_concave_parcel_is_a_few_convex_pieces_that_tile_it(string wkt, int expected)
    {
        var polygon = Wkt.Read(wkt);

        var pieces = ConvexPieces.Of(polygon);

        Assert.NotNull(pieces);
        Assert.Equal(expected, pieces.Count);
        AssertTiles(polygon, pieces);
    }

    [Fact]
    public void a_polygon_with_a_hole_and_a_two_part_multipolygon_are_tiled_too()
    {
        foreach (var wkt in new[]
        {
            "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (30 30, 30 60, 60 60, 60 30, 30 30))",
            "MULTIPOLYGON (((0 0, 20 0, 20 10, 10 10, 10 20, 0 20, 0 0)), ((30 0, 40 0, 40 10, 30 10, 30 0)))",
        })
        {
            var polygonal = Wkt.Read(wkt);
            var pieces = ConvexPieces.Of(polygonal);
            Assert.NotNull(pieces);
            AssertTiles(polygonal, pieces);
        }
    }

    [Fact]
    public void random_star_shaped_parcels_are_tiled_by_at_most_two_pieces_per_reflex_vertex_plus_one()
    {
        var random = new Random(20261205);
        var (merged, triangles) = (0, 0);
        for (var trial = 0; trial < 1500; trial++)
        {
            // Vertices round a centre at projected magnitudes, at random radii: concave, nearly convex or convex.
            var n = random.Next(4, 30);
            var (cx, cy) = ((random.NextDouble() * 2e6) - 1e6, 4e6 + (random.NextDouble() * 1e6));
            var spread = random.Next(3) switch { 0 => 0.01, 1 => 0.3, _ => 0.9 };
            var angles = Enumerable.Range(0, n).Select(k => (k + (0.8 * random.NextDouble())) * 2 * Math.PI / n).ToList();
            var points = angles.Select(a =>
            {
                var r = 200 * (1 - (spread * random.NextDouble()));
                return new Coordinate(cx + (r * Math.Cos(a)), cy + (r * Math.Sin(a)));
            }).ToList();
            if (random.Next(2) == 0)
            {
                points.Reverse();
            }

            points.Add(points[0].Copy());
            var polygon = Factory.CreatePolygon([.. points]);
            Assert.True(polygon.IsValid, polygon.AsText());

            var pieces = ConvexPieces.Of(polygon);

            Assert.NotNull(pieces);
            AssertTiles(polygon, pieces);
            Assert.True(pieces.Count <= (2 * ReflexVertices(polygon)) + 1, $"{pieces.Count} pieces, {ReflexVertices(polygon)} reflex: {polygon.AsText()}");
            merged += pieces.Count;
            triangles += n - 2;
        }

        // Far fewer pieces than the triangles they were merged from.
        Assert.True(merged < triangles / 2, $"{merged} pieces from {triangles} triangles");
    }

    [Fact]
    public void a_footprint_clipped_against_the_pieces_overlaps_a_concave_parcel_by_the_overlay_area()
    {
        var random = new Random(4527);
        for (var trial = 0; trial < 300; trial++)
        {
            var n = random.Next(5, 16);
            var points = Enumerable.Range(0, n).Select(k =>
            {
                var (a, r) = ((k + (0.8 * random.NextDouble())) * 2 * Math.PI / n, 100 * (1 - (0.6 * random.NextDouble())));
                return new Coordinate(450000 + (r * Math.Cos(a)), 4400000 + (r * Math.Sin(a)));
            }).ToList();
            points.Add(points[0].Copy());
            var parcel = Factory.CreatePolygon([.. points]);
            var (x, y) = (450000 + (random.NextDouble() * 200) - 150, 4400000 + (random.NextDouble() * 200) - 150);
            var footprint = Factory.CreatePolygon([new(x, y), new(x + 100, y), new(x + 100, y + 60), new(x + 30, y + 60), new(x + 30, y + 100), new(x, y + 100), new(x, y)]);
            var flat = FlatPolygons.From(footprint)!;

            var clipped = ConvexPieces.Of(parcel)!.Sum(piece => ConvexClip.Intersection(flat, piece).Area);

            var expected = OverlayNGRobust.Overlay(footprint, parcel, SpatialFunction.Intersection).Area;
            Assert.Equal(expected, clipped, 1e-7 * parcel.Area);
        }
    }
}
