using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Tiles;

/// <summary>A collection's vector tileset described three ways: the OGC tileset list, the OGC tileset metadata, and TileJSON 3.0.</summary>
internal static class TilesetDocuments
{
    public const string MvtType = "application/vnd.mapbox-vector-tile";
    public const string TilesetsRel = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector";
    private const string TilingSchemeRel = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme";
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    public static string TilesetUrl(string root, PlanLayer layer) => $"{root}/collections/{Uri.EscapeDataString(layer.Id)}/tiles/{WebMercatorQuad.Id}";

    public static string TileTemplate(string root, PlanLayer layer) => $"{TilesetUrl(root, layer)}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}";

    public static void WriteList(Utf8JsonWriter w, PlanLayer layer, string root, PlanSelection selection)
    {
        var tileset = selection.Carry(TilesetUrl(root, layer));
        w.WriteStartObject();
        w.WriteStartArray("links");
        Links.Write(w, selection.Carry($"{root}/collections/{Uri.EscapeDataString(layer.Id)}/tiles"), "self", Links.Json, $"Tilesets of {layer.TitleEn}");
        Links.Write(w, selection.Carry($"{root}/collections/{Uri.EscapeDataString(layer.Id)}"), "collection", Links.Json, layer.TitleEn);
        w.WriteEndArray();
        w.WriteStartArray("tilesets");
        w.WriteStartObject();
        w.WriteString("title", $"{layer.TitleEn} · {layer.TitleZh}");
        w.WriteString("dataType", "vector");
        w.WriteString("crs", WebMercatorQuad.Crs);
        w.WriteString("tileMatrixSetURI", WebMercatorQuad.Uri);
        w.WriteStartArray("links");
        Links.Write(w, tileset, "self", Links.Json, "Tileset metadata");
        Links.Write(w, $"{root}/tileMatrixSets/{WebMercatorQuad.Id}", TilingSchemeRel, Links.Json, TileMatrixSetDocuments.Title);
        WriteTemplateLink(w, root, layer, selection);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteMetadata(Utf8JsonWriter w, PlanView view, PlanLayer layer, string root, PlanSelection selection, int maxZoom)
    {
        var extent = view.Stats.GetValueOrDefault(layer.Id)?.Extent;
        var tileset = TilesetUrl(root, layer);
        w.WriteStartObject();
        w.WriteString("title", $"{layer.TitleEn} · {layer.TitleZh}");
        w.WriteString("description", layer.Description);
        w.WriteString("dataType", "vector");
        w.WriteString("crs", WebMercatorQuad.Crs);
        w.WriteString("tileMatrixSetURI", WebMercatorQuad.Uri);
        w.WriteStartArray("links");
        Links.Write(w, selection.Carry(tileset), "self", Links.Json, "This tileset");
        Links.Write(w, $"{root}/tileMatrixSets/{WebMercatorQuad.Id}", TilingSchemeRel, Links.Json, TileMatrixSetDocuments.Title);
        WriteTemplateLink(w, root, layer, selection);
        Links.Write(w, selection.Carry($"{tileset}/tilejson.json"), "describedby", Links.Json, "TileJSON 3.0 for MapLibre");
        Links.Write(w, selection.Carry($"{root}/collections/{Uri.EscapeDataString(layer.Id)}"), "collection", Links.Json, layer.TitleEn);
        w.WriteEndArray();
        if (extent is not null)
        {
            w.WriteStartObject("boundingBox");
            w.WriteStartArray("lowerLeft");
            w.WriteNumberValue(extent.MinX);
            w.WriteNumberValue(extent.MinY);
            w.WriteEndArray();
            w.WriteStartArray("upperRight");
            w.WriteNumberValue(extent.MaxX);
            w.WriteNumberValue(extent.MaxY);
            w.WriteEndArray();
            w.WriteString("crs", Crs84);
            w.WriteEndObject();
            w.WriteStartArray("tileMatrixSetLimits");
            for (var z = 0; z <= maxZoom; z++)
            {
                var r = WebMercatorQuad.RangeOf(extent, z);
                w.WriteStartObject();
                w.WriteString("tileMatrix", z.ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("minTileRow", r.MinRow);
                w.WriteNumber("maxTileRow", r.MaxRow);
                w.WriteNumber("minTileCol", r.MinCol);
                w.WriteNumber("maxTileCol", r.MaxCol);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("layers");
        w.WriteStartObject();
        w.WriteString("id", layer.Id);
        w.WriteString("title", layer.TitleEn);
        w.WriteString("description", layer.Description);
        w.WriteString("dataType", "vector");
        w.WriteString("geometryDimension", layer.Geometry switch
        {
            LayerGeometry.Point => "0",
            LayerGeometry.LineString => "1",
            _ => "2",
        });
        w.WriteString("minTileMatrix", "0");
        w.WriteString("maxTileMatrix", maxZoom.ToString(CultureInfo.InvariantCulture));
        w.WriteStartObject("propertiesSchema");
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        foreach (var (name, type) in Fields(layer))
        {
            w.WriteStartObject(name);
            w.WriteString("type", type switch
            {
                "Number" => "number",
                "Boolean" => "boolean",
                _ => "string",
            });
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteTileJson(Utf8JsonWriter w, PlanView view, PlanLayer layer, string root, PlanSelection selection, int maxZoom)
    {
        var extent = view.Stats.GetValueOrDefault(layer.Id)?.Extent;
        w.WriteStartObject();
        w.WriteString("tilejson", "3.0.0");
        w.WriteString("name", $"{layer.TitleEn} · {layer.TitleZh}");
        w.WriteString("description", layer.Description);
        w.WriteString("version", view.Version.Id);
        w.WriteString("scheme", "xyz");
        w.WriteStartArray("tiles");
        w.WriteStringValue(selection.Carry($"{TilesetUrl(root, layer)}/{{z}}/{{y}}/{{x}}"));
        w.WriteEndArray();
        w.WriteNumber("minzoom", 0);
        w.WriteNumber("maxzoom", maxZoom);
        if (extent is not null)
        {
            w.WriteStartArray("bounds");
            w.WriteNumberValue(extent.MinX);
            w.WriteNumberValue(extent.MinY);
            w.WriteNumberValue(extent.MaxX);
            w.WriteNumberValue(extent.MaxY);
            w.WriteEndArray();
            w.WriteStartArray("center");
            w.WriteNumberValue(extent.Centre.X);
            w.WriteNumberValue(extent.Centre.Y);
            w.WriteNumberValue(CenterZoom(extent, maxZoom));
            w.WriteEndArray();
        }

        w.WriteStartArray("vector_layers");
        w.WriteStartObject();
        w.WriteString("id", layer.Id);
        w.WriteString("description", layer.TitleEn);
        w.WriteNumber("minzoom", 0);
        w.WriteNumber("maxzoom", maxZoom);
        w.WriteStartObject("fields");
        foreach (var (name, type) in Fields(layer))
        {
            w.WriteString(name, type);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The properties a tile feature can carry: the declared attributes, then provenance as in PlanFeature.PublicProperties.</summary>
    private static IEnumerable<(string Name, string Type)> Fields(PlanLayer layer)
    {
        foreach (var a in layer.Attributes)
        {
            yield return (a.Name, a.Type switch
            {
                AttributeType.Integer or AttributeType.Number => "Number",
                AttributeType.Boolean => "Boolean",
                _ => "String",
            });
        }

        if (layer.Attributes.All(a => a.Name != "id"))
        {
            yield return ("id", "String");
        }

        foreach (var name in new[] { "certainty", "source", "basis", "validFrom", "validTo" })
        {
            if (layer.Attributes.All(a => a.Name != name))
            {
                yield return (name, "String");
            }
        }
    }

    /// <summary>The deepest zoom whose one tile still spans the layer's width, so the whole layer is in view.</summary>
    private static int CenterZoom(Envelope extent, int maxZoom)
    {
        var width = Math.Max(extent.Width, extent.Height);
        return width <= 0 ? maxZoom : Math.Clamp((int)Math.Floor(Math.Log2(360.0 / width)), 0, maxZoom);
    }

    private static void WriteTemplateLink(Utf8JsonWriter w, string root, PlanLayer layer, PlanSelection selection)
    {
        w.WriteStartObject();
        w.WriteString("href", selection.Carry(TileTemplate(root, layer)));
        w.WriteString("rel", "item");
        w.WriteString("type", MvtType);
        w.WriteString("title", $"{layer.TitleEn} tiles (Mapbox Vector Tile)");
        w.WriteBoolean("templated", true);
        w.WriteEndObject();
    }
}
