using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Core.Model;

/// <summary>
/// An attribute a layer kind fixes: its name, type, whether every feature must have it, and, for coded attributes,
/// the codes it may take (null when any value of the type is allowed).
/// </summary>
public sealed record SchemaAttribute(string Name, AttributeType Type, bool Required, IReadOnlyList<string>? Codes = null)
{
    public AttributeDefinition Definition => new(Name, Type, Required);
}

/// <summary>One value of one feature that does not fit its kind's schema.</summary>
public sealed record SchemaProblem(string Attribute, JsonNode? Value, string Message);

/// <summary>
/// The attributes a layer kind fixes, so that every layer of the kind (shipped or imported, from any agency) can be
/// read by the same rules: conflict rules and the map read <c>mode</c>, <c>status</c> or <c>form</c> without guessing.
/// </summary>
public sealed record KindSchema(string Kind, IReadOnlyList<SchemaAttribute> Attributes)
{
    public SchemaAttribute? Find(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>Every schema attribute of <paramref name="properties"/> that is missing, of the wrong type or not one of its codes.</summary>
    public IReadOnlyList<SchemaProblem> Check(JsonObject properties)
    {
        List<SchemaProblem>? problems = null;
        foreach (var a in Attributes)
        {
            properties.TryGetPropertyValue(a.Name, out var value);
            if (CheckValue(a, value) is { } message)
            {
                (problems ??= []).Add(new SchemaProblem(a.Name, value, message));
            }
        }

        return problems ?? (IReadOnlyList<SchemaProblem>)[];
    }

    /// <summary>Why <paramref name="value"/> does not fit <paramref name="a"/>, or null when it does.</summary>
    public string? CheckValue(SchemaAttribute a, JsonNode? value)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            return a.Required ? $"{Kind} requires \"{a.Name}\"" : null;
        }

        var kind = value.GetValueKind();
        var fits = a.Type switch
        {
            AttributeType.String => kind == JsonValueKind.String,
            AttributeType.Integer => kind == JsonValueKind.Number && double.IsInteger(value.GetValue<double>()),
            AttributeType.Number => kind == JsonValueKind.Number,
            AttributeType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            AttributeType.Date => kind == JsonValueKind.String &&
                DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => false,
        };
        if (!fits)
        {
            return $"\"{a.Name}\" of {Kind} must be {a.Type.ToString().ToLowerInvariant()}";
        }

        if (a.Codes is { } codes && !codes.Contains(value.GetValue<string>(), StringComparer.Ordinal))
        {
            return $"\"{a.Name}\" of {Kind} must be one of {string.Join(", ", codes)}";
        }

        return null;
    }
}

/// <summary>The layer kinds whose attributes are fixed. Other kinds declare their attributes freely.</summary>
public static class KindSchemas
{
    public const string Industry = "sector:industry";
    public const string Transport = "sector:transport";
    public const string Ecology = "sector:ecology";

    public static readonly KindSchema IndustrySchema = new(Industry,
    [
        new("sector", AttributeType.String, Required: true),
        new("level", AttributeType.String, Required: true, ["national", "provincial", "municipal"]),
        new("form", AttributeType.String, Required: true, ["park", "belt", "cluster"]),
    ]);

    /// <summary>
    /// <c>year</c> is optional: a line the plan names without a date gets none rather than a guessed one.
    /// <c>redlineExemption</c> states the exemption under which the feature may cross the ecological red line.
    /// </summary>
    public static readonly KindSchema TransportSchema = new(Transport,
    [
        new("mode", AttributeType.String, Required: true, ["rail", "road", "airport", "port", "station"]),
        new("status", AttributeType.String, Required: true, ["planned", "built"]),
        new("year", AttributeType.Integer, Required: false),
        new("redlineExemption", AttributeType.String, Required: false),
    ]);

    public static readonly KindSchema EcologySchema = new(Ecology,
    [
        new("form", AttributeType.String, Required: true, ["corridor", "wedge", "park"]),
    ]);

    private static readonly KindSchema[] All = [IndustrySchema, TransportSchema, EcologySchema];

    /// <summary>The schema of exactly this kind, or null when the kind leaves its attributes free.</summary>
    public static KindSchema? For(string? kind) => kind is null ? null : All.FirstOrDefault(s => s.Kind == kind);

    /// <summary>
    /// A layer's attribute list for a kind: the schema's attributes first, then the other declared ones; a declared
    /// attribute that the schema fixes differently is refused with its name.
    /// </summary>
    public static IReadOnlyList<AttributeDefinition> Declare(KindSchema? schema, IEnumerable<AttributeDefinition> declared, out string? error)
    {
        error = null;
        if (schema is null)
        {
            return declared.ToList();
        }

        var result = schema.Attributes.Select(a => a.Definition).ToList();
        foreach (var d in declared)
        {
            if (schema.Find(d.Name) is { } fixedAttribute)
            {
                if (fixedAttribute.Type != d.Type)
                {
                    error ??= $"attribute \"{d.Name}\" is {d.Type.ToString().ToLowerInvariant()}, but {schema.Kind} fixes it as {fixedAttribute.Type.ToString().ToLowerInvariant()}";
                }

                continue;
            }

            result.Add(d);
        }

        return result;
    }
}
