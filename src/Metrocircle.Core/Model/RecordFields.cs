using System.Text.Json.Nodes;

namespace Metrocircle.Core.Model;

/// <summary>
/// Reads the properties of one record feature (rules and settings kept as data) and names the record and the field in
/// every refusal, so that a malformed file says where it is wrong.
/// </summary>
internal readonly struct RecordFields(string layerId, PlanFeature feature)
{
    public JsonObject Properties => feature.Properties;

    /// <summary>"layer/feature: \"field\"", the place a message names.</summary>
    public string Where(string field) => $"{layerId}/{feature.Id}: \"{field}\"";

    public string? OptionalString(string field) => feature.Properties[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
        _ => throw new FormatException($"{Where(field)} must be a non-empty string"),
    };

    public string String(string field) => OptionalString(field) ?? throw new FormatException($"{Where(field)} is missing");

    /// <summary>A boolean that is false when absent.</summary>
    public bool Flag(string field) => feature.Properties[field] switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new FormatException($"{Where(field)} must be true or false"),
    };
}
