using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Alignment;

/// <summary>
/// <see cref="CheckContext.Intersecting"/>, <see cref="CheckContext.IntersectsAny"/> and
/// <see cref="CheckContext.IsCoveredBy"/> answer without overlap areas (separation and clipping on flat rings for
/// convex parcels, the boundary index for complex features) and must agree with NTS's <c>Intersects</c> and
/// <c>Covers</c> — PostGIS's ST_Intersects and ST_Covers — including shared edges, touching corners and holes.
/// </summary>
public sealed class CheckContextIntersectingTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanVersion Version = new("metric@1", "metric", 1, "metric", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch);

    private const string Square = "POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))";
    private const string Concave = "POLYGON ((400000 300000, 401200 300000, 401200 301200, 400600 300500, 400000 301200, 400000 300000))";

    private static CheckContext Context(SnapshotLayer layer, string footprint, double tolerance = 0)
    {
        var snapshot = PlanSnapshot.FromProjected(Version, new PlanSettings(TestPlan.Snapshot.Projection, tolerance), [layer], []);
        var metric = Wkt.Read(footprint);
        return new CheckContext(snapshot, new Footprint(metric, metric, "housing", null, [], "test"));
    }

    private static SnapshotLayer Layer(params Geometry[] features) =>
        new(new PlanLayer("l", "control:l", "l", "l", "l", LayerGeometry.Polygon, 1, []),
            features.Select((g, i) => new SnapshotFeature("f" + i, g, [])).ToList());

    // A county-like feature: 129 vertices, so it goes through the prepared and boundary-index paths.
    private static Geometry Complex() =>
        GeoJsonGeometry.MetricFactory.CreatePoint(new Coordinate(400000, 300000)).Buffer(2000, 32);

    [Theory]
    [InlineData(Square, "POLYGON ((400500 300500, 401500 300500, 401500 301500, 400500 301500, 400500 300500))", true)]
    [InlineData(Square, "POLYGON ((401000 300200, 402000 300200, 402000 300800, 401000 300800, 401000 300200))", true)]
    [InlineData(Square, "POLYGON ((401000 301000, 402000 301000, 402000 302000, 401000 302000, 401000 301000))", true)]
    [InlineData(Square, "POLYGON ((401000.001 300200, 402000 300200, 402000 300800, 401000.001 300800, 401000.001 300200))", false)]
    [InlineData(Square, "POLYGON ((400200 300200, 400300 300200, 400300 300300, 400200 300300, 400200 300200))", true)]
    [InlineData(Square, "POLYGON ((399000 299000, 402000 299000, 402000 302000, 399000 302000, 399000 299000))", true)]
    [InlineData(Square, "POLYGON ((399000 299000, 402000 299000, 402000 302000, 399000 302000, 399000 299000), (399900 299900, 401100 299900, 401100 301100, 399900 301100, 399900 299900))", false)]
    [InlineData(Square, "POLYGON ((399000 299000, 402000 299000, 402000 302000, 399000 302000, 399000 299000), (400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000))", true)]
    [InlineData(Square, "POLYGON ((401500 299500, 401500 301500, 400500 301500, 401000 300500, 400500 299500, 401500 299500))", true)]
    [InlineData(Square, "MULTIPOLYGON (((399000 299000, 399500 299000, 399500 299500, 399000 299500, 399000 299000)), ((400900 300900, 401500 300900, 401500 301500, 400900 301500, 400900 300900)))", true)]
    [InlineData(Concave, "POLYGON ((400500 300800, 400700 300800, 400700 301100, 400500 301100, 400500 300800))", false)]
    [InlineData(Concave, "POLYGON ((400500 300400, 400700 300400, 400700 300600, 400500 300600, 400500 300400))", true)]
    [InlineData(Concave, "POLYGON ((400600 300500, 400700 300800, 400500 300800, 400600 300500))", true)]
    public void intersecting_agrees_with_the_intersects_predicate_for_parcels(string parcel, string footprint, bool expected)
    {
        var feature = Wkt.Read(parcel);
        Assert.Equal(expected, feature.Intersects(Wkt.Read(footprint)));
        var layer = Layer(feature);

        foreach (var tolerance in new[] { 0, 1.0 })
        {
            var ctx = Context(layer, footprint, tolerance);
            Assert.Equal(expected ? 1 : 0, ctx.Intersecting(layer).Count);
            Assert.Equal(expected, ctx.IntersectsAny(layer));
        }
    }

    [Theory]
    [InlineData("POLYGON ((399500 299500, 400500 299500, 400500 300500, 399500 300500, 399500 299500))", true, true)]
    [InlineData("POLYGON ((401000 299000, 403000 299000, 403000 300500, 401000 300500, 401000 299000))", true, false)]
    [InlineData("POLYGON ((401700 301700, 401900 301700, 401900 301900, 401700 301900, 401700 301700))", false, false)]
    [InlineData("POLYGON ((402000.5 299900, 402100 299900, 402100 300100, 402000.5 300100, 402000.5 299900))", false, false)]
    [InlineData("POLYGON ((402000 299000, 403000 299000, 403000 301000, 402000 301000, 402000 299000))", true, false)]
    [InlineData("POLYGON ((401000 300000, 402000 300000, 401000 300100, 401000 300000))", true, true)]
    public void intersecting_and_covered_by_agree_with_the_predicates_for_a_complex_feature(string footprint, bool intersects, bool covered)
    {
        var feature = Complex();
        var site = Wkt.Read(footprint);
        Assert.Equal(intersects, feature.Intersects(site));
        Assert.Equal(covered, feature.Covers(site));
        var layer = Layer(feature);
        var ctx = Context(layer, footprint);

        Assert.Equal(intersects ? 1 : 0, ctx.Intersecting(layer).Count);
        Assert.Equal(covered, ctx.IsCoveredBy(layer.Features[0]));
    }

    // A county-like feature with a hole and a second part: ring crossings count holes and parts alike.
    private static Geometry Donut()
    {
        var factory = GeoJsonGeometry.MetricFactory;
        var ring = factory.CreatePoint(new Coordinate(400000, 300000)).Buffer(2000, 32).Difference(factory.CreatePoint(new Coordinate(400000, 300000)).Buffer(800, 32));
        var island = factory.CreatePoint(new Coordinate(406000, 300000)).Buffer(1000, 32);
        return factory.CreateMultiPolygon([(Polygon)ring, (Polygon)island]);
    }

    [Theory]
    [InlineData("POLYGON ((399900 299900, 400100 299900, 400100 300100, 399900 300100, 399900 299900))", false, false)]
    [InlineData("POLYGON ((401200 299900, 401400 299900, 401400 300100, 401200 300100, 401200 299900))", true, true)]
    [InlineData("POLYGON ((398600 299900, 398800 299900, 398800 300100, 398600 300100, 398600 299900))", true, true)]
    [InlineData("POLYGON ((400700 299900, 401000 299900, 401000 300100, 400700 300100, 400700 299900))", true, false)]
    [InlineData("POLYGON ((405900 299900, 406100 299900, 406100 300100, 405900 300100, 405900 299900))", true, true)]
    [InlineData("POLYGON ((403500 299900, 403700 299900, 403700 300100, 403500 300100, 403500 299900))", false, false)]
    [InlineData("POLYGON ((399000 301900, 399100 301900, 399100 302000, 399000 302000, 399000 301900))", false, false)]
    public void a_complex_feature_with_a_hole_and_two_parts_is_located_by_its_rings(string footprint, bool intersects, bool covered)
    {
        var feature = Donut();
        var site = Wkt.Read(footprint);
        Assert.Equal(intersects, feature.Intersects(site));
        Assert.Equal(covered, feature.Covers(site));
        var layer = Layer(feature);
        var ctx = Context(layer, footprint);

        Assert.Equal(intersects ? 1 : 0, ctx.Intersecting(layer).Count);
        Assert.Equal(covered, ctx.IsCoveredBy(layer.Features[0]));
        Assert.Equal(intersects ? 1 : 0, ctx.Hits(layer).Count);
        if (covered)
        {
            Assert.Equal(site.Area, ctx.Hits(layer)[0].AreaM2, 1e-6);
        }
    }

    [Theory]
    [InlineData(Square, "POLYGON ((400200 300200, 400300 300200, 400300 300300, 400200 300300, 400200 300200))", true)]
    [InlineData(Square, "POLYGON ((400000 300000, 400300 300000, 400300 300300, 400000 300300, 400000 300000))", true)]
    [InlineData(Square, "POLYGON ((400800 300800, 401100 300800, 401100 300900, 400800 300900, 400800 300800))", false)]
    public void covered_by_agrees_with_the_covers_predicate_for_parcels(string parcel, string footprint, bool expected)
    {
        var layer = Layer(Wkt.Read(parcel));

        Assert.Equal(expected, Context(layer, footprint).IsCoveredBy(layer.Features[0]));
    }

    [Fact]
    public void a_footprint_that_is_a_parcel_of_a_tessellation_intersects_its_neighbours_along_shared_edges()
    {
        var (parcels, _) = Tessellation(7);
        var layer = Layer([.. parcels]);
        var own = parcels[parcels.Count / 2];
        var ctx = Context(layer, own.AsText());

        var expected = Enumerable.Range(0, parcels.Count).Where(i => parcels[i].Intersects(own)).Select(i => "f" + i).ToList();
        Assert.True(expected.Count > 2);
        Assert.Equal(expected, ctx.Intersecting(layer).Select(f => f.Id));

        // At tolerance 0 the neighbours are edge contacts and the parcel itself the one overlap.
        Assert.Equal(["f" + (parcels.Count / 2)], ctx.Hits(layer).Select(h => h.Feature.Id));
        Assert.Equal(expected.Count - 1, ctx.EdgeContacts(layer).Count);
    }

    [Fact]
    public void over_random_footprints_and_parcels_answers_equal_the_predicates_and_the_overlay()
    {
        var (parcels, random) = Tessellation(42);
        var layer = Layer([.. parcels]);
        var footprints = new List<Geometry>();
        for (var i = 0; i < 300; i++)
        {
            footprints.Add(RandomFootprint(random, i));
        }

        // Parcels' own rings as footprints: shared edges and vertices, the hardest case for rounding.
        footprints.AddRange(parcels.Take(20));

        foreach (var footprint in footprints)
        {
            var ctx = Context(layer, footprint.AsText());
            var expected = Enumerable.Range(0, parcels.Count).Where(i => parcels[i].Intersects(footprint)).Select(i => "f" + i).ToList();
            Assert.Equal(expected, ctx.Intersecting(layer).Select(f => f.Id));
            Assert.Equal(expected.Count > 0, ctx.IntersectsAny(layer));

            var named = ctx.Hits(layer).Select(h => h.Feature.Id).Concat(ctx.EdgeContacts(layer).Select(f => f.Id)).Order(StringComparer.Ordinal);
            Assert.Equal(expected.Order(StringComparer.Ordinal), named);
            var overlay = expected.Sum(id => parcels[int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture)].Intersection(footprint).Area);
            Assert.Equal(overlay, ctx.Hits(layer).Sum(h => h.AreaM2), Math.Max(1e-6, overlay * 1e-9));

            var covering = Enumerable.Range(0, parcels.Count).Where(i => parcels[i].Covers(footprint)).ToList();
            Assert.All(ctx.Intersecting(layer), f => Assert.Equal(covering.Contains(int.Parse(f.Id[1..], System.Globalization.CultureInfo.InvariantCulture)), ctx.IsCoveredBy(f)));
        }
    }

    [Fact]
    public void candidates_are_the_features_whose_envelopes_meet_the_box_in_layer_order()
    {
        var (parcels, random) = Tessellation(3);
        var layer = Layer([.. parcels]);
        for (var i = 0; i < 200; i++)
        {
            var x = 400000 + (random.NextDouble() * 6000) - 500;
            var y = 300000 + (random.NextDouble() * 6000) - 500;
            var box = new Envelope(x, x + (random.NextDouble() * 1500), y, y + (random.NextDouble() * 1500));

            var expected = layer.Features.Where(f => f.Envelope.Intersects(box)).Select(f => f.Id);
            Assert.Equal(expected, layer.Candidates(box).Select(f => f.Id));
        }

        Assert.Empty(Layer().Candidates(new Envelope(0, 1, 0, 1)));
        Assert.Single(Layer(Wkt.Read(Square)).Candidates(new Envelope(401000, 401500, 301000, 301500)));
    }

    [Theory]
    [InlineData(Concave, "POLYGON ((400300 300300, 401500 300300, 401500 301000, 400300 301000, 400300 300300))")]
    [InlineData(Concave, "POLYGON ((400500 300800, 400700 300800, 400700 301100, 400500 301100, 400500 300800))")]
    [InlineData(Concave, "POLYGON ((400600 300500, 400700 300800, 400500 300800, 400600 300500))")]
    [InlineData(Concave, "POLYGON ((399000 300900, 402000 300900, 402000 301000, 399000 301000, 399000 300900))")]
    [InlineData(Concave, "POLYGON ((400100 301000, 401100 301000, 401100 301100, 400100 301100, 400100 301000))")]
    [InlineData("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000), (400300 300300, 400300 300700, 400700 300700, 400700 300300, 400300 300300))",
        "POLYGON ((400200 300200, 400500 300200, 400500 300500, 400200 300500, 400200 300200))")]
    [InlineData("POLYGON ((400000 300000, 401000 300000, 401000 301000, 400000 301000, 400000 300000), (400300 300300, 400300 300700, 400700 300700, 400700 300300, 400300 300300))",
        "POLYGON ((400400 300400, 400600 300400, 400600 300600, 400400 300600, 400400 300400))")]
    [InlineData("MULTIPOLYGON (((400000 300000, 400400 300000, 400400 300400, 400000 300400, 400000 300000)), ((400600 300000, 401000 300000, 400800 300400, 400600 300000)))",
        "POLYGON ((400300 300100, 400900 300100, 400900 300200, 400300 300200, 400300 300100))")]
    [InlineData("POLYGON ((400000 300000, 401000 300000, 401000 300100, 400100 300100, 400100 300900, 401000 300900, 401000 301000, 400000 301000, 400000 300000))",
        "POLYGON ((400500 300100, 400900 300100, 400900 300900, 400500 300900, 400500 300100))")]
    public void a_concave_parcel_split_into_convex_pieces_overlaps_as_the_overlay_says(string parcel, string footprint)
    {
        var feature = Wkt.Read(parcel);
        var site = Wkt.Read(footprint);
        var layer = Layer(feature);
        foreach (var tolerance in new[] { 0, 1.0 })
        {
            var ctx = Context(layer, footprint, tolerance);
            var overlay = feature.Intersection(site);
            var wide = overlay.Area > 0 && 2 * overlay.Area / overlay.Length >= tolerance;
            Assert.Equal(wide ? 1 : 0, ctx.Hits(layer).Count);
            if (wide)
            {
                Assert.Equal(overlay.Area, ctx.Hits(layer)[0].AreaM2, overlay.Area * 1e-9);
            }
            else if (tolerance == 0)
            {
                Assert.Equal(feature.Intersects(site) ? 1 : 0, ctx.EdgeContacts(layer).Count);
            }
        }
    }

    [Fact]
    public void over_random_concave_parcels_overlap_areas_equal_the_overlay()
    {
        var random = new Random(11);
        var factory = GeoJsonGeometry.MetricFactory;
        var parcels = new List<Geometry>();
        for (var i = 0; i < 60; i++)
        {
            // Stars: concave, a few to a few dozen vertices.
            double cx = 400000 + (random.NextDouble() * 5000), cy = 300000 + (random.NextDouble() * 5000);
            var n = 3 + random.Next(15);
            var star = new Coordinate[(2 * n) + 1];
            for (var k = 0; k < 2 * n; k++)
            {
                var r = (k % 2 == 0 ? 300 : 60 + (random.NextDouble() * 200)) * (0.5 + random.NextDouble());
                star[k] = new Coordinate(cx + (r * Math.Cos(Math.PI * k / n)), cy + (r * Math.Sin(Math.PI * k / n)));
            }

            star[2 * n] = star[0];
            var polygon = factory.CreatePolygon(star);
            if (polygon.IsValid && parcels.All(p => !p.Intersects(polygon)))
            {
                parcels.Add(polygon);
            }
        }

        var layer = Layer([.. parcels]);
        var overlaps = 0;
        for (var i = 0; i < 200; i++)
        {
            var footprint = RandomFootprint(random, i);
            var ctx = Context(layer, footprint.AsText());
            var expected = Enumerable.Range(0, parcels.Count).Where(k => parcels[k].Intersects(footprint)).Select(k => "f" + k).ToList();
            var named = ctx.Hits(layer).Select(h => h.Feature.Id).Concat(ctx.EdgeContacts(layer).Select(f => f.Id)).Order(StringComparer.Ordinal);
            Assert.Equal(expected.Order(StringComparer.Ordinal), named);
            overlaps += ctx.Hits(layer).Count;
            foreach (var hit in ctx.Hits(layer))
            {
                var overlay = parcels[int.Parse(hit.Feature.Id[1..], System.Globalization.CultureInfo.InvariantCulture)].Intersection(footprint).Area;
                Assert.Equal(overlay, hit.AreaM2, Math.Max(1e-6, overlay * 1e-9));
            }
        }

        Assert.True(parcels.Count > 20 && overlaps > 20, $"{parcels.Count} parcels, {overlaps} overlaps: too few to test anything");
    }

    /// <summary>Voronoi cells of random points over a 5 km square: convex parcels that share edges exactly.</summary>
    private static (List<Geometry> Parcels, Random Random) Tessellation(int seed)
    {
        var random = new Random(seed);
        var factory = GeoJsonGeometry.MetricFactory;
        var points = Enumerable.Range(0, 400).Select(_ => new Coordinate(400000 + (random.NextDouble() * 5000), 300000 + (random.NextDouble() * 5000))).ToArray();
        var builder = new NetTopologySuite.Triangulate.VoronoiDiagramBuilder();
        builder.SetSites(points);
        var square = new Envelope(400000, 405000, 300000, 305000);
        builder.ClipEnvelope = square;
        var cells = builder.GetDiagram(factory);
        var parcels = new List<Geometry>();
        for (var i = 0; i < cells.NumGeometries; i++)
        {
            // Some cells dropped, as the harness leaves gaps between parcels.
            if (random.NextDouble() < 0.15)
            {
                continue;
            }

            var cell = cells.GetGeometryN(i).Intersection(factory.ToGeometry(square));
            if (cell is Polygon { IsEmpty: false })
            {
                parcels.Add(cell);
            }
        }

        return (parcels, random);
    }

    /// <summary>Rotated rectangles, concave stars and rectangles with a hole, 20 m to 800 m across.</summary>
    private static Geometry RandomFootprint(Random random, int i)
    {
        var factory = GeoJsonGeometry.MetricFactory;
        double cx = 400000 + (random.NextDouble() * 5000), cy = 300000 + (random.NextDouble() * 5000);
        var size = 20 + (random.NextDouble() * 780);
        var angle = random.NextDouble() * Math.PI;
        Coordinate At(double dx, double dy) => new(cx + (dx * Math.Cos(angle)) - (dy * Math.Sin(angle)), cy + (dx * Math.Sin(angle)) + (dy * Math.Cos(angle)));
        switch (i % 3)
        {
            case 0:
                return factory.CreatePolygon([At(-size, -size / 2), At(size, -size / 2), At(size, size / 2), At(-size, size / 2), At(-size, -size / 2)]);
            case 1:
                var star = new Coordinate[17];
                for (var k = 0; k < 16; k++)
                {
                    var r = size * (k % 2 == 0 ? 1 : 0.3 + (random.NextDouble() * 0.5));
                    var a = 2 * Math.PI * k / 16;
                    star[k] = At(r * Math.Cos(a), r * Math.Sin(a));
                }

                star[16] = star[0];
                return factory.CreatePolygon(star);
            default:
                var shell = factory.CreateLinearRing([At(-size, -size), At(size, -size), At(size, size), At(-size, size), At(-size, -size)]);
                var hole = factory.CreateLinearRing([At(-size / 2, -size / 2), At(-size / 2, size / 2), At(size / 2, size / 2), At(size / 2, -size / 2), At(-size / 2, -size / 2)]);
                return factory.CreatePolygon(shell, [hole]);
        }
    }
}
