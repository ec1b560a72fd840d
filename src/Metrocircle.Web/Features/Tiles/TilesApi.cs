using System.Globalization;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Features.Tiles;

/// <summary>
/// OGC API – Tiles (vector tiles, WebMercatorQuad only) over the plan in force, or the one a read names with
/// <c>version=</c> or <c>asOf=</c> (carried into every link and tile URL), plus TileJSON for MapLibre.
/// A tile with no feature in it answers 204 No Content, as OGC API – Tiles allows; MapLibre and GDAL read that as an
/// empty tile, and it saves a request body for the many empty tiles around the area.
/// </summary>
public static class TilesApi
{
    /// <summary>The deepest zoom served. The plan's data is drawn to about 100 m; clients overzoom beyond this.</summary>
    public const int MaxZoom = 16;

    /// <summary>Upper bound of the encoded-tile cache.</summary>
    public const long CacheBytes = 128L * 1024 * 1024;

    public static IEndpointRouteBuilder MapTiles(this IEndpointRouteBuilder app)
    {
        // One cache per host, created here so that registering the feature stays a single line.
        var tiles = new TileCache(app.ServiceProvider.GetRequiredService<IPlanStore>(), TileOptions.Default, CacheBytes,
            app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Metrocircle.Tiles"));
        app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopped.Register(tiles.Dispose);

        var sets = app.MapGroup("/tileMatrixSets").WithTags("OGC API – Tiles").AllowAnonymous();
        sets.MapGet("/", GetTileMatrixSets).WithName("getTileMatrixSetsList").WithSummary("The tile matrix sets offered");
        sets.MapGet("/{tileMatrixSetId}", GetTileMatrixSet).WithName("getTileMatrixSet").WithSummary("One tile matrix set's definition");

        var group = app.MapGroup("/collections/{collectionId}/tiles").WithTags("OGC API – Tiles").AllowAnonymous();
        group.MapGet("/", GetTilesets).WithName("getCollectionVectorTileSetsList").WithSummary("A collection's vector tilesets");
        group.MapGet("/{tileMatrixSetId}", GetTileset).WithName("getCollectionVectorTileSet").WithSummary("A vector tileset's metadata");
        group.MapGet("/{tileMatrixSetId}/tilejson.json", GetTileJson).WithName("getCollectionTileJson").WithSummary("TileJSON 3.0 for MapLibre")
            .Produces(StatusCodes.Status200OK, contentType: Links.Json);
        group.MapGet("/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
                (string collectionId, string tileMatrixSetId, string tileMatrix, string tileRow, string tileCol, string? version, string? asOf, PlanCatalog catalog,
                    HttpContext context, CancellationToken ct) =>
                    GetTile(tiles, collectionId, tileMatrixSetId, tileMatrix, tileRow, tileCol, version, asOf, catalog, context, ct))
            .WithName("getCollectionVectorTile").WithSummary("One Mapbox Vector Tile; 204 when the tile holds no feature")
            .Produces<byte[]>(StatusCodes.Status200OK, TilesetDocuments.MvtType).Produces(StatusCodes.Status204NoContent);
        return app;
    }

    internal static JsonWriterResult GetTileMatrixSets(HttpRequest request)
    {
        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => TileMatrixSetDocuments.WriteList(w, root));
    }

