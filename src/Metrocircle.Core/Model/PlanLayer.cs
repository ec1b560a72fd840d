namespace Metrocircle.Core.Model;

/// <summary>The kinds of layer the plan knows. A kind may carry a sub-kind after a colon (<c>control:ecological-redline</c>).</summary>
public static class LayerKinds
{
    public const string Jurisdiction = "jurisdiction";
    public const string Circle = "circle";
    public const string Structure = "structure";
    public const string Corridor = "corridor";
    public const string KeyArea = "key-area";
    public const string Control = "control";
    public const string Thematic = "thematic";

    /// <summary>A sector plan (<c>sector:industry</c>, <c>sector:transport</c>, <c>sector:ecology</c> with fixed attributes, see <see cref="KindSchemas"/>).</summary>
    public const string Sector = "sector";
    public const string Record = "record";

    private static readonly string[] Known = [Jurisdiction, Circle, Structure, Corridor, KeyArea, Control, Thematic, Sector, Record];

    public static bool IsValid(string kind)
    {
        var colon = kind.IndexOf(':', StringComparison.Ordinal);
        var main = colon < 0 ? kind : kind[..colon];
        if (!Known.Contains(main))
        {
            return false;
        }

        return colon < 0 || (colon < kind.Length - 1 && kind[(colon + 1)..].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'));
    }
}

/// <summary>The geometry a layer holds. <see cref="None"/> is a layer of records without geometry.</summary>
public enum LayerGeometry
{
    None,
    Point,
    LineString,
    Polygon,
}

/// <summary>The type of a declared attribute.</summary>
public enum AttributeType
{
    String,
    Integer,
    Number,
    Boolean,
    Date,
}

/// <summary>A declared attribute of a layer; required ones must be present (not null) on every feature.</summary>
public sealed record AttributeDefinition(string Name, AttributeType Type, bool Required = false);

/// <summary>A thematic or structural layer of a plan version.</summary>
public sealed record PlanLayer(
    string Id,
    string Kind,
    string TitleZh,
    string TitleEn,
    string Description,
    LayerGeometry Geometry,
    int Order,
    IReadOnlyList<AttributeDefinition> Attributes);
