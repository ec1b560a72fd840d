using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Formats.Import;

/// <summary>One plan attribute of a field map: the source field it comes from (or a constant), and the source values mapped to plan codes.</summary>
public sealed record MappedAttribute(string Name, string? From, JsonNode? Constant, IReadOnlyDictionary<string, JsonNode>? Values);

/// <summary>One value of one feature that the field map or the kind's schema cannot place.</summary>
public sealed record FeatureRejection(long Index, string Feature, string Field, string? Value, string Message)
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A value as JSON, with Chinese and other text left readable rather than escaped.</summary>
    public static string? Render(JsonNode? value) => value?.ToJsonString(Readable);

    public override string ToString() => Value is null
        ? $"refused {Feature}: {Field}: {Message}"
        : $"refused {Feature}: {Field} = {Value}: {Message}";
}

/// <summary>
/// A sector agency's file read without editing it: <c>--map mapping.json</c> names, per plan attribute, the source
/// field it comes from and how source values become the plan's codes. A value the map does not list is reported,
/// never guessed; the map itself is checked against the kind's schema before any feature is read.
/// </summary>
/// <remarks>
/// <code>
/// { "name": "...", "kind": "sector:transport", "id": "CODE",
///   "attributes": { "mode": { "from": "TYPE", "values": { "机场": "airport" } }, "status": { "value": "built" } } }
/// </code>
/// </remarks>
public sealed class FieldMap
{
    private static readonly string[] TopLevel = ["name", "kind", "id", "attributes", "description"];
    private static readonly string[] AttributeMembers = ["from", "value", "values"];

    private FieldMap(string path, string? name, string? kind, string? idField, IReadOnlyList<MappedAttribute> attributes, string sha256)
    {
        Path = path;
        Name = name;
        Kind = kind;
        IdField = idField;
        Attributes = attributes;
        Sha256 = sha256;
    }

    public string Path { get; }

    public string? Name { get; }

    /// <summary>The layer kind the map was written for (null when the map leaves it to <c>--kind</c>).</summary>
    public string? Kind { get; }

    /// <summary>The source field that gives each feature's id (null: the file's own feature id).</summary>
    public string? IdField { get; }

    public IReadOnlyList<MappedAttribute> Attributes { get; }

    public string Sha256 { get; }

    public KindSchema? Schema => KindSchemas.For(Kind);

