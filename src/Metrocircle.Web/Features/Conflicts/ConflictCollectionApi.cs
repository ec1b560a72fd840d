using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Features.Tiles;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>
/// The conflict patches as a read-only OGC API – Features collection (<c>/collections/conflicts</c>, its items, one
/// item) and as vector tiles, computed for the plan version served or the one a read names with <c>version=</c> or
/// <c>asOf=</c>, so the map and GDAL read them like any layer. Literal routes: they take precedence over the plan
/// layers' <c>/collections/{collectionId}</c> routes.
/// </summary>
internal static class ConflictCollectionApi
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 10_000;
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const string Title = "Conflict patches · 规划冲突图斑";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"/collections/{ConflictsApi.CollectionId}").WithTags("Conflicts").AllowAnonymous();
        group.MapGet("/", GetCollection).WithName("describeConflictsCollection").WithSummary("The conflict patches as a read-only collection: metadata")
            .Produces(StatusCodes.Status200OK, contentType: Links.Json);
        group.MapGet("/items", GetItems).WithName("getConflictFeatures")
            .WithSummary("Conflict patches as GeoJSON in CRS84 (bbox, limit, offset, version, asOf); the same Features as GET /conflicts")
            .Produces(StatusCodes.Status200OK, contentType: Links.GeoJson);
        group.MapGet("/items/{featureId}", GetItem).WithName("getConflictFeature").WithSummary("One conflict patch by its stable id")
            .Produces(StatusCodes.Status200OK, contentType: Links.GeoJson);
        group.MapGet("/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", GetTile).WithName("getConflictVectorTile")
            .WithSummary("Conflict patches as one Mapbox Vector Tile (layer \"conflicts\"); 204 when the tile holds no patch")
            .Produces<byte[]>(StatusCodes.Status200OK, TilesetDocuments.MvtType).Produces(StatusCodes.Status204NoContent);
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetCollection(string? version, string? asOf, PlanCatalog catalog, ConflictCache cache,
        HttpRequest request, CancellationToken ct)
    {
        var (selection, _) = PlanResolver.Parse(version, asOf);
        var (set, problem) = await ConflictsApi.LoadAsync(catalog, cache, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        return new JsonWriterResult(Links.Json, w => WriteCollection(w, set!, Links.Base(request), selection!));
    }

    /// <summary>The collection's metadata, as <c>/collections/conflicts</c> answers it and <c>/collections</c> lists it.</summary>
    internal static void WriteCollection(Utf8JsonWriter w, ConflictSet set, string root, PlanSelection selection)
    {
        var url = $"{root}/collections/{ConflictsApi.CollectionId}";
        w.WriteStartObject();
        w.WriteString("id", ConflictsApi.CollectionId);
        w.WriteString("title", Title);
        w.WriteString("description",
            "Where the plan's own layers contradict each other by its conflict rules: one patch per pair of features and county, with its rule, severity and status. Read-only; computed from the plan version.");
        w.WriteString("itemType", "feature");
        w.WriteStartArray("crs");
        w.WriteStringValue(Crs84);
        w.WriteEndArray();
        w.WriteString("storageCrs", Crs84);
        if (set.Extent is { } e)
        {
            Collections.CollectionsApi.WriteExtent(w, e);
        }

        w.WriteStartArray("links");
        Links.Write(w, selection.Carry(url), "self", Links.Json, Title);
        Links.Write(w, selection.Carry($"{url}/items?f=json"), "items", Links.GeoJson, "Conflict patches (GeoJSON)");
        w.WriteStartObject();
        w.WriteString("href", selection.Carry($"{url}/tiles/{WebMercatorQuad.Id}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"));
        w.WriteString("rel", "item");
        w.WriteString("type", TilesetDocuments.MvtType);
        w.WriteString("title", "Conflict patches as vector tiles (URI template)");
        w.WriteBoolean("templated", true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("metrocircle");
        w.WriteString("kind", "derived:conflicts");
        w.WriteString("planVersion", set.Version.Id);
        w.WriteNumber("featureCount", set.Features.Count);
        w.WriteBoolean("readOnly", true);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetItems(string? version, string? asOf, string? bbox, string? limit, string? offset,
        PlanCatalog catalog, ConflictCache cache, HttpRequest request, CancellationToken ct)
    {
        var (selection, _) = PlanResolver.Parse(version, asOf);
        if (Number(limit, "limit", 1, MaxLimit, DefaultLimit, out var take) is { } limitProblem)
        {
            return limitProblem;
        }

        if (Number(offset, "offset", 0, int.MaxValue, 0, out var skip) is { } offsetProblem)
        {
            return offsetProblem;
        }

        if (Box(bbox, out var box) is { } boxProblem)
        {
            return boxProblem;
        }

        var (set, problem) = await ConflictsApi.LoadAsync(catalog, cache, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var features = set!.WithAcceptances(await cache.AcceptancesAsync(ct));
        var matching = set.Within(box).ToList();
        var page = matching.Skip(skip).Take(take).Select(i => features[i]).ToList();
        var itemsUrl = $"{Links.Base(request)}/collections/{ConflictsApi.CollectionId}/items";
        string Page(int at) => selection!.Carry(string.Create(CultureInfo.InvariantCulture,
            $"{itemsUrl}?limit={take}&offset={at}{(bbox is null ? "" : "&bbox=" + Uri.EscapeDataString(bbox))}"));
        return new JsonWriterResult(Links.GeoJson, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteNumber("numberMatched", matching.Count);
            w.WriteNumber("numberReturned", page.Count);
            w.WriteStartArray("links");
            Links.Write(w, Page(skip), "self", Links.GeoJson, "This page");
            if (skip + page.Count < matching.Count)
            {
                Links.Write(w, Page(skip + page.Count), "next", Links.GeoJson, "Next page");
            }

            if (skip > 0)
            {
                Links.Write(w, Page(Math.Max(0, skip - take)), "prev", Links.GeoJson, "Previous page");
            }

            Links.Write(w, selection!.Carry($"{Links.Base(request)}/collections/{ConflictsApi.CollectionId}"), "collection", Links.Json, Title);
            w.WriteEndArray();
            w.WriteStartArray("features");
            foreach (var f in page)
            {
                JsonSerializer.Serialize(w, f, Json);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetItem(string featureId, string? version, string? asOf, PlanCatalog catalog,
        ConflictCache cache, CancellationToken ct)
    {
        var (set, problem) = await ConflictsApi.LoadAsync(catalog, cache, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var feature = set!.WithAcceptances(await cache.AcceptancesAsync(ct)).FirstOrDefault(f => f.Id == featureId);
        return feature is null
            ? Problems.NotFound("Unknown conflict patch", $"Plan version {set.Version.Id} has no conflict patch \"{featureId}\"; a patch's id changes when either of its features does.")
            : new JsonWriterResult(Links.GeoJson, w => JsonSerializer.Serialize(w, feature, Json));
    }

    internal static async Task<Results<FileContentHttpResult, NoContent, ProblemHttpResult>> GetTile(string tileMatrixSetId, string tileMatrix, string tileRow, string tileCol,
        string? version, string? asOf, PlanCatalog catalog, ConflictCache cache, CancellationToken ct)
    {
        if (tileMatrixSetId != WebMercatorQuad.Id)
        {
            return Problems.NotFound("Unknown tile matrix set", $"Tile matrix set \"{tileMatrixSetId}\" is not offered; the only one is {WebMercatorQuad.Id}.");
        }

        if (!int.TryParse(tileMatrix, NumberStyles.None, CultureInfo.InvariantCulture, out var z) || z > TilesApi.MaxZoom)
        {
            return Problems.BadRequest("Tile matrix out of range", $"tileMatrix \"{tileMatrix}\" is not a zoom level; use an integer from 0 to {TilesApi.MaxZoom}.", "tileMatrix");
        }

        var last = WebMercatorQuad.MatrixSize(z) - 1;
        if (!int.TryParse(tileRow, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y > last)
        {
            return Problems.BadRequest("Tile row out of range", $"tileRow \"{tileRow}\" is not a row of tile matrix {z}; use an integer from 0 to {last}.", "tileRow");
        }

        if (!int.TryParse(tileCol, NumberStyles.None, CultureInfo.InvariantCulture, out var x) || x > last)
        {
            return Problems.BadRequest("Tile column out of range", $"tileCol \"{tileCol}\" is not a column of tile matrix {z}; use an integer from 0 to {last}.", "tileCol");
        }

        var (set, problem) = await ConflictsApi.LoadAsync(catalog, cache, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var tile = MvtEncoder.Encode(set!.Tiles(set.WithAcceptances(await cache.AcceptancesAsync(ct))), new TileId(z, x, y), TileOptions.Default);
        return tile.IsEmpty ? TypedResults.NoContent() : TypedResults.File(tile.Bytes, TilesetDocuments.MvtType);
    }

    private static ProblemHttpResult? Number(string? text, string name, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max
            ? null
            : Problems.BadRequest($"Invalid {name}", $"{name} must be an integer from {min} to {max}; got \"{text}\".", name);
    }

    private static ProblemHttpResult? Box(string? text, out Envelope? box)
    {
        box = null;
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',');
        var values = new double[parts.Length];
        var ok = parts.Length == 4;
        for (var i = 0; ok && i < 4; i++)
        {
            ok = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i]);
        }

        if (!ok || values[0] > values[2] || values[1] > values[3] || values[1] < -90 || values[3] > 90)
        {
            return Problems.BadRequest("Invalid bbox", $"bbox must be minLon,minLat,maxLon,maxLat in CRS84 with min ≤ max; got \"{text}\".", "bbox");
        }

        box = new Envelope(values[0], values[2], values[1], values[3]);
        return null;
    }
}
