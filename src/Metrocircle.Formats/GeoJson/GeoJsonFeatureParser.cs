using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.GeoJson;

/// <summary>
/// Parses one GeoJSON Feature from its bytes, building the geometry straight from the coordinate tokens
/// (no DOM of the coordinates). Malformed JSON throws <see cref="JsonException"/>; a well-formed feature whose
/// geometry cannot be built comes back with a <see cref="RawFeature.GeometryError"/>.
/// </summary>
internal static class GeoJsonFeatureParser
{
    public static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static RawFeature Parse(ReadOnlySpan<byte> json, long index, string where, GeometryFactory factory)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new LayerFileException($"{where}: expected a GeoJSON Feature object");
        }

        string? type = null;
        string? id = null;
        Geometry? geometry = null;
        string? geometryError = null;
        JsonObject? properties = null;
        string? propertyId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = ScalarText(ref reader, where);
            }
            else if (reader.ValueTextEquals("geometry"u8))
            {
                reader.Read();
                var before = reader;
                try
                {
                    geometry = ReadGeometry(ref reader, factory);
                }
                catch (GeometryShapeException e)
                {
                    geometryError = e.Message;
                    reader = before;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("properties"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    // A JsonObject over a JsonElement stays unmaterialised until someone reads it; the store just
                    // writes the element back out, which is what makes a million features affordable.
                    var element = JsonElement.ParseValue(ref reader);
                    if (element.TryGetProperty("id"u8, out var idElement))
                    {
                        propertyId = idElement.ValueKind switch
                        {
                            JsonValueKind.String => idElement.GetString(),
                            JsonValueKind.Number => idElement.GetRawText(),
                            _ => null,
                        };
                    }

                    properties = JsonObject.Create(element);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new LayerFileException($"{where}: \"properties\" must be an object or null");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type != "Feature")
        {
            throw new LayerFileException(type is null
                ? $"{where}: expected a GeoJSON Feature, found an object without \"type\""
                : $"{where}: expected a GeoJSON Feature, found type \"{type}\"");
        }

        return new RawFeature(index, where, id ?? propertyId, geometry, properties ?? [], geometryError);
    }

    private static string? ScalarText(ref Utf8JsonReader reader, string where) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new LayerFileException($"{where}: a feature's \"id\" must be a string or a number"),
    };

    /// <summary>Reads a geometry object; the reader is on its first token and ends on its last.</summary>
    internal static Geometry? ReadGeometry(ref Utf8JsonReader reader, GeometryFactory factory)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new GeometryShapeException("\"geometry\" must be an object or null");
        }

        string? type = null;
        object? coordinates = null;
        List<Geometry>? members = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("coordinates"u8))
            {
                reader.Read();
                coordinates = ReadCoordinates(ref reader);
            }
            else if (reader.ValueTextEquals("geometries"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new GeometryShapeException("\"geometries\" must be an array");
                }

                members = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    members.Add(ReadGeometry(ref reader, factory) ?? throw new GeometryShapeException("a GeometryCollection member is null"));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type == "GeometryCollection")
        {
            return factory.CreateGeometryCollection((members ?? []).ToArray());
        }

        if (coordinates is null)
        {
            throw new GeometryShapeException(type is null ? "geometry without \"type\"" : $"{type} without \"coordinates\"");
        }

        return type switch
        {
            "Point" => factory.CreatePoint(Position(coordinates)),
            "MultiPoint" => factory.CreateMultiPoint(List(coordinates, 0).Select(p => factory.CreatePoint(Position(p))).ToArray()),
            "LineString" => Line(factory, coordinates),
            "MultiLineString" => factory.CreateMultiLineString(List(coordinates, 0).Select(l => Line(factory, l)).ToArray()),
            "Polygon" => Polygon(factory, coordinates),
            "MultiPolygon" => factory.CreateMultiPolygon(List(coordinates, 0).Select(p => Polygon(factory, p)).ToArray()),
            null => throw new GeometryShapeException("geometry without \"type\""),
            _ => throw new GeometryShapeException($"unknown geometry type \"{type}\""),
        };
    }

    /// <summary>A position becomes a <see cref="Coordinate"/>; an array of arrays a list. Z and M are dropped: the plan is 2-D.</summary>
    private static object ReadCoordinates(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new GeometryShapeException("\"coordinates\" must be nested arrays of numbers");
        }

        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            var x = reader.GetDouble();
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                throw new GeometryShapeException("a position needs at least two numbers");
            }

            var y = reader.GetDouble();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number)
                {
                    throw new GeometryShapeException("a position holds numbers only");
                }
            }

            return new Coordinate(x, y);
        }

        var list = new List<object>();
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(ReadCoordinates(ref reader));
            reader.Read();
        }

        return list;
    }

    private static Coordinate Position(object o) =>
        o as Coordinate ?? throw new GeometryShapeException("expected a position, found an array of arrays");

    private static List<object> List(object o, int minimum)
    {
        if (o is not List<object> list)
        {
            throw new GeometryShapeException("expected an array of positions, found a single position");
        }

        if (list.Count < minimum)
        {
            throw new GeometryShapeException(string.Create(CultureInfo.InvariantCulture, $"expected at least {minimum} positions, found {list.Count}"));
        }

        return list;
    }

    private static Coordinate[] Positions(object o, int minimum) => List(o, minimum).Select(Position).ToArray();

    private static LineString Line(GeometryFactory factory, object o) => factory.CreateLineString(Positions(o, 2));

    private static Polygon Polygon(GeometryFactory factory, object o)
    {
        var rings = List(o, 1).Select((r, i) =>
        {
            var points = Positions(r, 4);
            if (!points[0].Equals2D(points[^1]))
            {
                throw new GeometryShapeException(i == 0 ? "the exterior ring is not closed" : string.Create(CultureInfo.InvariantCulture, $"hole {i} is not closed"));
            }

            return factory.CreateLinearRing(points);
        }).ToArray();
        return factory.CreatePolygon(rings[0], rings[1..]);
    }
}

/// <summary>A geometry that is well-formed JSON but cannot be built; the feature is dropped with this reason.</summary>
internal sealed class GeometryShapeException(string message) : Exception(message);