    internal static Results<JsonWriterResult, ProblemHttpResult> GetTileMatrixSet(string tileMatrixSetId, HttpRequest request)
    {
        if (UnknownTileMatrixSet(tileMatrixSetId) is { } problem)
        {
            return problem;
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => TileMatrixSetDocuments.WriteWebMercatorQuad(w, root));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetTilesets(string collectionId, string? version, string? asOf, PlanCatalog catalog, HttpRequest request, CancellationToken ct)
    {
        var (view, selection, layer, problem) = await ResolveAsync(catalog, collectionId, WebMercatorQuad.Id, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => TilesetDocuments.WriteList(w, layer!, root, selection!));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetTileset(string collectionId, string tileMatrixSetId, string? version, string? asOf, PlanCatalog catalog,
        HttpRequest request, CancellationToken ct)
    {
        var (view, selection, layer, problem) = await ResolveAsync(catalog, collectionId, tileMatrixSetId, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => TilesetDocuments.WriteMetadata(w, view!, layer!, root, selection!, MaxZoom));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetTileJson(string collectionId, string tileMatrixSetId, string? version, string? asOf, PlanCatalog catalog,
        HttpRequest request, CancellationToken ct)
    {
        var (view, selection, layer, problem) = await ResolveAsync(catalog, collectionId, tileMatrixSetId, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => TilesetDocuments.WriteTileJson(w, view!, layer!, root, selection!, MaxZoom));
    }

    internal static async Task<Results<FileContentHttpResult, NoContent, StatusCodeHttpResult, ProblemHttpResult>> GetTile(TileCache tiles,
        string collectionId, string tileMatrixSetId, string tileMatrix, string tileRow, string tileCol, string? version, string? asOf, PlanCatalog catalog,
        HttpContext context, CancellationToken ct)
    {
        var (view, selection, layer, problem) = await ResolveAsync(catalog, collectionId, tileMatrixSetId, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!TryParse(tileMatrix, 0, MaxZoom, out var z))
        {
            return Problems.BadRequest("Tile matrix out of range",
                $"tileMatrix \"{tileMatrix}\" is not a zoom level of this tileset; use an integer from 0 to {MaxZoom}.", "tileMatrix");
        }

        var last = (int)(WebMercatorQuad.MatrixSize(z) - 1);
        if (!TryParse(tileRow, 0, last, out var y))
        {
            return Problems.BadRequest("Tile row out of range", $"tileRow \"{tileRow}\" is not a row of tile matrix {z}; use an integer from 0 to {last}.", "tileRow");
        }

        if (!TryParse(tileCol, 0, last, out var x))
        {
            return Problems.BadRequest("Tile column out of range", $"tileCol \"{tileCol}\" is not a column of tile matrix {z}; use an integer from 0 to {last}.", "tileCol");
        }

        // The version id is the whole validator: a tile changes only with a new plan version. no-cache makes browsers
        // and proxies revalidate on every use, so a published edit shows at once at the price of a 304 round trip.
        var etag = $"\"{view!.Version.Id}\"";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var tile = await tiles.GetTileAsync(view.Version.Id, layer!.Id, new TileId(z, x, y), catalog.Served?.Version.Id, ct);
        return tile.IsEmpty ? TypedResults.NoContent() : TypedResults.File(tile.Bytes, TilesetDocuments.MvtType);
    }

    private static async Task<(PlanView? View, PlanSelection? Selection, PlanLayer? Layer, ProblemHttpResult? Problem)> ResolveAsync(PlanCatalog catalog,
        string collectionId, string tileMatrixSetId, string? version, string? asOf, CancellationToken ct)
    {
        var (view, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return (null, null, null, planProblem);
        }

        if (view!.Layer(collectionId) is not { } layer)
        {
            return (view, selection, null, Problems.NotFound("Unknown collection",
                $"Plan version {view.Version.Id} has no collection \"{collectionId}\". Known collections: {string.Join(", ", view.Layers.Select(l => l.Id))}."));
        }

        if (layer.Geometry == LayerGeometry.None)
        {
            return (view, selection, layer, Problems.NotFound("No tiles for records",
                $"Collection \"{layer.Id}\" holds records without geometry, so it has no tiles; read it at /collections/{layer.Id}/items."));
        }

        return (view, selection, layer, UnknownTileMatrixSet(tileMatrixSetId));
    }

    private static ProblemHttpResult? UnknownTileMatrixSet(string id) =>
        id == WebMercatorQuad.Id
            ? null
            : Problems.NotFound("Unknown tile matrix set", $"Tile matrix set \"{id}\" is not offered; the only one is {WebMercatorQuad.Id}.");

    private static bool TryParse(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
