using System.Text;
using System.Text.Json;

namespace Metrocircle.Core.Indicators;

/// <summary>One row of an observation file as written, before validation; <see cref="Line"/> is where it starts in the file.</summary>
public sealed record ObservationRow(int Line, string? Indicator, string? Scope, string? Year, string? Value, string? Unit, string? Source);

/// <summary>A file that cannot be read as rows at all (broken JSON, a header without the required columns).</summary>
public sealed class ObservationFileException(string message) : Exception(message);

/// <summary>
/// Reads observation files: CSV with the header <c>indicator,scope,year,value,unit,source</c> (RFC 4180 quoting, any
/// column order) or a JSON array of objects with the same names. Values stay text here so that the validator can say
/// what was wrong with each.
/// </summary>
public static class ObservationFile
{
    public static readonly string[] Columns = ["indicator", "scope", "year", "value", "unit", "source"];

    /// <summary>Tells the format from the first non-blank character: <c>[</c> is JSON, anything else CSV.</summary>
    public static IReadOnlyList<ObservationRow> Parse(string text)
    {
        var first = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return first.StartsWith('[') ? ParseJson(text) : ParseCsv(text);
    }

    public static async Task<IReadOnlyList<ObservationRow>> ReadAsync(string path, CancellationToken ct) =>
        Parse(await File.ReadAllTextAsync(path, Encoding.UTF8, ct));

    public static IReadOnlyList<ObservationRow> ParseCsv(string text)
    {
        var records = SplitCsv(text.TrimStart('\uFEFF'));
        if (records.Count == 0)
        {
            throw new ObservationFileException($"the file is empty; the first line must be the header {string.Join(',', Columns)}");
        }

        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new ObservationFileException($"line {records[0].Line}: the header lacks {string.Join(", ", missing)}; it must name {string.Join(',', Columns)}");
        }

        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);
        var rows = new List<ObservationRow>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue;
            }

            string? F(string column) => index[column] < fields.Count ? fields[index[column]].Trim() : null;
            rows.Add(new ObservationRow(line, F("indicator"), F("scope"), F("year"), F("value"), F("unit"), F("source")));
        }

        return rows;
    }

    /// <summary>Splits RFC 4180 text into records with the line each starts on; a quoted field may hold commas, quotes ("") and newlines.</summary>
    internal static List<(int Line, List<string> Fields)> SplitCsv(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            any = true;
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add((start, fields));
                    fields = [];
                    any = false;
                    start = ++line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            records.Add((start, fields));
        }

        return records;
    }

    public static IReadOnlyList<ObservationRow> ParseJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ObservationFileException($"line {(e.LineNumber ?? 0) + 1}: the file is not valid JSON: {e.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ObservationFileException("a JSON observation file must be an array of objects with indicator, scope, year, value, unit and source");
            }

            var lines = ElementLines(bytes);
            var rows = new List<ObservationRow>();
            var n = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var line = lines[n++];
                if (item.ValueKind != JsonValueKind.Object)
                {
                    rows.Add(new ObservationRow(line, null, null, null, null, null, null));
                    continue;
                }

                string? F(string name) => item.TryGetProperty(name, out var v) ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString()!.Trim(),
                    JsonValueKind.Null => null,
                    _ => v.GetRawText(),
                } : null;
                rows.Add(new ObservationRow(line, F("indicator"), F("scope"), F("year"), F("value"), F("unit"), F("source")));
            }

            return rows;
        }
    }

    /// <summary>The line on which each element of the top-level array starts, so problems can be located in the file.</summary>
    private static List<int> ElementLines(byte[] bytes)
    {
        var result = new List<int>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var line = 1;
        long counted = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                for (; counted < reader.TokenStartIndex; counted++)
                {
                    line += bytes[counted] == (byte)'\n' ? 1 : 0;
                }

                result.Add(line);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }

        return result;
    }
}
