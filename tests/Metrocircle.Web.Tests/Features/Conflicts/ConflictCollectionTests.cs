using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Conflicts;

/// <summary>Issue 14: the patches as a read-only collection and as tiles, the same Features as GET /conflicts, read by GDAL like any layer.</summary>
public sealed class ConflictCollectionTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> Get(string path)
    {
        using var response = await server.Client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<List<JsonObject>> AllConflictsAsync() => [.. (await Get("/conflicts"))["conflicts"]!.AsArray().Select(c => c!.AsObject())];

    [Fact]
    public async Task paging_through_the_items_gives_every_patch_of_get_conflicts_in_order_with_the_same_properties()
    {
        var all = await AllConflictsAsync();
        var seen = new List<JsonObject>();
        string? next = "/collections/conflicts/items?limit=7";
        while (next is not null)
        {
            var page = await Get(next);
            Assert.Equal("FeatureCollection", (string?)page["type"]);
            Assert.Equal(all.Count, page["numberMatched"]!.GetValue<int>());
            seen.AddRange(page["features"]!.AsArray().Select(f => f!.AsObject()));
            next = page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next")?["href"]?.GetValue<string>();
        }

        Assert.Equal(all.Select(c => (string)c["id"]!), seen.Select(c => (string)c["id"]!));
        Assert.True(JsonNode.DeepEquals(all[0], seen[0]), $"{all[0].ToJsonString()} vs {seen[0].ToJsonString()}");
    }

    [Fact]
    public async Task a_bbox_keeps_the_patches_it_meets_and_an_item_is_read_by_its_stable_id()
    {
        var first = (await AllConflictsAsync())[0];
        var box = GeoJsonGeometry.Read(JsonDocument.Parse(first["geometry"]!.ToJsonString()).RootElement)!.EnvelopeInternal;
        var bbox = string.Create(CultureInfo.InvariantCulture, $"{box.MinX},{box.MinY},{box.MaxX},{box.MaxY}");

        var near = (await Get($"/collections/conflicts/items?bbox={bbox}&limit=1000"))["features"]!.AsArray();
        var far = await Get("/collections/conflicts/items?bbox=0,0,1,1");
        var item = await Get($"/collections/conflicts/items/{(string)first["id"]!}");

        Assert.Contains(near, f => (string)f!["id"]! == (string)first["id"]!);
        Assert.Equal(0, far["numberMatched"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(first, item));
        using var unknown = await server.Client.GetAsync("/collections/conflicts/items/cp-nothing", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task bad_paging_and_bbox_and_an_unknown_version_are_problems_naming_the_parameter()
    {
        foreach (var (query, expected) in new[] { ("limit=0", "limit"), ("offset=-1", "offset"), ("bbox=1,2,3", "bbox"), ("bbox=3,2,1,4", "bbox") })
        {
            using var response = await server.Client.GetAsync($"/collections/conflicts/items?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(expected, (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["parameter"]);
        }

        using var version = await server.Client.GetAsync("/collections/conflicts/items?version=no-such-version", Ct);
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
    }

    [Fact]
    public async Task the_collection_describes_itself_for_the_version_named_and_links_its_items()
    {
        var current = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;

        var collection = await Get($"/collections/conflicts?version={Uri.EscapeDataString(current)}");

        Assert.Equal("conflicts", (string?)collection["id"]);
        Assert.Equal(current, (string?)collection["metrocircle"]!["planVersion"]);
        Assert.Equal((await AllConflictsAsync()).Count, collection["metrocircle"]!["featureCount"]!.GetValue<int>());
        Assert.Contains(collection["links"]!.AsArray(), l => (string?)l!["rel"] == "items" && ((string)l["href"]!).Contains("version=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task the_collections_list_names_the_conflicts_collection_as_its_own_document_does_with_the_version_carried()
    {
        var current = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var pinned = $"version={Uri.EscapeDataString(current)}";

        var listed = (await Get("/collections"))["collections"]!.AsArray().SingleOrDefault(c => (string?)c!["id"] == "conflicts")?.AsObject();
        var own = await Get("/collections/conflicts");
        var listedPinned = (await Get($"/collections?{pinned}"))["collections"]!.AsArray().Single(c => (string?)c!["id"] == "conflicts")!.AsObject();

        Assert.NotNull(listed);
        Assert.True(JsonNode.DeepEquals(own, listed), $"{own.ToJsonString()} vs {listed.ToJsonString()}");
        Assert.Equal("feature", (string?)listed["itemType"]);
        var box = listed["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.True(box[0] < box[2] && box[1] < box[3], $"the extent {string.Join(',', box)} is not a box");
        foreach (var patch in (await AllConflictsAsync()).Select(c => GeoJsonGeometry.Read(JsonDocument.Parse(c["geometry"]!.ToJsonString()).RootElement)!.EnvelopeInternal))
        {
            Assert.True(patch.MinX >= box[0] && patch.MaxX <= box[2] && patch.MinY >= box[1] && patch.MaxY <= box[3], $"a patch {patch} lies outside the extent");
        }

        var rels = listed["links"]!.AsArray().Select(l => (string)l!["rel"]!).ToList();
        Assert.Contains("items", rels);
        Assert.Contains(listed["links"]!.AsArray(), l => ((string)l!["href"]!).Contains("/collections/conflicts/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}", StringComparison.Ordinal));
        Assert.All(listedPinned["links"]!.AsArray(), l => Assert.Contains(pinned, (string)l!["href"]!, StringComparison.Ordinal));
        Assert.Equal(current, (string?)listedPinned["metrocircle"]!["planVersion"]);
    }

    [Fact]
    public async Task a_tile_over_a_patch_holds_it_and_a_tile_far_away_is_empty()
    {
        var first = (await AllConflictsAsync())[0];
        var at = GeoJsonGeometry.Read(JsonDocument.Parse(first["geometry"]!.ToJsonString()).RootElement)!.InteriorPoint.Coordinate;
        const int z = 12;
        var n = 1 << z;
        var x = (int)((at.X + 180) / 360 * n);
        var lat = at.Y * Math.PI / 180;
        var y = (int)((1 - (Math.Log(Math.Tan(lat) + (1 / Math.Cos(lat))) / Math.PI)) / 2 * n);

        using var tile = await server.Client.GetAsync($"/collections/conflicts/tiles/WebMercatorQuad/{z}/{y}/{x}", Ct);
        using var empty = await server.Client.GetAsync($"/collections/conflicts/tiles/WebMercatorQuad/{z}/0/0", Ct);

        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", tile.Content.Headers.ContentType?.MediaType);
        var bytes = await tile.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(bytes.AsSpan().IndexOf("conflicts"u8) >= 0, "the tile has no layer named conflicts");
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
    }

    [Fact]
    public async Task ogr2ogr_reads_the_conflicts_collection_with_every_patch_and_its_properties()
    {
        var ogr2ogr = Requirements.Program("ogr2ogr", "gdal-bin");
        var target = Path.Combine(Path.GetTempPath(), $"mc-conflicts-{Guid.NewGuid():N}.geojson");
        try
        {
            var (exit, output) = await Processes.RunAsync(ogr2ogr, "-f", "GeoJSON", target, $"OAPIF:{server.BaseAddress.ToString().TrimEnd('/')}/collections/conflicts");
            Assert.True(exit == 0, output);

            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(target, Ct));
            var read = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
            var all = await AllConflictsAsync();
            Assert.Equal(all.Count, read.Count);
            Assert.Equal(all.Select(c => (string)c["properties"]!["rule"]!).Order(), read.Select(f => f.GetProperty("properties").GetProperty("rule").GetString()!).Order());
            Assert.All(read, f => Assert.True(f.GetProperty("properties").TryGetProperty("areaM2", out _) && f.GetProperty("properties").TryGetProperty("status", out _)));
        }
        finally
        {
            File.Delete(target);
        }
    }
}
