using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Alignment;

public sealed class SnapshotFeatureTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);

    private static JsonObject Props() => new()
    {
        ["name"] = "大兴区",
        ["nameEn"] = "Daxing \"south\"",
        ["county_id"] = 17,
        ["area_ha"] = 1.8538110889879786,
        ["permanent"] = true,
        ["note"] = null,
        ["codes"] = new JsonArray("0101", "0102"),
        ["nested"] = new JsonObject { ["a"] = 1, ["b"] = new JsonArray() },
        ["a\"quoted key"] = "x",
    };

    // A polygon of more than 64 vertices is complex: kept as objects, as before the compact form existed.
    private static Geometry Complex()
    {
        var ring = Enumerable.Range(0, 80).Select(i => new Coordinate(1000 * Math.Cos(i * Math.PI / 40), 1000 * Math.Sin(i * Math.PI / 40))).ToList();
        ring.Add(ring[0]);
        return new GeometryFactory(new PrecisionModel(), 4326).CreatePolygon([.. ring]);
    }

    [Fact]
    public void a_parcel_gives_back_its_geometry_and_properties_exactly_as_given()
    {
        var metric = Wkt.Read("POLYGON ((0.5 0.25, 1000.125 0, 1000 1000, 0 1000, 0.5 0.25))");
        metric.SRID = 4326;
        var parcel = new SnapshotFeature("p1", metric, Props());

        Assert.True(parcel.IsSimple);
        Assert.Equal(metric.AsText(), parcel.Metric.AsText());
        Assert.Equal(4326, parcel.Metric.SRID);
        Assert.Equal(metric.Area, parcel.Area);
        Assert.Equal(metric.EnvelopeInternal, parcel.Envelope);
        Assert.Equal(Props().ToJsonString(), parcel.Properties.ToJsonString());
        // Compact: nothing but bytes is kept, so each read is a new object that a caller may change freely.
        Assert.NotSame(parcel.Metric, parcel.Metric);
        parcel.Properties["name"] = "changed";
        Assert.Equal("大兴区", parcel.Text("name"));
    }

    [Fact]
    public void a_parcel_answers_every_property_as_a_complex_feature_does()
    {
        var parcel = new SnapshotFeature("p1", Wkt.Read("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"), Props());
        var county = new SnapshotFeature("c1", Complex(), Props());
        Assert.True(parcel.IsSimple);
        Assert.False(county.IsSimple);

        foreach (var name in Props().Select(p => p.Key).Append("missing").Append("NAME"))
        {
            Assert.Equal(county.Text(name), parcel.Text(name));
            Assert.Equal(county.ValueText(name), parcel.ValueText(name));
        }

        Assert.Equal("大兴区", parcel.Text("name"));
        Assert.Equal("Daxing \"south\"", parcel.Text("nameEn"));
        Assert.Null(parcel.Text("county_id"));
        Assert.Equal("17", parcel.ValueText("county_id"));
        Assert.Equal("1.8538110889879786", parcel.ValueText("area_ha"));
        Assert.Equal("true", parcel.ValueText("permanent"));
        Assert.Null(parcel.ValueText("note"));
        Assert.Equal("[\"0101\",\"0102\"]", parcel.ValueText("codes"));
        Assert.Equal("{\"a\":1,\"b\":[]}", parcel.ValueText("nested"));
        Assert.Equal("x", parcel.Text("a\"quoted key"));
        Assert.Null(parcel.Text("NAME"));
    }

    [Theory]
    [InlineData("p1")]
    [InlineData("永久基本农田-110115-0001")]
    [InlineData("")]
    public void a_parcel_keeps_its_id_with_its_properties_and_gives_it_back(string id)
    {
        var parcel = new SnapshotFeature(id, Wkt.Read("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"), Props());

        Assert.Equal(id, parcel.Id);
        Assert.Equal(Props().ToJsonString(), parcel.Properties.ToJsonString());
        Assert.Equal("Daxing \"south\"", parcel.Text("nameEn"));
    }

    [Fact]
    public void a_feature_has_seven_fields_so_that_a_parcel_object_is_72_bytes()
    {
        // Two references (shape, properties), four doubles of envelope and the area: at ten million parcels each
        // further field costs 80 MB.
        var fields = typeof(SnapshotFeature).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);

        Assert.Equal(7, fields.Length);
    }

    [Fact]
    public void an_id_too_long_for_a_two_byte_length_is_kept_with_a_four_byte_one()
    {
        foreach (var length in new[] { 65_534, 65_535, 70_000 })
        {
            var id = new string('x', length - 3) + "区";
            var parcel = new SnapshotFeature(id, Wkt.Read("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"), Props());

            Assert.Equal(id, parcel.Id);
            Assert.Equal("大兴区", parcel.Text("name"));
            Assert.Equal("17", parcel.ValueText("county_id"));
            Assert.Equal("Daxing \"south\"", parcel.Properties["nameEn"]!.GetValue<string>());
        }
    }

    [Fact]
    public void an_empty_parcel_has_a_null_envelope_and_meets_no_box()
    {
        var empty = new SnapshotFeature("e", Wkt.Read("POLYGON EMPTY"), []);
        var square = new SnapshotFeature("s", Wkt.Read("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"), []);

        Assert.True(empty.IsEmpty);
        Assert.True(empty.Envelope.IsNull);
        Assert.True(empty.Metric.IsEmpty);
        Assert.False(empty.EnvelopeIntersects(new Envelope(-1e9, 1e9, -1e9, 1e9)));
        Assert.False(square.IsEmpty);
        Assert.True(square.EnvelopeIntersects(new Envelope(10, 20, 10, 20)));
        Assert.False(square.EnvelopeIntersects(new Envelope(10.001, 20, 0, 5)));
        Assert.False(square.EnvelopeIntersects(new Envelope()));
    }

    // What a parcel's geometry was before it could be kept as its ring: its WKB, decoded on each read.
    private static Geometry ThroughWkb(Geometry metric) =>
        new WKBReader().Read(new WKBWriter(ByteOrder.LittleEndian, handleSRID: true, emitZ: false, emitM: false).Write(metric));

    private static void AssertSameGeometry(Geometry expected, Geometry actual)
    {
        Assert.Equal(expected.GeometryType, actual.GeometryType);
        Assert.Equal(expected.SRID, actual.SRID);
        Assert.Equal(expected.Factory.PrecisionModel, actual.Factory.PrecisionModel);
        Assert.Equal(expected.Coordinates.Select(c => (c.X, c.Y)), actual.Coordinates.Select(c => (c.X, c.Y)));
        Assert.True(expected.EqualsExact(actual), $"{expected.AsText()} <> {actual.AsText()}");
        Assert.Equal(expected.Area, actual.Area);
    }

    [Theory]
    [InlineData("POLYGON ((0.5 0.25, 1000.125 0, 1000 1000, 0 1000, 0.5 0.25))", 0)]
    [InlineData("POLYGON ((0.5 0.25, 0 1000, 1000 1000, 1000.125 0, 0.5 0.25))", 4527)]
    [InlineData("MULTIPOLYGON (((517001.1 4420003.3, 517101.7 4420001.9, 517090.2 4420110.4, 517003.3 4420098.6, 517001.1 4420003.3)))", 0)]
    [InlineData("MULTIPOLYGON (((517001.1 4420003.3, 517003.3 4420098.6, 517090.2 4420110.4, 517101.7 4420001.9, 517001.1 4420003.3)))", 4326)]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", 0)]
    public void a_convex_parcel_keeps_only_its_ring_and_gives_back_the_geometry_its_wkb_gave(string wkt, int srid)
    {
        var metric = Wkt.Read(wkt);
        metric.SRID = srid;
        var parcel = new SnapshotFeature("p", metric, Props());

        Assert.NotNull(parcel.Ring);
        Assert.Equal(ConvexClip.ConvexRing(metric), parcel.Ring);
        AssertSameGeometry(ThroughWkb(metric), parcel.Metric);
        Assert.Equal("大兴区", parcel.Text("name"));
        Assert.Equal("p", parcel.Id);
    }

    [Theory]
    [InlineData("POLYGON ((0 0, 10 0, 10 0, 10 10, 0 10, 0 0))", 4527)]
    [InlineData("POLYGON ((0 0, 10 0, 5 2, 10 10, 0 10, 0 0))", 0)]
    [InlineData("POLYGON ((0 0, 0 10, 10 10, 5 2, 10 0, 0 0))", 4326)]
    [InlineData("MULTIPOLYGON (((517001.1 4420003.3, 517101.7 4420001.9, 517050.2 4420050.4, 517090.2 4420110.4, 517003.3 4420098.6, 517001.1 4420003.3)))", 4527)]
    public void a_concave_parcel_keeps_its_shell_and_gives_back_the_geometry_its_wkb_gave(string wkt, int srid)
    {
        var metric = Wkt.Read(wkt);
        metric.SRID = srid;
        var parcel = new SnapshotFeature("p", metric, Props());

        Assert.True(parcel.IsSimple);
        Assert.False(parcel.KeepsWkb);
        Assert.Null(parcel.Ring);
        AssertSameGeometry(ThroughWkb(metric), parcel.Metric);
        Assert.Equal("大兴区", parcel.Text("name"));
    }

    [Theory]
    [InlineData("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 3 2, 2 2))")]
    [InlineData("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((20 0, 30 0, 30 10, 20 10, 20 0)))")]
    [InlineData("LINESTRING (0 0, 10 0, 10 10)")]
    [InlineData("POLYGON EMPTY")]
    public void a_parcel_its_ring_cannot_rebuild_keeps_its_wkb(string wkt)
    {
        var metric = Wkt.Read(wkt);
        metric.SRID = 4527;
        var parcel = new SnapshotFeature("p", metric, Props());

        Assert.True(parcel.IsSimple);
        Assert.True(parcel.KeepsWkb);
        Assert.Null(parcel.Ring);
        AssertSameGeometry(ThroughWkb(metric), parcel.Metric);
    }

    [Fact]
    public void random_convex_parcels_in_either_turn_and_from_any_vertex_come_back_exactly()
    {
        var random = new Random(20261204);
        var factory = new GeometryFactory(new PrecisionModel(), 0);
        var kept = 0;
        for (var trial = 0; trial < 2000; trial++)
        {
            // Vertices on a jittered ellipse at projected magnitudes, in either turn, starting anywhere.
            var n = random.Next(3, 40);
            var (cx, cy) = (random.NextDouble() * 2e6 - 1e6, 4e6 + random.NextDouble() * 1e6);
            var (rx, ry) = (1 + random.NextDouble() * 500, 1 + random.NextDouble() * 500);
            var angles = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 * Math.PI).Order().ToList();
            var points = angles.Select(a => new Coordinate(cx + rx * Math.Cos(a), cy + ry * Math.Sin(a))).ToList();
            if (random.Next(2) == 0)
            {
                points.Reverse();
            }

            var start = random.Next(n);
            points = [.. points.Skip(start), .. points.Take(start)];
            points.Add(points[0].Copy());
            var polygon = factory.CreatePolygon([.. points]);
            Geometry metric = random.Next(2) == 0 ? polygon : factory.CreateMultiPolygon([polygon]);
            var parcel = new SnapshotFeature($"r{trial}", metric, []);

            AssertSameGeometry(ThroughWkb(metric), parcel.Metric);
            Assert.False(parcel.KeepsWkb);
            Assert.Equal(ConvexClip.ConvexRing(metric), parcel.Ring ?? ConvexClip.ConvexRing(metric));
            kept += parcel.Ring is null ? 0 : 1;
        }

        // Nearly all are convex; a few have points so close that a turn goes the other way, and keep their WKB.
        Assert.True(kept > 1900, $"{kept} of 2000 kept as their ring");
    }

    [Fact]
    public void random_concave_parcels_in_either_turn_come_back_exactly_from_their_shells()
    {
        var random = new Random(20261205);
        var factory = new GeometryFactory(new PrecisionModel(), 4527);
        for (var trial = 0; trial < 1000; trial++)
        {
            // Star-shaped rings at projected magnitudes, vertices at random radii.
            var n = random.Next(4, 40);
            var (cx, cy) = ((random.NextDouble() * 2e6) - 1e6, 4e6 + (random.NextDouble() * 1e6));
            var points = Enumerable.Range(0, n)
                .Select(k => (k + (0.8 * random.NextDouble())) * 2 * Math.PI / n)
                .Select(a => (A: a, R: 300 * (1 - (0.7 * random.NextDouble()))))
                .Select(p => new Coordinate(cx + (p.R * Math.Cos(p.A)), cy + (p.R * Math.Sin(p.A))))
                .ToList();
            if (random.Next(2) == 0)
            {
                points.Reverse();
            }

            points.Add(points[0].Copy());
            var polygon = factory.CreatePolygon([.. points]);
            Geometry metric = random.Next(2) == 0 ? polygon : factory.CreateMultiPolygon([polygon]);
            var parcel = new SnapshotFeature($"s{trial}", metric, []);

            AssertSameGeometry(ThroughWkb(metric), parcel.Metric);
            Assert.False(parcel.KeepsWkb);
            Assert.Equal(ConvexClip.ConvexRing(metric), parcel.Ring);
        }
    }
}
