using System.Text.Json;

namespace Metrocircle.Core.Cases;

/// <summary>How a case is stored and served: web-style camelCase JSON, enums as their kebab-case names.</summary>
public static class CaseJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Serialize(CaseFile file) => JsonSerializer.Serialize(file, Options);

    public static CaseFile Deserialize(string json) =>
        JsonSerializer.Deserialize<CaseFile>(json, Options) ?? throw new JsonException("a stored case is empty");
}