    /// <summary>What the import report says of the map, so that a version names the mapping it was loaded with.</summary>
    public string Note => $"field map {System.IO.Path.GetFileName(Path)}{(Name is null ? string.Empty : $" \"{Name}\"")} (sha256 {Sha256[..12]}) for {Kind ?? "a layer of free attributes"}: " +
        string.Join(", ", Attributes.Select(a => a.From is null ? $"{a.Name} = {FeatureRejection.Render(a.Constant)}" : a.From == a.Name ? a.Name : $"{a.From} → {a.Name}"));

    /// <summary>
    /// Reads and checks a map. <paramref name="kind"/> is the kind the import gives the layer (from <c>--kind</c> or
    /// the layer it replaces); a map written for another kind is refused. Every problem throws
    /// <see cref="LayerFileException"/> naming the member at fault.
    /// </summary>
    public static async Task<FieldMap> LoadAsync(string path, string? kind, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new LayerFileException($"field map {full}: no such file");
        }

        var bytes = await File.ReadAllBytesAsync(full, ct);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new LayerFileException($"field map {full}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return Parse(full, root, kind, sha);
    }

    private static FieldMap Parse(string path, JsonNode? root, string? kind, string sha)
    {
        LayerFileException Bad(string where, string message) => new($"field map {path}: {where}: {message}");

        if (root is not JsonObject obj)
        {
            throw Bad("the document", "must be a JSON object with \"attributes\"");
        }

        foreach (var (member, _) in obj)
        {
            if (!TopLevel.Contains(member, StringComparer.Ordinal))
            {
                throw Bad(member, $"is not a member of a field map (use {string.Join(", ", TopLevel)})");
            }
        }

        var name = OptionalString(obj, "name", Bad);
        var mapKind = OptionalString(obj, "kind", Bad);
        if (mapKind is not null && !LayerKinds.IsValid(mapKind))
        {
            throw Bad("kind", $"\"{mapKind}\" is not a layer kind");
        }

        if (mapKind is not null && kind is not null && mapKind != kind)
        {
            throw Bad("kind", $"the map is written for {mapKind}, but the layer is imported as {kind}");
        }

        var resolvedKind = mapKind ?? kind;
        var schema = KindSchemas.For(resolvedKind);
        var idField = OptionalString(obj, "id", Bad);

        if (obj["attributes"] is not JsonObject attributes || attributes.Count == 0)
        {
            throw Bad("attributes", "must be an object naming at least one plan attribute, such as { \"mode\": { \"from\": \"TYPE\" } }");
        }

        var mapped = new List<MappedAttribute>();
        foreach (var (target, node) in attributes)
        {
            var where = $"attributes.{target}";
            var fixedAttribute = schema?.Find(target);
            // Attributes beyond the schema (names, notes) are carried as they come; one spelt almost like a fixed one is a typo
            // that would otherwise leave the fixed attribute unmapped.
            if (schema is not null && fixedAttribute is null &&
                schema.Attributes.FirstOrDefault(a => Distance(a.Name, target) <= (a.Name.Length <= 4 ? 1 : 2)) is { } near)
            {
                throw Bad(where, $"{schema.Kind} has no attribute \"{target}\"; did you mean \"{near.Name}\"? (it fixes {string.Join(", ", schema.Attributes.Select(a => a.Name))})");
            }

            if (node is not JsonObject spec)
            {
                throw Bad(where, "must be an object with \"from\" (the source field) or \"value\" (one value for every feature)");
            }

            foreach (var (member, _) in spec)
            {
                if (!AttributeMembers.Contains(member, StringComparer.Ordinal))
                {
                    throw Bad($"{where}.{member}", $"is not a member of a mapped attribute (use {string.Join(", ", AttributeMembers)})");
                }
            }

            var from = OptionalString(spec, "from", (w, m) => Bad($"{where}.{w}", m));
            var hasConstant = spec.ContainsKey("value");
            if ((from is null) == !hasConstant)
            {
                throw Bad(where, from is null ? "needs \"from\" (the source field) or \"value\" (one value for every feature)" : "gives both \"from\" and \"value\"; give one");
            }

            var constant = spec["value"]?.DeepClone();
            if (hasConstant && fixedAttribute is not null && schema!.CheckValue(fixedAttribute, constant) is { } constantError)
            {
                throw Bad($"{where}.value", $"{constant?.ToJsonString() ?? "null"}: {constantError}");
            }

            Dictionary<string, JsonNode>? values = null;
            if (spec["values"] is { } valuesNode)
            {
                if (valuesNode is not JsonObject valueMap || valueMap.Count == 0 || from is null)
                {
                    throw Bad($"{where}.values", from is null ? "maps source values, so it needs \"from\"" : "must be an object of source value → plan code with at least one entry");
                }

                values = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
                foreach (var (source, code) in valueMap)
                {
                    if (code is null || code.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
                    {
                        throw Bad($"{where}.values[\"{source}\"]", "must be a plan code (a string or number)");
                    }

                    if (fixedAttribute is not null && schema!.CheckValue(fixedAttribute, code) is { } codeError)
                    {
                        throw Bad($"{where}.values[\"{source}\"]", $"{code.ToJsonString()} is not a plan code: {codeError}");
                    }

                    values[source] = code.DeepClone();
                }
            }

            mapped.Add(new MappedAttribute(target, from, constant, values));
        }

        if (schema is not null && schema.Attributes.FirstOrDefault(a => a.Required && !attributes.ContainsKey(a.Name)) is { } missing)
        {
            throw Bad("attributes", $"gives no source for \"{missing.Name}\", which {schema.Kind} requires" +
                (missing.Codes is { } codes ? $" (one of {string.Join(", ", codes)}; use \"value\" if every feature has the same)" : string.Empty));
        }

        return new FieldMap(path, name, resolvedKind, idField, mapped, sha);
    }

    /// <summary>Edit distance with adjacent swaps counted once (optimal string alignment), ignoring case.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string? OptionalString(JsonObject obj, string member, Func<string, string, LayerFileException> bad)
    {
        if (!obj.TryGetPropertyValue(member, out var node) || node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String && node.GetValue<string>() is { Length: > 0 } s
            ? s
            : throw bad(member, "must be a non-empty string");
    }

    /// <summary>
    /// The plan properties of one source feature, and the id the map gives it. Each value the map or the kind's
    /// schema cannot place is added to <paramref name="problems"/>; the properties are then incomplete and must not be stored.
    /// </summary>
    public (JsonObject Properties, string? Id) Apply(RawFeature raw, string label, List<FeatureRejection> problems)
    {
        var schema = Schema;
        var properties = new JsonObject();
        string? id = raw.Id;
        if (IdField is not null)
        {
            raw.Properties.TryGetPropertyValue(IdField, out var idNode);
            if (Scalar(idNode) is { Length: > 0 } idText)
            {
                id = idText;
                label = $"{idText} ({raw.Where})";
            }
            else
            {
                problems.Add(new FeatureRejection(raw.Index, label, IdField, null, "the id field the map names is missing or empty"));
            }
        }

        foreach (var a in Attributes)
        {
            var fixedAttribute = schema?.Find(a.Name);
            if (a.From is null)
            {
                properties[a.Name] = a.Constant?.DeepClone();
                continue;
            }

            raw.Properties.TryGetPropertyValue(a.From, out var source);
            var text = Scalar(source);
            JsonNode? value;
            if (source is null || source.GetValueKind() == JsonValueKind.Null || text is { Length: 0 })
            {
                value = null;
            }
            else if (a.Values is { } values)
            {
                if (text is null || !values.TryGetValue(text, out var code))
                {
                    problems.Add(new FeatureRejection(raw.Index, label, a.From, FeatureRejection.Render(source),
                        $"not in the map's values for \"{a.Name}\" (it maps {string.Join(", ", values.Keys.Select(k => $"\"{k}\""))})"));
                    continue;
                }

                value = code.DeepClone();
            }
            else
            {
                value = fixedAttribute is null ? source.DeepClone() : Coerce(source, fixedAttribute.Type);
            }

            if (fixedAttribute is not null && schema!.CheckValue(fixedAttribute, value) is { } error)
            {
                problems.Add(new FeatureRejection(raw.Index, label, a.From, value is null ? null : FeatureRejection.Render(source),
                    value is null ? $"missing; {error}" : fixedAttribute.Codes is null ? error : $"{error}, and the map gives no values for it"));
                continue;
            }

            properties[a.Name] = value;
        }

        return (properties, id);
    }

    /// <summary>Text and numbers as their text, for looking up the value map; null for anything else.</summary>
    private static string? Scalar(JsonNode? node) => node is null ? null : node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => node.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Agencies store years as text and codes as numbers; a value that converts exactly is taken, anything else is left for the schema to refuse.</summary>
    private static JsonNode? Coerce(JsonNode source, AttributeType type)
    {
        var kind = source.GetValueKind();
        if (type == AttributeType.Integer && kind == JsonValueKind.String &&
            long.TryParse(source.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            // Parsed, not JsonValue.Create(long): a parsed number reads back as double and long alike, as a file's own would.
            return JsonNode.Parse(n.ToString(CultureInfo.InvariantCulture));
        }

        if (type == AttributeType.String && kind == JsonValueKind.Number)
        {
            return JsonValue.Create(source.ToJsonString());
        }

        return source.DeepClone();
    }
}
