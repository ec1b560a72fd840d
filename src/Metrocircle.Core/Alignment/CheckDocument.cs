using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Core.Alignment;

/// <summary>The stored and served form of a check: the verdict's fields plus id, time, footprint and attributes.</summary>
public static class CheckDocument
{
    public const string Kind = "check";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JsonObject Create(string id, DateTimeOffset checkedAt, Footprint footprint, Verdict verdict)
    {
        var doc = new JsonObject
        {
            ["id"] = id,
            ["checkedAt"] = checkedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in JsonSerializer.SerializeToNode(verdict, Json)!.AsObject())
        {
            doc[key] = value?.DeepClone();
        }

        doc["bufferM"] = footprint.BufferM;
        doc["attributes"] = footprint.Attributes.DeepClone();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            GeoJsonGeometry.Write(w, footprint.LonLat);
        }

        doc["footprint"] = JsonNode.Parse(stream.ToArray());
        return doc;
    }

    /// <summary>A new check id: time-ordered, so listings sort by when checks were made.</summary>
    public static string NewId() => "chk-" + Guid.CreateVersion7().ToString("N");
}
