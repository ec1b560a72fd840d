using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tiles;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Tiles;

/// <summary>Tiles cut from WKT features and read back with <see cref="MvtReader"/>.</summary>
public sealed class MvtEncoderTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    // The z8 tile 210/96 spans lon 115.3125–116.71875, lat 39.9097–40.9799.
    private static readonly TileId Beijing8 = new(8, 210, 96);

    private static PlanFeature Feature(string id, string wkt, JsonObject? properties = null) =>
        new("test", id, Wkt.Read(wkt), properties ?? new JsonObject { ["name"] = $"feature {id}" }, new Provenance("test", Certainty.Synthetic));

    private static MvtLayer Cut(TileId tile, TileOptions options, params PlanFeature[] features)
    {
        var snapshot = TileSnapshot.Build("test", features);
        var encoded = MvtEncoder.Encode(snapshot, tile, options);
        var layers = MvtReader.Read(encoded.Bytes);
        if (encoded.IsEmpty)
        {
            Assert.Empty(layers);
            return new MvtLayer("test", 2, 4096, []);
        }

        var layer = Assert.Single(layers);
        Assert.Equal(encoded.FeatureCount, layer.Features.Count);
        return layer;
    }

    private static long TwiceArea(IReadOnlyList<(int X, int Y)> ring)
    {
        long twice = 0;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            twice += ((long)ring[j].X * ring[i].Y) - ((long)ring[i].X * ring[j].Y);
        }

        return twice;
    }

    [Fact]
    public void a_tile_is_one_version_2_layer_named_after_the_collection_with_extent_4096()
    {
        var layer = Cut(Beijing8, TileOptions.Default, Feature("1", "POLYGON ((116 40.2, 116.2 40.2, 116.2 40.4, 116 40.4, 116 40.2))"));
        Assert.Equal("test", layer.Name);
        Assert.Equal(2, layer.Version);
        Assert.Equal(4096, layer.Extent);
    }

    [Fact]
    public void a_numeric_id_is_the_feature_id_and_properties_are_the_public_ones_typed()
    {
        var properties = new JsonObject { ["name"] = "东城区", ["population"] = 708829, ["share"] = 0.25, ["capital"] = true, ["note"] = null, ["change"] = -1250, ["coastal"] = false, ["delta"] = -0.5 };
        var f = Assert.Single(Cut(Beijing8, TileOptions.Default, Feature("110101", "POINT (116.4 40.2)", properties)).Features);
        Assert.Equal(110101UL, f.Id);
        Assert.Equal("东城区", f.Properties["name"]);
        Assert.Equal(708829L, f.Properties["population"]);
        Assert.Equal(0.25, f.Properties["share"]);
        Assert.Equal(true, f.Properties["capital"]);
        Assert.Equal(-1250L, f.Properties["change"]);
        Assert.Equal(false, f.Properties["coastal"]);
        Assert.Equal(-0.5, f.Properties["delta"]);
        Assert.Equal("synthetic", f.Properties["certainty"]);
        Assert.Equal("test", f.Properties["source"]);
        Assert.False(f.Properties.ContainsKey("note"), "MVT has no null: a null property is left out");
    }

    [Fact]
    public void a_text_id_is_kept_only_as_properties_would_have_it()
    {
        var f = Assert.Single(Cut(Beijing8, TileOptions.Default, Feature("core-area", "POINT (116.4 40.2)")).Features);
        Assert.Null(f.Id);
    }

    [Fact]
    public void a_polygon_inside_the_tile_keeps_its_exact_corners_in_tile_coordinates()
    {
        // Corners of the tile's quarter cells, so the expected grid positions are exact.
        var b = WebMercatorQuad.LonLatBounds(Beijing8);
        var (w, n) = (b.MinX + (b.Width / 4), WebMercatorQuad.Unproject(0, WebMercatorQuad.Bounds(Beijing8).MaxY - (WebMercatorQuad.Span(8) / 4)).Lat);
        var (e, s) = (b.MinX + (b.Width * 3 / 4), WebMercatorQuad.Unproject(0, WebMercatorQuad.Bounds(Beijing8).MaxY - (WebMercatorQuad.Span(8) * 3 / 4)).Lat);
        var wkt = FormattableString.Invariant($"POLYGON (({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))");
        var f = Assert.Single(Cut(Beijing8, TileOptions.Exact, Feature("1", wkt)).Features);
        Assert.Equal(TileGeometryType.Polygon, f.Type);
        var ring = Assert.Single(f.Parts);
        Assert.Equal(new HashSet<(int, int)> { (1024, 1024), (3072, 1024), (3072, 3072), (1024, 3072) }, ring.ToHashSet());
        Assert.True(TwiceArea(ring) > 0, "an exterior ring has positive area in tile coordinates (clockwise on screen)");
    }

    [Fact]
    public void a_hole_is_written_with_negative_area_after_its_exterior()
    {
        var f = Assert.Single(Cut(Beijing8, TileOptions.Exact,
            Feature("1", "POLYGON ((115.5 40, 116.5 40, 116.5 40.8, 115.5 40.8, 115.5 40), (115.8 40.2, 115.8 40.6, 116.2 40.6, 116.2 40.2, 115.8 40.2))")).Features);
        Assert.Equal(2, f.Parts.Count);
        Assert.True(TwiceArea(f.Parts[0]) > 0);
        Assert.True(TwiceArea(f.Parts[1]) < 0);
    }

    [Fact]
    public void a_polygon_larger_than_the_tile_is_clipped_to_the_64_unit_buffer()
    {
        var f = Assert.Single(Cut(Beijing8, TileOptions.Exact, Feature("1", "POLYGON ((110 35, 120 35, 120 45, 110 45, 110 35))")).Features);
        var ring = Assert.Single(f.Parts);
        Assert.Equal(new HashSet<(int, int)> { (-64, -64), (4160, -64), (4160, 4160), (-64, 4160) }, ring.ToHashSet());
    }

    [Fact]
    public void a_line_crossing_the_tile_twice_is_cut_into_two_parts()
    {
        // Enters from the west, leaves to the south, comes back from the south and leaves to the east.
        var f = Assert.Single(Cut(Beijing8, TileOptions.Exact, Feature("1", "LINESTRING (115 40.5, 115.8 40.5, 115.8 39, 116.2 39, 116.2 40.5, 117 40.5)")).Features);
        Assert.Equal(TileGeometryType.LineString, f.Type);
        Assert.Equal(2, f.Parts.Count);
        Assert.All(f.Parts.SelectMany(p => p), p => Assert.InRange(p.X, -64, 4160));
        Assert.Equal(-64, f.Parts[0][0].X);
        Assert.Equal(4160, f.Parts[1][^1].X);
    }

    [Fact]
    public void points_outside_the_buffer_are_dropped_and_a_tile_with_nothing_is_empty()
    {
        var encoded = MvtEncoder.Encode(TileSnapshot.Build("test", [Feature("1", "POINT (118 40.5)")]), Beijing8, TileOptions.Default);
        Assert.True(encoded.IsEmpty);
        Assert.Empty(encoded.Bytes);
    }

    [Fact]
    public void a_multipoint_whose_points_all_miss_the_tile_drops_out_and_leaves_its_neighbours_geometry_as_it_was()
    {
        // Feature 2's bounds span the tile, so it is a candidate, but both its points lie outside the buffer. The
        // features before and after it (in the layer and in the snapshot's storage) must keep exactly their own points.
        PlanFeature[] features =
        [
            Feature("1", "MULTIPOINT ((116.0 40.5), (116.1 40.6))"),
            Feature("2", "MULTIPOINT ((115.0 39.5), (117.0 41.5))"),
            Feature("3", "POINT (116.3 40.2)"),
            Feature("4", "LINESTRING (115.5 40.0, 116.5 40.9)"),
        ];
        var together = Cut(Beijing8, TileOptions.Exact, features);
        Assert.Equal([1UL, 3UL, 4UL], together.Features.Select(f => f.Id!.Value));
        foreach (var f in together.Features)
        {
            var alone = Assert.Single(Cut(Beijing8, TileOptions.Exact, features.Single(x => x.Id == $"{f.Id}")).Features);
            Assert.Equal(alone.Type, f.Type);
            Assert.Equal(alone.Parts.Select(p => p.ToList()), f.Parts.Select(p => p.ToList()));
        }
    }

    [Fact]
    public void a_polygon_smaller_than_a_cell_is_thinned_at_low_zoom_but_kept_when_zoomed_in_and_in_exact_mode()
    {
        // About 300 m × 300 m: under one cell (611 m at z8), over one cell (38 m) at z12.
        var small = Feature("1", "POLYGON ((116 40.2, 116.0035 40.2, 116.0035 40.2027, 116 40.2027, 116 40.2))");
        Assert.Empty(Cut(Beijing8, TileOptions.Default, small).Features);
        Assert.Single(Cut(Beijing8, TileOptions.Exact, small).Features);
        var (x, y) = WebMercatorQuad.Project(116.001, 40.201);
        var z12 = new TileId(12, (int)((x + WebMercatorQuad.HalfWorld) / WebMercatorQuad.Span(12)), (int)((WebMercatorQuad.HalfWorld - y) / WebMercatorQuad.Span(12)));
        Assert.Single(Cut(z12, TileOptions.Default, small).Features);
    }

    [Fact]
    public void simplification_at_one_cell_drops_vertices_a_tile_pixel_cannot_show()
    {
        var circle = Wkt.Read("POINT (116 40.4)").Buffer(0.3, 256);
        var feature = new PlanFeature("test", "1", circle, [], new Provenance("test", Certainty.Synthetic));
        var exact = Assert.Single(Cut(Beijing8, TileOptions.Exact, feature).Features).Parts.Sum(p => p.Count);
        var simplified = Assert.Single(Cut(Beijing8, TileOptions.Default, feature).Features).Parts.Sum(p => p.Count);
        Assert.True(simplified < exact / 2, $"{simplified} vertices after simplification, {exact} without");
        Assert.True(simplified >= 16, $"a 0.3° circle still looks round at z8 ({simplified} vertices)");
    }

    [Fact]
    public void features_come_in_layer_order_and_the_same_input_gives_the_same_bytes()
    {
        var features = Enumerable.Range(0, 300)
            .Select(i => Feature($"{i}", FormattableString.Invariant($"POINT ({115.4 + (i % 20 * 0.06)} {39.95 + (i / 20 * 0.06)})")))
            .ToArray();
        var a = MvtEncoder.Encode(TileSnapshot.Build("test", features), Beijing8, TileOptions.Default);
        var b = MvtEncoder.Encode(TileSnapshot.Build("test", features.Reverse().Reverse()), Beijing8, TileOptions.Default);
        Assert.Equal(a.Bytes, b.Bytes);
        var ids = MvtReader.Read(a.Bytes)[0].Features.Select(f => f.Id!.Value).ToList();
        Assert.Equal(ids.Order().ToList(), ids);
        Assert.Equal(300, ids.Count);
    }

    [Fact]
    public void the_str_tree_finds_exactly_the_features_whose_bounds_meet_the_tile()
    {
        var random = new Random(7);
        var features = Enumerable.Range(0, 5000).Select(i =>
        {
            var (x, y) = (113 + (random.NextDouble() * 7), 36 + (random.NextDouble() * 6));
            return Feature($"{i}", FormattableString.Invariant($"POLYGON (({x} {y}, {x + 0.01} {y}, {x + 0.01} {y + 0.01}, {x} {y + 0.01}, {x} {y}))"));
        }).ToArray();
        var snapshot = TileSnapshot.Build("test", features);
        var tile = WebMercatorQuad.LonLatBounds(Beijing8);
        var expected = features.Where(f => f.Geometry!.EnvelopeInternal.Intersects(tile)).Select(f => ulong.Parse(f.Id, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var got = MvtReader.Read(MvtEncoder.Encode(snapshot, Beijing8, new TileOptions(Buffer: 0, Generalize: false)).Bytes)[0].Features.Select(f => f.Id!.Value).ToHashSet();

        // Features touching the tile only along its edge may collapse to a line and be dropped; none may be missing inside.
        Assert.Subset(expected, got);
        Assert.True(got.Count >= expected.Count - 5, $"{got.Count} of {expected.Count}");
    }

    [Fact]
    public void a_text_id_travels_as_an_id_property_and_a_numeric_one_as_the_feature_id()
    {
        var layer = Cut(Beijing8, TileOptions.Default,
            Feature("parcel-7", "POLYGON ((116 40.2, 116.3 40.2, 116.3 40.5, 116 40.5, 116 40.2))"),
            Feature("42", "POLYGON ((116.4 40.2, 116.6 40.2, 116.6 40.5, 116.4 40.5, 116.4 40.2))"));
        var text = layer.Features.Single(f => f.Id is null);
        Assert.Equal("parcel-7", text.Properties["id"]);
        var numeric = layer.Features.Single(f => f.Id is not null);
        Assert.Equal(42UL, numeric.Id);
        Assert.False(numeric.Properties.ContainsKey("id"));
    }

    [Fact]
    public async Task a_tile_is_the_same_bytes_whatever_the_thread_encoded_before_it()
    {
        // Encoding reuses each thread's buffers, lists and key map from tile to tile: what one tile leaves in them must
        // not reach the next. The first snapshot has more keys and values and a feature across the tile's edge.
        var wide = TileSnapshot.Build("wide", Enumerable.Range(0, 40).Select(i => Feature(
            (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            FormattableString.Invariant($"POLYGON (({115.2 + (i * 0.04)} 40.0, {115.5 + (i * 0.04)} 40.0, {115.5 + (i * 0.04)} 40.3, {115.2 + (i * 0.04)} 40.3, {115.2 + (i * 0.04)} 40.0))"),
            new JsonObject { ["k" + (i % 7)] = i, ["name"] = $"wide {i}", ["share"] = i / 3.0 })).ToArray());
        var narrow = TileSnapshot.Build("narrow", [
            Feature("1", "POLYGON ((116 40.2, 116.2 40.2, 116.2 40.4, 116 40.4, 116 40.2))", new JsonObject { ["name"] = "one" }),
            Feature("2", "LINESTRING (115.2 40.5, 116.9 40.6)", new JsonObject { ["name"] = "two", ["level"] = 2 }),
        ]);

        // LongRunning: each on a thread of its own, which has encoded nothing before.
        Task<byte[]> OnNewThread(Func<byte[]> encode) =>
            Task.Factory.StartNew(encode, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var alone = await OnNewThread(() => MvtEncoder.Encode(narrow, Beijing8, TileOptions.Default).Bytes);
        var afterWide = await OnNewThread(() =>
        {
            Assert.True(MvtEncoder.Encode(wide, Beijing8, TileOptions.Exact).FeatureCount > 20);
            return MvtEncoder.Encode(narrow, Beijing8, TileOptions.Default).Bytes;
        });
        Assert.Equal(2, Cut(Beijing8, TileOptions.Default, Feature("1", "POLYGON ((116 40.2, 116.2 40.2, 116.2 40.4, 116 40.4, 116 40.2))"), Feature("2", "LINESTRING (115.2 40.5, 116.9 40.6)")).Features.Count);
        Assert.Equal(alone, afterWide);
    }
}
