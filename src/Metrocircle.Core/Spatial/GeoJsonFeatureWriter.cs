using System.Text.Json;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Spatial;

/// <summary>Writes a plan feature as a GeoJSON Feature: id, geometry, attributes plus provenance, optional links.</summary>
public static class GeoJsonFeatureWriter
{
    public static void Write(Utf8JsonWriter w, PlanFeature feature, Action<Utf8JsonWriter>? links = null)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", feature.Id);
        w.WritePropertyName("geometry");
        GeoJsonGeometry.Write(w, feature.Geometry);
        w.WritePropertyName("properties");
        feature.PublicProperties().WriteTo(w);
        if (links is not null)
        {
            w.WriteStartArray("links");
            links(w);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
