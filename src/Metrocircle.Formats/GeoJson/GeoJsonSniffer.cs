using System.Text.Json;

namespace Metrocircle.Formats.GeoJson;

/// <summary>Tells a file of one feature per line from a FeatureCollection by its first line.</summary>
internal static class GeoJsonSniffer
{
    public static bool IsFeatureLine(ReadOnlySpan<byte> head)
    {
        var newline = head.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(head[..newline], isFinalBlock: true, new JsonReaderState(GeoJsonFeatureParser.ReaderOptions));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (!reader.ValueTextEquals("Feature"u8))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The whole object fitted on the first line: a text sequence, not a pretty-printed collection.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
