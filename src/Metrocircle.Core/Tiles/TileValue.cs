using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Core.Tiles;

/// <summary>The kinds of attribute value a vector tile can carry.</summary>
public enum TileValueKind : byte
{
    String,
    Double,
    Integer,
    Boolean,
}

/// <summary>An attribute value as a vector tile stores it; equal values share one entry of a layer's value table.</summary>
public readonly record struct TileValue(TileValueKind Kind, string? Text = null, double Number = 0, long Integer = 0, bool Flag = false)
{
    /// <summary>
    /// Converts a JSON property; null (which MVT cannot express) gives null, so the key is left out of the feature.
    /// Arrays and objects travel as their JSON text.
    /// </summary>
    public static TileValue? From(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        return new TileValue(TileValueKind.String, Text: value.GetValue<string>());
                    case JsonValueKind.True:
                        return new TileValue(TileValueKind.Boolean, Flag: true);
                    case JsonValueKind.False:
                        return new TileValue(TileValueKind.Boolean, Flag: false);
                    case JsonValueKind.Number:
                        if (value.TryGetValue<long>(out var l))
                        {
                            return new TileValue(TileValueKind.Integer, Integer: l);
                        }

                        var d = value.TryGetValue<double>(out var dd) ? dd : double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
                        return d == Math.Floor(d) && Math.Abs(d) < 9e15
                            ? new TileValue(TileValueKind.Integer, Integer: (long)d)
                            : new TileValue(TileValueKind.Double, Number: d);
                    case JsonValueKind.Null:
                        return null;
                    default:
                        return new TileValue(TileValueKind.String, Text: value.ToJsonString());
                }

            default:
                return new TileValue(TileValueKind.String, Text: node.ToJsonString());
        }
    }
}
