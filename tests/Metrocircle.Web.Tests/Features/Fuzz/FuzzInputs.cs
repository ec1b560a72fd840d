using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Metrocircle.Web.Tests.Features.Fuzz;

/// <summary>
/// Generates malformed inputs from a valid template: every input is meant to be refused (4xx), so each mutation
/// breaks the JSON itself, puts a value of an impossible type where a field is read, or puts an impossible value into
/// a field whose values are constrained (a category, a decision, a user name, a geometry). Deterministic per seed.
/// </summary>
internal static class FuzzInputs
{
    private static readonly string[] Nasty =
    [
        "'; DROP TABLE account; --", "\" OR 1=1 --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "\u0000", "a\u0001b", "\u001b[31mred", "line\nbreak", "\uFFFE", "..\\..\\..\\etc\\passwd", "../../etc/passwd",
        "%00", "${jndi:ldap://x}", "{{7*7}}", "\u202Eevil", "🙂🙂🙂", new string('x', 70_000),
    ];

    private static readonly string[] WrongTypes =
    [
        "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":[]}}", "true", "false", "123", "-5", "0.5", "1e400", "-1e400",
        "123456789012345678901234567890",
    ];

    private static readonly string[] RawNumbers = ["NaN", "Infinity", "-Infinity", "1e999999", "-1e999999", "0x10", "01", "1.", ".5", "+1", "1e", "--1"];

    private static readonly string[] NotJson =
    [
        "{", "}", "[", "]", "{\"a\":", "{\"a\" 1}", "{'a': 1}", "nul", "tru", "\u0000", "{\"a\":1,}", "[1,]",
        "\"unterminated", "{\"a\":\"\\x41\"}", "{\"a\":\"\\uZZZZ\"}", "\uFEFF\uFEFF{}", "<xml/>", "a=1&b=2",
    ];

    /// <summary>The JSON text of the template with one malformation, chosen by <paramref name="i"/> and the random source.</summary>
    public static string Json(JsonObject template, IReadOnlyList<string> typedFields, IReadOnlyList<string> constrainedFields, string? geometryField, Random random, int i)
    {
        var text = template.ToJsonString();
        switch (i % 10)
        {
            case 0:
                return text[..random.Next(1, text.Length - 1)];
            case 1:
                return NotJson[random.Next(NotJson.Length)];
            case 2:
            {
                var field = typedFields[random.Next(typedFields.Count)];
                return Replace(template, field, WrongTypes[random.Next(WrongTypes.Length)]);
            }

            case 3:
            {
                var field = typedFields[random.Next(typedFields.Count)];
                return Replace(template, field, RawNumbers[random.Next(RawNumbers.Length)]);
            }

            case 4:
            {
                var depth = random.Next(200, 20_000);
                return "{\"x\":" + new string('[', depth) + new string(']', depth) + "," + text[1..];
            }

            case 5 when constrainedFields.Count > 0:
            {
                var field = constrainedFields[random.Next(constrainedFields.Count)];
                return Replace(template, field, System.Text.Json.JsonSerializer.Serialize(Nasty[random.Next(Nasty.Length)]));
            }

            case 6 when geometryField is not null:
                return Replace(template, geometryField, Geometry(random));
            case 7:
                return random.Next(3) switch
                {
                    0 => "[" + text + "]",
                    1 => System.Text.Json.JsonSerializer.Serialize(text),
                    _ => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
                };
            case 8:
            {
                // A raw control character inside the JSON text (not tab, line feed or carriage return, which are white space between tokens): invalid JSON.
                var at = random.Next(1, text.Length - 1);
                var control = (char)random.Next(0, 32);
                return text[..at] + (control is '\t' or '\n' or '\r' ? '\u0001' : control) + text[at..];
            }

            default:
            {
                // The same top-level key again with a value of an impossible type: the last one wins when read.
                var field = typedFields[random.Next(typedFields.Count)].Split('.')[0];
                return text[..^1] + ",\"" + field + "\":" + WrongTypes[random.Next(5)] + "}";
            }
        }
    }

    /// <summary>An invalid or degenerate GeoJSON geometry as JSON text.</summary>
    public static string Geometry(Random random) => random.Next(16) switch
    {
        0 => """{"type":"Polygon","coordinates":[[[116.4,39.9],[116.5,40.0],[116.5,39.9],[116.4,40.0],[116.4,39.9]]]}""",  // bow tie
        1 => """{"type":"Polygon","coordinates":[[[116.4,39.9],[116.5,39.9],[116.5,40.0],[116.4,40.0]]]}""",                 // not closed
        2 => """{"type":"Polygon","coordinates":[[[116.4,39.9],[116.5,39.9],[116.4,39.9]]]}""",                               // too few points
        3 => """{"type":"Polygon","coordinates":[]}""",
        4 => """{"type":"Polygon","coordinates":[[[116.4,39.9],[116.4,39.9],[116.4,39.9],[116.4,39.9]]]}""",                 // zero area
        5 => """{"type":"Polygon","coordinates":[[[500,39.9],[501,39.9],[501,40.9],[500,39.9]]]}""",                          // not lon/lat
        6 => """{"type":"Polygon","coordinates":[[[12960000,4850000],[12970000,4850000],[12970000,4860000],[12960000,4850000]]]}""", // metres
        7 => """{"type":"Circle","coordinates":[116.4,39.9],"radius":100}""",
        8 => """{"type":"Polygon","coordinates":[[["a","b"],["c","d"],["e","f"],["a","b"]]]}""",
        9 => """{"type":"Polygon","coordinates":[[[116.4],[116.5],[116.6],[116.4]]]}""",
        10 => """{"type":"Point","coordinates":[116.4,39.9]}""",                                                                 // a point without bufferM
        11 => """{"type":"Polygon","coordinates":[[[-170,-80],[-169,-80],[-169,-79],[-170,-80]]]}""",                           // outside the plan area
        12 => """{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}""",
        13 => """{"type":"Polygon","coordinates":[[[116.4,39.9],[116.5,39.9],[116.5,40.0],[116.4,39.9]]],"crs":{"type":"name","properties":{"name":"EPSG:3857"}}}""",
        14 => "{\"type\":\"Polygon\",\"coordinates\":[[" + string.Join(',', Enumerable.Range(0, 200_000).Select(k => $"[{116 + k * 1e-6:F6},{39 + (k % 2) * 1e-3:F6}]")) + "]]}", // many vertices, self-crossing
        _ => """{"type":"MultiPolygon","coordinates":[[[[116.4,39.9],[116.5,40.0],[116.5,39.9],[116.4,40.0],[116.4,39.9]]],[[[1e309,1],[2,2],[3,3],[1e309,1]]]]}""",
    };

    /// <summary>A string that no constrained field accepts: each has a character outside letters, digits, '.', '-' and '_', or is too long.</summary>
    public static string NastyValue(Random random) => Nasty[random.Next(Nasty.Length)];

    /// <summary>A path segment that names nothing and cannot be read as a number (no dots, so no dot-segment normalisation).</summary>
    public static string NastySegment(Random random) =>
        Uri.EscapeDataString(random.Next(3) == 0 ? new string((char)random.Next('a', 'z' + 1), random.Next(1, 5000)) + "-x" : Nasty[random.Next(Nasty.Length)].Replace(".", "", StringComparison.Ordinal) + "-x");

    private static string Replace(JsonObject template, string path, string rawJson)
    {
        const string marker = "\"__fuzz_marker__\"";
        var copy = template.DeepClone().AsObject();
        var parts = path.Split('.');
        JsonObject node = copy;
        foreach (var part in parts[..^1])
        {
            node = node[part]!.AsObject();
        }

        node[parts[^1]] = "__fuzz_marker__";
        return copy.ToJsonString().Replace(marker, rawJson, StringComparison.Ordinal);
    }

    public static string Utf8Describe(string text) => text.Length <= 160 ? text : text[..160] + $"… ({Encoding.UTF8.GetByteCount(text)} bytes)";
}
