using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Formats.Import;

/// <summary>
/// Declares a layer's attributes from the value types of its first features: numbers that are all whole are
/// integers, strings that are all <c>yyyy-MM-dd</c> are dates, anything mixed falls back to string. Nothing is
/// marked required: a sample cannot promise that later features have the value.
/// </summary>
internal static class AttributeInference
{
    public static IReadOnlyList<AttributeDefinition> Infer(IEnumerable<JsonObject> sample)
    {
        var types = new Dictionary<string, AttributeType?>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var properties in sample)
        {
            foreach (var (name, value) in properties)
            {
                if (!types.TryGetValue(name, out var known))
                {
                    order.Add(name);
                    known = null;
                }

                types[name] = Merge(known, TypeOf(value));
            }
        }

        return order.Select(n => new AttributeDefinition(n, types[n] ?? AttributeType.String)).ToList();
    }

    private static AttributeType? TypeOf(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True or JsonValueKind.False => AttributeType.Boolean,
            JsonValueKind.Number => value.AsValue().TryGetValue<long>(out _) ? AttributeType.Integer : AttributeType.Number,
            JsonValueKind.String => DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", out _) ? AttributeType.Date : AttributeType.String,
            _ => AttributeType.String,
        };
    }

    private static AttributeType? Merge(AttributeType? a, AttributeType? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ when a == b => a,
        (AttributeType.Integer, AttributeType.Number) or (AttributeType.Number, AttributeType.Integer) => AttributeType.Number,
        _ => AttributeType.String,
    };
}
