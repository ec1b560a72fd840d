using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Storage;

/// <summary>Column encodings shared by the storage engines, so both write and read the same bytes.</summary>
public static class FeatureRows
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static string AttributesToJson(IReadOnlyList<AttributeDefinition> attributes) => JsonSerializer.Serialize(attributes, Options);

    public static IReadOnlyList<AttributeDefinition> AttributesFromJson(string json) =>
        JsonSerializer.Deserialize<List<AttributeDefinition>>(json, Options) ?? [];

    public static JsonObject PropertiesFromJson(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    public static string? DateToText(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly? DateFromText(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
