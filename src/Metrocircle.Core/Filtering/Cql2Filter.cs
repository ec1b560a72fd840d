using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Metrocircle.Core.Filtering;

/// <summary>
/// A CQL2-text filter (OGC API – Features Part 3) parsed against a layer's queryables and evaluated in process on
/// features. Comparisons with a null or missing property are unknown, and a feature is kept only when the whole
/// filter is true (the three-valued logic of CQL2). Geometry literals are lon/lat (CRS84).
/// </summary>
public sealed class Cql2Filter
{
    /// <summary>The queryable that stands for a feature's geometry.</summary>
    public const string GeometryProperty = "geometry";

    private readonly Cql2Expression _root;
    private readonly Dictionary<Cql2Like, Regex> _likes = [];
    private readonly Dictionary<Geometry, IPreparedGeometry> _prepared = new(ReferenceEqualityComparer.Instance);

    private Cql2Filter(string text, Cql2Expression root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>The queryables of a layer: its declared attributes, the provenance fields every feature carries, and the geometry.</summary>
    public static IReadOnlyDictionary<string, Cql2Type> Queryables(PlanLayer layer)
    {
        var queryables = new Dictionary<string, Cql2Type>(StringComparer.Ordinal);
        foreach (var a in layer.Attributes)
        {
            queryables[a.Name] = a.Type switch
            {
                AttributeType.Integer => Cql2Type.Integer,
                AttributeType.Number => Cql2Type.Number,
                AttributeType.Boolean => Cql2Type.Boolean,
                AttributeType.Date => Cql2Type.Date,
                _ => Cql2Type.String,
            };
        }

        queryables.TryAdd("certainty", Cql2Type.String);
        queryables.TryAdd("source", Cql2Type.String);
        queryables.TryAdd("basis", Cql2Type.String);
        queryables.TryAdd("validFrom", Cql2Type.Date);
        queryables.TryAdd("validTo", Cql2Type.Date);
        if (layer.Geometry != LayerGeometry.None)
        {
            queryables.TryAdd(GeometryProperty, Cql2Type.Geometry);
        }

        return queryables;
    }

    /// <summary>The filter, or the reason it cannot be used and the 1-based character where that was found.</summary>
    public static bool TryParse(string text, IReadOnlyDictionary<string, Cql2Type> queryables, GeometryFactory factory,
        out Cql2Filter? filter, out string? error, out int position)
    {
        try
        {
            filter = new Cql2Filter(text, Cql2Parser.Parse(text, queryables, factory));
            (error, position) = (null, 0);
            return true;
        }
        catch (Cql2Exception e)
        {
            (filter, error, position) = (null, e.Message, e.Position);
            return false;
        }
    }

    public bool Matches(PlanFeature feature) => Evaluate(_root, feature) == true;

    private bool? Evaluate(Cql2Expression e, PlanFeature f) => e switch
    {
        Cql2And and => Evaluate(and.Left, f) is var l && l == false ? false : Evaluate(and.Right, f) is var r && r == false ? false : l == true && r == true ? true : null,
        Cql2Or or => Evaluate(or.Left, f) is var l && l == true ? true : Evaluate(or.Right, f) is var r && r == true ? true : l == false && r == false ? false : null,
        Cql2Not not => !Evaluate(not.Inner, f),
        Cql2BooleanLiteral b => b.Value,
        Cql2Comparison c => Compare(Value(c.Left, f), Value(c.Right, f)) is { } order ? c.Operator switch
        {
            "=" => order == 0,
            "<>" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        } : null,
        Cql2IsNull n => (Value(n.Value, f) is null) != n.Negated,
        Cql2Like like => Value(like.Value, f) is string s ? Like(like).IsMatch(s) != like.Negated : null,
        Cql2Between b => Between(Value(b.Value, f), Value(b.Low, f), Value(b.High, f)) is { } inside ? inside != b.Negated : null,
        Cql2In i => In(Value(i.Value, f), i.List.Select(x => Value(x, f))) is { } found ? found != i.Negated : null,
        Cql2Intersects s => Intersects(s, f),
        _ => throw new InvalidOperationException($"A filter node {e.GetType().Name} has no evaluation."),
    };

    private static bool? Between(object? value, object? low, object? high) =>
        Compare(value, low) is { } a && Compare(value, high) is { } b ? a >= 0 && b <= 0 : null;

    private static bool? In(object? value, IEnumerable<object?> list)
    {
        var unknown = false;
        foreach (var item in list)
        {
            switch (Compare(value, item))
            {
                case 0:
                    return true;
                case null:
                    unknown = true;
                    break;
            }
        }

        return unknown ? null : false;
    }

    /// <summary>The order of two values of one kind, or null when either is null or they are of different kinds.</summary>
    private static int? Compare(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        (bool x, bool y) => x == y ? 0 : (x ? 1 : -1),
        (DateOnly x, DateOnly y) => x.CompareTo(y),
        (DateOnly x, string y) when ParseDate(y) is { } d => x.CompareTo(d),
        (string x, DateOnly y) when ParseDate(x) is { } d => d.CompareTo(y),
        _ => null,
    };

    private static DateOnly? ParseDate(string s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static object? Value(Cql2Scalar scalar, PlanFeature f)
    {
        if (scalar is Cql2Literal literal)
        {
            return literal.Value;
        }

        var p = (Cql2Property)scalar;
        object? raw = p.Name switch
        {
            // As PlanFeature.PublicProperties serves them: provenance over a stored attribute of the same name.
            "certainty" => Provenance.ToText(f.Provenance.Certainty),
            "source" => f.Provenance.Source,
            "basis" when f.Provenance.Basis is { } basis => basis,
            "validFrom" when f.ValidFrom is { } from => from,
            "validTo" when f.ValidTo is { } to => to,
            _ => f.Properties[p.Name] is JsonValue v ? FromJson(v) : null,
        };
        return p.Type == Cql2Type.Date && raw is string s ? ParseDate(s) : raw;
    }

    private static object? FromJson(JsonValue v) => v.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        // A node built in memory may hold an int or a decimal rather than a double.
        System.Text.Json.JsonValueKind.Number => v.TryGetValue<double>(out var d) ? d : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        _ => null,
    };

    private Regex Like(Cql2Like like)
    {
        if (_likes.TryGetValue(like, out var regex))
        {
            return regex;
        }

        var pattern = new StringBuilder("^");
        for (var i = 0; i < like.Pattern.Length; i++)
        {
            var c = like.Pattern[i];
            if (c == '\\' && i + 1 < like.Pattern.Length)
            {
                pattern.Append(Regex.Escape(like.Pattern[++i].ToString()));
            }
            else
            {
                pattern.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
            }
        }

        regex = new Regex(pattern.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        _likes[like] = regex;
        return regex;
    }

    private bool? Intersects(Cql2Intersects s, PlanFeature f)
    {
        var a = Geometry(s.Left, f);
        var b = Geometry(s.Right, f);
        if (a is null || b is null)
        {
            return null;
        }

        // A literal is prepared once and tested against every feature.
        if (s.Left is Cql2GeometryLiteral)
        {
            return Prepared(a).Intersects(b);
        }

        return s.Right is Cql2GeometryLiteral ? Prepared(b).Intersects(a) : a.Intersects(b);
    }

    private IPreparedGeometry Prepared(Geometry g)
    {
        if (!_prepared.TryGetValue(g, out var prepared))
        {
            prepared = PreparedGeometryFactory.Prepare(g);
            _prepared[g] = prepared;
        }

        return prepared;
    }

    private static Geometry? Geometry(Cql2Spatial s, PlanFeature f) => s switch
    {
        Cql2GeometryLiteral l => l.Geometry,
        _ => f.Geometry is { IsEmpty: false } g ? g : null,
    };
}
