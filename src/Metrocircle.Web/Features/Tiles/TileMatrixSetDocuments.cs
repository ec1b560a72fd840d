using System.Text.Json;
using Metrocircle.Core.Tiles;
using Metrocircle.Web.Infrastructure;

namespace Metrocircle.Web.Features.Tiles;

/// <summary>The tile matrix set documents (OGC 2D Tile Matrix Set 2.0, JSON encoding).</summary>
internal static class TileMatrixSetDocuments
{
    public const string Title = "Google Maps Compatible for the World";

    public static void WriteList(Utf8JsonWriter w, string root)
    {
        w.WriteStartObject();
        w.WriteStartArray("links");
        Links.Write(w, $"{root}/tileMatrixSets", "self", Links.Json, "The tile matrix sets");
        w.WriteEndArray();
        w.WriteStartArray("tileMatrixSets");
        w.WriteStartObject();
        w.WriteString("id", WebMercatorQuad.Id);
        w.WriteString("title", Title);
        w.WriteString("uri", WebMercatorQuad.Uri);
        w.WriteString("crs", WebMercatorQuad.Crs);
        w.WriteStartArray("links");
        Links.Write(w, $"{root}/tileMatrixSets/{WebMercatorQuad.Id}", "self", Links.Json, Title);
        Links.Write(w, $"{root}/tileMatrixSets/{WebMercatorQuad.Id}", "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", Links.Json, Title);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteWebMercatorQuad(Utf8JsonWriter w, string root)
    {
        w.WriteStartObject();
        w.WriteString("id", WebMercatorQuad.Id);
        w.WriteString("title", Title);
        w.WriteString("uri", WebMercatorQuad.Uri);
        w.WriteString("crs", WebMercatorQuad.Crs);
        w.WriteStartArray("orderedAxes");
        w.WriteStringValue("X");
        w.WriteStringValue("Y");
        w.WriteEndArray();
        w.WriteString("wellKnownScaleSet", WebMercatorQuad.WellKnownScaleSet);
        w.WriteStartObject("boundingBox");
        w.WriteStartArray("lowerLeft");
        w.WriteNumberValue(-WebMercatorQuad.HalfWorld);
        w.WriteNumberValue(-WebMercatorQuad.HalfWorld);
        w.WriteEndArray();
        w.WriteStartArray("upperRight");
        w.WriteNumberValue(WebMercatorQuad.HalfWorld);
        w.WriteNumberValue(WebMercatorQuad.HalfWorld);
        w.WriteEndArray();
        w.WriteString("crs", WebMercatorQuad.Crs);
        w.WriteEndObject();
        w.WriteStartArray("tileMatrices");
        for (var z = 0; z <= WebMercatorQuad.MaxZoom; z++)
        {
            w.WriteStartObject();
            w.WriteString("id", z.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("scaleDenominator", WebMercatorQuad.ScaleDenominator(z));
            w.WriteNumber("cellSize", WebMercatorQuad.CellSize(z));
            w.WriteString("cornerOfOrigin", "topLeft");
            w.WriteStartArray("pointOfOrigin");
            w.WriteNumberValue(-WebMercatorQuad.HalfWorld);
            w.WriteNumberValue(WebMercatorQuad.HalfWorld);
            w.WriteEndArray();
            w.WriteNumber("tileWidth", WebMercatorQuad.TileSize);
            w.WriteNumber("tileHeight", WebMercatorQuad.TileSize);
            w.WriteNumber("matrixWidth", WebMercatorQuad.MatrixSize(z));
            w.WriteNumber("matrixHeight", WebMercatorQuad.MatrixSize(z));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("links");
        Links.Write(w, $"{root}/tileMatrixSets/{WebMercatorQuad.Id}", "self", Links.Json, Title);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
