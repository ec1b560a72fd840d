using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Spatial;

/// <summary>Raised when a GeoJSON geometry cannot be read; the message names what and where.</summary>
public sealed class GeoJsonFormatException(string message) : Exception(message);

/// <summary>
/// Reads and writes RFC 7946 geometry. Our own code rather than a general serializer so that every
/// error names the ring and position at fault, and so that writing goes straight to the response stream.
/// </summary>
public static class GeoJsonGeometry
{
    /// <summary>
    /// Geometry services with the robust overlay (OverlayNG): the legacy overlay throws on nearly coincident edges,
    /// which real boundary data and generated layers both produce.
    /// </summary>
    public static readonly NetTopologySuite.NtsGeometryServices Services = new(
        NetTopologySuite.Geometries.Implementation.CoordinateArraySequenceFactory.Instance, new PrecisionModel(), 4326, GeometryOverlay.NG, new CoordinateEqualityComparer());

    /// <summary>Lon/lat geometry with SRID 4326 and floating precision.</summary>
    public static readonly GeometryFactory Factory = Services.CreateGeometryFactory(4326);

    /// <summary>Projected (metric) geometry; SRID 0 because each dataset names its own projection.</summary>
    public static readonly GeometryFactory MetricFactory = Services.CreateGeometryFactory(0);

    public static Geometry? Read(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new GeoJsonFormatException("geometry must be an object or null");
        }

        if (!element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw new GeoJsonFormatException("geometry has no \"type\"");
        }

        var type = typeElement.GetString()!;
        if (type == "GeometryCollection")
        {
            if (!element.TryGetProperty("geometries", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                throw new GeoJsonFormatException("GeometryCollection has no \"geometries\" array");
            }

            return Factory.CreateGeometryCollection(parts.EnumerateArray().Select(p => Read(p) ?? Factory.CreateGeometryCollection()).ToArray());
        }

        if (!element.TryGetProperty("coordinates", out var c) || c.ValueKind != JsonValueKind.Array)
        {
            throw new GeoJsonFormatException($"{type} has no \"coordinates\" array");
        }

        return type switch
        {
            "Point" => c.GetArrayLength() == 0 ? Factory.CreatePoint() : Factory.CreatePoint(Position(c, "position")),
            "MultiPoint" => Factory.CreateMultiPoint(c.EnumerateArray().Select((p, i) => Factory.CreatePoint(Position(p, $"point {i}"))).ToArray()),
            "LineString" => Line(c, "line"),
            "MultiLineString" => Factory.CreateMultiLineString(c.EnumerateArray().Select((l, i) => Line(l, $"line {i}")).ToArray()),
            "Polygon" => Polygon(c, "polygon"),
            "MultiPolygon" => Factory.CreateMultiPolygon(c.EnumerateArray().Select((p, i) => Polygon(p, $"polygon {i}")).ToArray()),
            _ => throw new GeoJsonFormatException($"unknown geometry type \"{type}\""),
        };
    }

    private static Coordinate Position(JsonElement p, string where)
    {
        if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() < 2)
        {
            throw new GeoJsonFormatException($"{where}: a position needs [lon, lat]");
        }

        var x = p[0];
        var y = p[1];
        if (x.ValueKind != JsonValueKind.Number || y.ValueKind != JsonValueKind.Number)
        {
            throw new GeoJsonFormatException($"{where}: a position's coordinates must be numbers");
        }

        return new Coordinate(x.GetDouble(), y.GetDouble());
    }

    private static Coordinate[] Positions(JsonElement array, string where)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new GeoJsonFormatException($"{where}: expected an array of positions");
        }

        var result = new Coordinate[array.GetArrayLength()];
        var i = 0;
        foreach (var p in array.EnumerateArray())
        {
            result[i] = Position(p, $"{where}, position {i}");
            i++;
        }

        return result;
    }

    private static LineString Line(JsonElement c, string where)
    {
        var points = Positions(c, where);
        if (points.Length == 1)
        {
            throw new GeoJsonFormatException($"{where}: a line needs at least 2 positions");
        }

        return Factory.CreateLineString(points);
    }

    private static Polygon Polygon(JsonElement c, string where)
    {
        if (c.ValueKind != JsonValueKind.Array)
        {
            throw new GeoJsonFormatException($"{where}: expected an array of rings");
        }

        var rings = new List<LinearRing>();
        var r = 0;
        foreach (var ringElement in c.EnumerateArray())
        {
            var points = Positions(ringElement, $"{where}, ring {r}");
            if (points.Length < 4)
            {
                throw new GeoJsonFormatException($"{where}, ring {r}: a ring needs at least 4 positions, it has {points.Length}");
            }

            if (!points[0].Equals2D(points[^1]))
            {
                throw new GeoJsonFormatException(
                    FormattableString.Invariant($"{where}, ring {r}: not closed (first position {points[0].X} {points[0].Y} differs from the last)"));
            }

            rings.Add(Factory.CreateLinearRing(points));
            r++;
        }

        return rings.Count == 0 ? Factory.CreatePolygon() : Factory.CreatePolygon(rings[0], rings.Skip(1).ToArray());
    }

    public static void Write(Utf8JsonWriter w, Geometry? g)
    {
        if (g is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("type", g.GeometryType);
        if (g is GeometryCollection gc and not MultiPoint and not MultiLineString and not MultiPolygon)
        {
            w.WriteStartArray("geometries");
            for (var i = 0; i < gc.NumGeometries; i++)
            {
                Write(w, gc.GetGeometryN(i));
            }

            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }

        w.WritePropertyName("coordinates");
        WriteCoordinates(w, g);
        w.WriteEndObject();
    }

    private static void WriteCoordinates(Utf8JsonWriter w, Geometry g)
    {
        switch (g)
        {
            case Point p:
                if (p.IsEmpty)
                {
                    w.WriteStartArray();
                    w.WriteEndArray();
                }
                else
                {
                    WritePosition(w, p.X, p.Y);
                }

                break;
            case LineString l:
                WriteSequence(w, l.CoordinateSequence);
                break;
            case Polygon poly:
                w.WriteStartArray();
                if (!poly.IsEmpty)
                {
                    WriteSequence(w, poly.Shell.CoordinateSequence);
                    foreach (var hole in poly.Holes)
                    {
                        WriteSequence(w, hole.CoordinateSequence);
                    }
                }

                w.WriteEndArray();
                break;
            case GeometryCollection multi:
                w.WriteStartArray();
                for (var i = 0; i < multi.NumGeometries; i++)
                {
                    WriteCoordinates(w, multi.GetGeometryN(i));
                }

                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"geometry type {g.GeometryType} cannot be written as GeoJSON");
        }
    }

    private static void WriteSequence(Utf8JsonWriter w, CoordinateSequence seq)
    {
        w.WriteStartArray();
        for (var i = 0; i < seq.Count; i++)
        {
            WritePosition(w, seq.GetX(i), seq.GetY(i));
        }

        w.WriteEndArray();
    }

    private static void WritePosition(Utf8JsonWriter w, double x, double y)
    {
        w.WriteStartArray();
        w.WriteNumberValue(x);
        w.WriteNumberValue(y);
        w.WriteEndArray();
    }
}
