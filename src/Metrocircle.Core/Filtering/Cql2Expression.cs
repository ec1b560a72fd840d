using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Filtering;

/// <summary>What a queryable property holds, as the filter's type check and evaluation read it.</summary>
public enum Cql2Type
{
    String,
    Number,
    Integer,
    Boolean,
    Date,
    Geometry,
}

/// <summary>A node of a parsed CQL2 filter that is true, false or unknown (a null property) for a feature.</summary>
internal abstract record Cql2Expression;

internal sealed record Cql2And(Cql2Expression Left, Cql2Expression Right) : Cql2Expression;

internal sealed record Cql2Or(Cql2Expression Left, Cql2Expression Right) : Cql2Expression;

internal sealed record Cql2Not(Cql2Expression Inner) : Cql2Expression;

internal sealed record Cql2BooleanLiteral(bool Value) : Cql2Expression;

/// <summary><c>a = b</c>, <c>a &lt;&gt; b</c>, <c>a &lt; b</c>, <c>a &lt;= b</c>, <c>a &gt; b</c>, <c>a &gt;= b</c>.</summary>
internal sealed record Cql2Comparison(Cql2Scalar Left, string Operator, Cql2Scalar Right) : Cql2Expression;

/// <summary><c>a LIKE 'pattern'</c> with <c>%</c> (any run) and <c>_</c> (one character); a backslash escapes either.</summary>
internal sealed record Cql2Like(Cql2Scalar Value, string Pattern, bool Negated) : Cql2Expression;

internal sealed record Cql2Between(Cql2Scalar Value, Cql2Scalar Low, Cql2Scalar High, bool Negated) : Cql2Expression;

internal sealed record Cql2In(Cql2Scalar Value, IReadOnlyList<Cql2Scalar> List, bool Negated) : Cql2Expression;

internal sealed record Cql2IsNull(Cql2Scalar Value, bool Negated) : Cql2Expression;

/// <summary><c>S_INTERSECTS(a, b)</c> where each side is the feature's geometry or a literal (lon/lat).</summary>
internal sealed record Cql2Intersects(Cql2Spatial Left, Cql2Spatial Right) : Cql2Expression;

/// <summary>A value: a property of the feature or a literal.</summary>
internal abstract record Cql2Scalar;

/// <summary>A queryable property, with where it stood in the text for error messages.</summary>
internal sealed record Cql2Property(string Name, Cql2Type Type, int Position) : Cql2Scalar;

/// <summary>A literal: <see cref="string"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="DateOnly"/>.</summary>
internal sealed record Cql2Literal(object Value, int Position) : Cql2Scalar;

/// <summary>One side of a spatial predicate.</summary>
internal abstract record Cql2Spatial;

internal sealed record Cql2GeometryProperty(string Name) : Cql2Spatial;

internal sealed record Cql2GeometryLiteral(Geometry Geometry) : Cql2Spatial;
