using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Filtering;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Conflicts;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Collections;

/// <summary>
/// OGC API – Features, Part 1: the collections of the plan in force and their items; every read also takes
/// <c>version=ID</c> or <c>asOf=YYYY-MM-DD</c> (<see cref="PlanResolver"/>), carried along in its links.
/// Part 2: items in CRS84, EPSG:4326, CGCS2000 or its Gauss–Krüger zones (<c>crs</c>, <c>bbox-crs</c>,
/// <see cref="ItemsCrs"/>). Part 3: queryables and a CQL2-text <c>filter</c> (<see cref="Cql2Filter"/>, <see cref="FilteredItems"/>).
/// </summary>
public static class CollectionsApi
{
    public static IEndpointRouteBuilder MapCollections(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/collections").WithTags("OGC API – Features").AllowAnonymous();
        group.MapGet("/", GetCollections).WithName("getCollections").WithSummary("The plan's layers as feature collections")
            .Produces<CollectionsDocument>(StatusCodes.Status200OK, Links.Json);
        group.MapGet("/{collectionId}", GetCollection).WithName("describeCollection").WithSummary("One collection's metadata")
            .Produces<CollectionDocument>(StatusCodes.Status200OK, Links.Json);
        group.MapGet("/{collectionId}/items", GetItems).WithName("getFeatures")
            .WithSummary("Features of a collection (bbox, limit, datetime, CQL2-text filter; pages follow the next link's cursor, offset is still read); GeoJSON in CRS84 or the crs asked for")
            .WithDescription("Query parameters: bbox, bbox-crs, limit, offset, cursor, datetime, crs (a URI from the collection's crs list, or any CGCS2000 Gauss-Kruger zone http://www.opengis.net/def/crs/EPSG/0/4491..4554; coordinates in that CRS's axis order, latitude or northing first; projected values rounded to the millimetre; the Content-Crs header names it), filter (CQL2 text: =, <>, <, <=, >, >=, AND, OR, NOT, LIKE, BETWEEN, IN, IS NULL, S_INTERSECTS with a WKT or BBOX literal in CRS84, over the collection's queryables), filter-lang (cql2-text), filter-crs (CRS84).")
            .Produces<FeatureCollectionDocument>(StatusCodes.Status200OK, Links.GeoJson);
        group.MapGet("/{collectionId}/items/{featureId}", GetItem).WithName("getFeature").WithSummary("One feature (crs as for items)")
            .Produces<FeatureDocument>(StatusCodes.Status200OK, Links.GeoJson);
        group.MapGet("/{collectionId}/queryables", GetQueryables).WithName("getQueryables")
            .WithSummary("The properties a filter can use, as a JSON Schema (OGC API – Features Part 3)")
            .Produces<QueryablesDocument>(StatusCodes.Status200OK, SchemaJson);
        return app;
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetCollections(string? version, string? asOf, PlanCatalog catalog, ConflictCache conflictCache,
        HttpRequest request, CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        var pinned = selection!;
        var conflicts = await ConflictsOfAsync(view, conflictCache, ct);

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("links");
            Links.Write(w, pinned.Carry($"{root}/collections"), "self", Links.Json, "The plan's collections");
            w.WriteEndArray();
            w.WriteStartArray("collections");
            foreach (var layer in view.Layers)
            {
                WriteCollection(w, view, layer, root, pinned);
            }

            if (conflicts is not null)
            {
                ConflictCollectionApi.WriteCollection(w, conflicts, root, pinned);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, ETag(view, pinned));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetCollection(string collectionId, string? version, string? asOf, PlanCatalog catalog, HttpRequest request, CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        var pinned = selection!;

        if (view.Layer(collectionId) is not { } layer)
        {
            return UnknownCollection(view, collectionId);
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w => WriteCollection(w, view, layer, root, pinned), ETag(view, pinned));
    }

    private const string SchemaJson = "application/schema+json";

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetItems(
        string collectionId,
        string? version,
        string? asOf,
        [AsParameters] ItemsQueryText documented,
        PlanCatalog catalog,
        ItemsPaging paging,
        EncodedFeatures encoded,
        HttpRequest request,
        CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        var pinned = selection!;

        if (view.Layer(collectionId) is not { } layer)
        {
            return UnknownCollection(view, collectionId);
        }

        if (FormatProblem(request) is { } formatProblem)
        {
            return formatProblem;
        }

        var (parameters, problem) = ItemsParameters.Parse(request.Query, Cql2Filter.Queryables(layer), view.Stats.GetValueOrDefault(layer.Id)?.Extent);
        if (problem is not null)
        {
            return problem;
        }

        var p = parameters!;
        var query = new FeatureQuery(view.Version.Id, layer.Id, p.Bbox, p.Offset, p.Limit, p.ValidFrom, p.ValidTo, p.Cursor, paging.NumberMatchedCap);
        // Without a filter the page is assembled from cached feature encodings; a filter reads and tests whole features.
        var page = p.Filter is null && encoded.Serves ? await encoded.ReadPageAsync(catalog.Store, query, p.Crs, ct)
            : p.Filter is { } cql2 ? Encode(await FilteredItems.ReadAsync(catalog.Store, query, cql2, ct), p.Crs)
            : Encode(await catalog.Store.GetFeaturesAsync(query, ct), p.Crs);
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{p.Crs.Uri}>";
        var root = Links.Base(request);
        var itemsUrl = $"{root}/collections/{Uri.EscapeDataString(layer.Id)}/items";
        return new JsonWriterResult(Links.GeoJson, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            // Above the cap the total is not counted, and OGC API – Features lets it be left out; next still says more exist.
            if (page.NumberMatched is { } matched)
            {
                w.WriteNumber("numberMatched", matched);
            }

            w.WriteNumber("numberReturned", page.Features.Count);
            // A read pinned to a version is the same document whenever it is asked for: stamped with its version's publish time.
            w.WriteString("timeStamp", (pinned.IsPinned ? view.Version.PublishedAt : DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartArray("links");
            Links.Write(w, p.Cursor is { } cursor ? CursorUrl(itemsUrl, request.Query, cursor, p.Limit) : PageUrl(itemsUrl, request.Query, p.Offset, p.Limit),
                "self", Links.GeoJson, "This page");
            if (page.Next is { } next)
            {
                Links.Write(w, CursorUrl(itemsUrl, request.Query, next, p.Limit), "next", Links.GeoJson, "Next page");
            }

            if (p.Cursor is null && p.Offset > 0)
            {
                Links.Write(w, PageUrl(itemsUrl, request.Query, Math.Max(0, p.Offset - p.Limit), p.Limit), "prev", Links.GeoJson, "Previous page");
            }

            Links.Write(w, pinned.Carry($"{root}/collections/{Uri.EscapeDataString(layer.Id)}"), "collection", Links.Json, layer.TitleEn);
            w.WriteEndArray();
            w.WriteStartArray("features");
            foreach (var feature in page.Features)
            {
                w.WriteRawValue(feature, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, ETag(view, pinned));
    }

    private static EncodedPage Encode(FeaturePage page, ItemsCrs crs) =>
        new([.. page.Features.Select(f => EncodedFeatures.Encode(crs.Apply(f)))], page.NumberMatched, page.Next);

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetItem(string collectionId, string featureId, string? version, string? asOf,
        [AsParameters] ItemQueryText documented, PlanCatalog catalog, JurisdictionCache jurisdictions, HttpRequest request, CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        var pinned = selection!;

        if (view.Layer(collectionId) is not { } layer)
        {
            return UnknownCollection(view, collectionId);
        }

        if (FormatProblem(request) is { } formatProblem)
        {
            return formatProblem;
        }

        var (itemCrs, crsProblem) = ItemsParameters.ParseCrs(request.Query, "crs", view.Stats.GetValueOrDefault(layer.Id)?.Extent);
        if (crsProblem is not null)
        {
            return crsProblem;
        }

        var stored = await catalog.Store.GetFeatureAsync(view.Version.Id, layer.Id, featureId, ct);
        if (stored is null && layer.Kind == LayerKinds.Jurisdiction
            && (await jurisdictions.GetAsync(view, ct)).Resolve(featureId) is var current && current != featureId)
        {
            // A jurisdiction's former id (before ids were codes) answers with the feature under its current id.
            stored = await catalog.Store.GetFeatureAsync(view.Version.Id, layer.Id, current, ct);
        }

        if (stored is null)
        {
            return Problems.NotFound("Unknown feature", $"Collection \"{layer.Id}\" has no feature \"{featureId}\" in plan version {view.Version.Id}.");
        }

        var feature = itemCrs!.Apply(stored);
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{itemCrs.Uri}>";

        var root = Links.Base(request);
        var collectionUrl = $"{root}/collections/{Uri.EscapeDataString(layer.Id)}";
        return new JsonWriterResult(Links.GeoJson, w => GeoJsonFeatureWriter.Write(w, feature, w2 =>
        {
            Links.Write(w2, pinned.Carry($"{collectionUrl}/items/{Uri.EscapeDataString(feature.Id)}"), "self", Links.GeoJson, "This feature");
            Links.Write(w2, pinned.Carry($"{collectionUrl}/items/{Uri.EscapeDataString(feature.Id)}/history"), "version-history", Links.Json, "Every version that added, changed or retired this feature");
            Links.Write(w2, pinned.Carry(collectionUrl), "collection", Links.Json, layer.TitleEn);
        }), ETag(view, pinned));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetQueryables(string collectionId, string? version, string? asOf, PlanCatalog catalog, HttpRequest request, CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        if (view.Layer(collectionId) is not { } layer)
        {
            return UnknownCollection(view, collectionId);
        }

        var url = $"{Links.Base(request)}/collections/{Uri.EscapeDataString(layer.Id)}/queryables";
        return new JsonWriterResult(SchemaJson, w =>
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            w.WriteString("$id", url);
            w.WriteString("type", "object");
            w.WriteString("title", $"{layer.TitleEn} · {layer.TitleZh}");
            w.WriteString("description", "The properties a CQL2-text filter on this collection's items can use (filter-lang=cql2-text).");
            w.WriteStartObject("properties");
            foreach (var (name, type) in Cql2Filter.Queryables(layer))
            {
                w.WriteStartObject(name);
                w.WriteString("title", name);
                switch (type)
                {
                    case Cql2Type.Geometry:
                        w.WriteString("format", layer.Geometry switch
                        {
                            LayerGeometry.Point => "geometry-point-or-multipoint",
                            LayerGeometry.LineString => "geometry-linestring-or-multilinestring",
                            LayerGeometry.Polygon => "geometry-polygon-or-multipolygon",
                            _ => "geometry-any",
                        });
                        w.WriteString("x-ogc-role", "primary-geometry");
                        break;
                    case Cql2Type.Date:
                        w.WriteString("type", "string");
                        w.WriteString("format", "date");
                        break;
                    default:
                        w.WriteString("type", type.ToString().ToLowerInvariant());
                        break;
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteBoolean("additionalProperties", false);
            w.WriteEndObject();
        }, ETag(view, selection!));
    }

    /// <summary>
    /// The derived conflicts collection, listed with the layers so an OGC client discovers it; left out when a plan layer
    /// has its id (the literal route would hide that layer anyway) or the plan's conflict rules are malformed, which
    /// <c>/collections/conflicts</c> and <c>/conflicts</c> answer as a problem naming the rule.
    /// </summary>
    private static async Task<ConflictSet?> ConflictsOfAsync(PlanView view, ConflictCache cache, CancellationToken ct)
    {
        if (view.Layer(ConflictsApi.CollectionId) is not null)
        {
            return null;
        }

        try
        {
            return await cache.GetAsync(view, ct);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ProblemHttpResult UnknownCollection(PlanView view, string id) =>
        Problems.NotFound("Unknown collection",
            $"Plan version {view.Version.Id} has no collection \"{id}\". Known collections: {string.Join(", ", view.Layers.Select(l => l.Id))}.");

    private static ProblemHttpResult? FormatProblem(HttpRequest request)
    {
        var f = request.Query["f"].ToString();
        return f is "" or "json" or "geojson"
            ? null
            : Problems.BadRequest("Unsupported format", $"f=\"{f}\" is not offered for features; use f=json (GeoJSON).", "f");
    }

    private static string PageUrl(string itemsUrl, IQueryCollection query, int offset, int limit) =>
        PagedUrl(itemsUrl, query, limit, string.Create(CultureInfo.InvariantCulture, $"offset={offset}"));

    /// <summary>A page by key: the cursor is the last row key of the page before, so the store seeks to it instead of counting past it.</summary>
    private static string CursorUrl(string itemsUrl, IQueryCollection query, long cursor, int limit) =>
        PagedUrl(itemsUrl, query, limit, string.Create(CultureInfo.InvariantCulture, $"cursor={cursor}"));

    private static string PagedUrl(string itemsUrl, IQueryCollection query, int limit, string position)
    {
        // A parameter repeated with the same value (GDAL's OAPIF driver adds the dataset URL's parameters to every
        // link it follows) is carried once.
        var parts = query.Where(kv => kv.Key is not ("offset" or "limit" or "cursor"))
            .SelectMany(kv => kv.Value.Distinct(StringComparer.Ordinal).Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? string.Empty)}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"limit={limit}"))
            .Append(position);
        return $"{itemsUrl}?{string.Join('&', parts)}";
    }

    /// <summary>
    /// A read pinned to a version or a day is the same bytes whenever it is asked for, so it carries the version id as
    /// ETag (as tiles always do); a read of the plan in force changes with time and has none.
    /// </summary>
    private static string? ETag(PlanView view, PlanSelection selection) => selection.IsPinned ? $"\"{view.Version.Id}\"" : null;

    private static void WriteCollection(Utf8JsonWriter w, PlanView view, PlanLayer layer, string root, PlanSelection selection)
    {
        var stats = view.Stats.GetValueOrDefault(layer.Id);
        var url = $"{root}/collections/{Uri.EscapeDataString(layer.Id)}";
        w.WriteStartObject();
        w.WriteString("id", layer.Id);
        w.WriteString("title", $"{layer.TitleEn} · {layer.TitleZh}");
        w.WriteString("description", layer.Description);
        w.WriteString("itemType", "feature");
        w.WriteStartArray("crs");
        foreach (var crs in ItemsCrs.Offered(stats?.Extent))
        {
            w.WriteStringValue(crs);
        }

        w.WriteEndArray();
        w.WriteString("storageCrs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        if (stats?.Extent is { } e)
        {
            WriteExtent(w, e);
        }

        w.WriteStartArray("links");
        Links.Write(w, selection.Carry(url), "self", Links.Json, layer.TitleEn);
        Links.Write(w, selection.Carry($"{url}/items?f=json"), "items", Links.GeoJson, $"{layer.TitleEn} (GeoJSON)");
        Links.Write(w, selection.Carry($"{url}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", SchemaJson, $"What a filter on {layer.TitleEn} can use");
        if (layer.Geometry != LayerGeometry.None)
        {
            Links.Write(w, selection.Carry($"{url}/tiles"), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", Links.Json, $"{layer.TitleEn} as vector tiles");
        }

        w.WriteEndArray();
        w.WriteStartObject("metrocircle");
        w.WriteString("kind", layer.Kind);
        w.WriteString("titleZh", layer.TitleZh);
        w.WriteString("titleEn", layer.TitleEn);
        w.WriteString("geometryType", layer.Geometry.ToString());
        w.WriteNumber("featureCount", stats?.Count ?? 0);
        if (stats?.Weakest is { } weakest)
        {
            w.WriteString("certainty", Provenance.ToText(weakest));
        }

        w.WriteNumber("order", layer.Order);
        w.WriteString("planVersion", view.Version.Id);
        w.WriteStartArray("attributes");
        foreach (var a in layer.Attributes)
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteString("type", a.Type.ToString().ToLowerInvariant());
            w.WriteBoolean("required", a.Required);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A collection's <c>extent</c> member: its CRS84 box.</summary>
    internal static void WriteExtent(Utf8JsonWriter w, NetTopologySuite.Geometries.Envelope e)
    {
        w.WriteStartObject("extent");
        w.WriteStartObject("spatial");
        w.WriteStartArray("bbox");
        w.WriteStartArray();
        w.WriteNumberValue(e.MinX);
        w.WriteNumberValue(e.MinY);
        w.WriteNumberValue(e.MaxX);
        w.WriteNumberValue(e.MaxY);
        w.WriteEndArray();
        w.WriteEndArray();
        w.WriteString("crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
