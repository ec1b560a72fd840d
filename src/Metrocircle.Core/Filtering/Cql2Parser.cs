using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Filtering;

/// <summary>
/// Recursive descent over CQL2 text (OGC 21-065, the parts Metrocircle declares): comparisons, AND/OR/NOT, LIKE,
/// BETWEEN, IN, IS NULL and S_INTERSECTS with a WKT or BBOX literal. Properties are checked against the queryables
/// as they are read, so an unknown one or a literal of the wrong type is reported at its position.
/// </summary>
internal sealed class Cql2Parser
{
    private static readonly string[] ComparisonOperators = ["=", "<>", "<", "<=", ">", ">="];
    private readonly List<Cql2Token> _tokens;
    private readonly IReadOnlyDictionary<string, Cql2Type> _queryables;
    private readonly GeometryFactory _factory;
    private int _at;

    private Cql2Parser(string text, IReadOnlyDictionary<string, Cql2Type> queryables, GeometryFactory factory)
    {
        _tokens = Cql2Tokenizer.Tokenize(text);
        _queryables = queryables;
        _factory = factory;
    }

    public static Cql2Expression Parse(string text, IReadOnlyDictionary<string, Cql2Type> queryables, GeometryFactory factory)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new Cql2Exception("the filter is empty", 1);
        }

        var parser = new Cql2Parser(text, queryables, factory);
        var expression = parser.ParseOr();
        return parser.Peek.Kind == Cql2TokenKind.End
            ? expression
            : throw new Cql2Exception($"expected AND, OR or the end of the filter, found {parser.Peek.Describe()}", parser.Peek.Position);
    }

    private Cql2Token Peek => _tokens[_at];

    private Cql2Token Next() => _tokens[_at++];

    private Cql2Token Expect(string symbol)
    {
        var token = Next();
        return token.IsSymbol(symbol) ? token : throw new Cql2Exception($"expected '{symbol}', found {token.Describe()}", token.Position);
    }

    private void ExpectKeyword(string keyword)
    {
        var token = Next();
        if (!token.Is(keyword))
        {
            throw new Cql2Exception($"expected {keyword}, found {token.Describe()}", token.Position);
        }
    }

    private Cql2Expression ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Is("OR"))
        {
            _at++;
            left = new Cql2Or(left, ParseAnd());
        }

        return left;
    }

    private Cql2Expression ParseAnd()
    {
        var left = ParseNot();
        while (Peek.Is("AND"))
        {
            _at++;
            left = new Cql2And(left, ParseNot());
        }

        return left;
    }

    private Cql2Expression ParseNot()
    {
        if (Peek.Is("NOT"))
        {
            _at++;
            return new Cql2Not(ParseNot());
        }

        if (Peek.IsSymbol("("))
        {
            _at++;
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        return ParsePredicate();
    }

    private Cql2Expression ParsePredicate()
    {
        var token = Peek;
        if (token.Is("S_INTERSECTS"))
        {
            _at++;
            Expect("(");
            var left = ParseSpatial();
            Expect(",");
            var right = ParseSpatial();
            Expect(")");
            return new Cql2Intersects(left, right);
        }

        if ((token.Is("TRUE") || token.Is("FALSE")) && !IsPredicateOperator(_tokens[_at + 1]))
        {
            _at++;
            return new Cql2BooleanLiteral(token.Is("TRUE"));
        }

        var value = ParseScalar();
        var op = Next();
        if (op.Kind == Cql2TokenKind.Symbol && ComparisonOperators.Contains(op.Text))
        {
            var right = ParseScalar();
            CheckComparable(value, right);
            return new Cql2Comparison(value, op.Text, right);
        }

        if (op.Is("IS"))
        {
            var negated = Peek.Is("NOT");
            if (negated)
            {
                _at++;
            }

            ExpectKeyword("NULL");
            return new Cql2IsNull(value, negated);
        }

        var not = op.Is("NOT");
        if (not)
        {
            op = Next();
        }

        if (op.Is("LIKE"))
        {
            var pattern = ParseScalar();
            if (pattern is not Cql2Literal { Value: string text })
            {
                throw new Cql2Exception("LIKE needs a character string pattern such as 'Bei%'", op.Position);
            }

            CheckComparable(value, pattern);
            return new Cql2Like(value, text, not);
        }

        if (op.Is("BETWEEN"))
        {
            var low = ParseScalar();
            ExpectKeyword("AND");
            var high = ParseScalar();
            CheckComparable(value, low);
            CheckComparable(value, high);
            return new Cql2Between(value, low, high, not);
        }

        if (op.Is("IN"))
        {
            Expect("(");
            var list = new List<Cql2Scalar> { ParseScalar() };
            while (Peek.IsSymbol(","))
            {
                _at++;
                list.Add(ParseScalar());
            }

            Expect(")");
            foreach (var item in list)
            {
                CheckComparable(value, item);
            }

            return new Cql2In(value, list, not);
        }

        throw new Cql2Exception(
            not ? $"expected LIKE, BETWEEN or IN after NOT, found {op.Describe()}"
                : $"expected a comparison (=, <>, <, <=, >, >=), LIKE, BETWEEN, IN or IS NULL, found {op.Describe()}", op.Position);
    }

    private static bool IsPredicateOperator(Cql2Token t) =>
        (t.Kind == Cql2TokenKind.Symbol && ComparisonOperators.Contains(t.Text)) || t.Is("IS") || t.Is("LIKE") || t.Is("BETWEEN") || t.Is("IN") || t.Is("NOT");

    private Cql2Scalar ParseScalar()
    {
        var token = Next();
        switch (token.Kind)
        {
            case Cql2TokenKind.String:
                return new Cql2Literal(token.Text, token.Position);
            case Cql2TokenKind.Number:
                return new Cql2Literal(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture), token.Position);
            case Cql2TokenKind.Symbol when token.Text is "-" or "+" && Peek.Kind == Cql2TokenKind.Number:
                var number = double.Parse(Next().Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                return new Cql2Literal(token.Text == "-" ? -number : number, token.Position);
            case Cql2TokenKind.QuotedIdentifier:
                return Property(token);
            case Cql2TokenKind.Identifier when token.Is("TRUE") || token.Is("FALSE"):
                return new Cql2Literal(token.Is("TRUE"), token.Position);
            case Cql2TokenKind.Identifier when token.Is("DATE") && Peek.IsSymbol("("):
                return new Cql2Literal(ParseDate(), token.Position);
            case Cql2TokenKind.Identifier when Peek.IsSymbol("("):
                throw new Cql2Exception($"function {token.Text} is not supported (the filter knows S_INTERSECTS, DATE and BBOX)", token.Position);
            case Cql2TokenKind.Identifier when !IsReserved(token.Text):
                return Property(token);
            default:
                throw new Cql2Exception($"expected a property name or a literal, found {token.Describe()}", token.Position);
        }
    }

    private static bool IsReserved(string word) =>
        word.ToUpperInvariant() is "AND" or "OR" or "NOT" or "LIKE" or "BETWEEN" or "IN" or "IS" or "NULL";

    private DateOnly ParseDate()
    {
        Expect("(");
        var text = Next();
        if (text.Kind != Cql2TokenKind.String
            || !DateOnly.TryParseExact(text.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new Cql2Exception($"DATE needs a date in quotes such as DATE('2030-01-01'), found {text.Describe()}", text.Position);
        }

        Expect(")");
        return date;
    }

    private Cql2Property Property(Cql2Token token)
    {
        if (!_queryables.TryGetValue(token.Text, out var type))
        {
            throw new Cql2Exception(
                $"unknown property \"{token.Text}\"; the queryables are {string.Join(", ", _queryables.Keys.Order(StringComparer.Ordinal))}", token.Position);
        }

        return type == Cql2Type.Geometry
            ? throw new Cql2Exception($"the geometry property \"{token.Text}\" can only be used in S_INTERSECTS", token.Position)
            : new Cql2Property(token.Text, type, token.Position);
    }

    private Cql2Spatial ParseSpatial()
    {
        var token = Next();
        if (token.Kind == Cql2TokenKind.Geometry)
        {
            try
            {
                var geometry = new WKTReader(new NetTopologySuite.NtsGeometryServices(_factory.PrecisionModel, _factory.SRID)).Read(token.Text);
                return new Cql2GeometryLiteral(geometry);
            }
            catch (ParseException e)
            {
                throw new Cql2Exception($"the geometry literal is not valid WKT ({e.Message})", token.Position);
            }
        }

        if (token.Is("BBOX") && Peek.IsSymbol("("))
        {
            return new Cql2GeometryLiteral(ParseBbox(token));
        }

        if (token.Kind is Cql2TokenKind.Identifier or Cql2TokenKind.QuotedIdentifier && _queryables.TryGetValue(token.Text, out var type))
        {
            return type == Cql2Type.Geometry
                ? new Cql2GeometryProperty(token.Text)
                : throw new Cql2Exception($"S_INTERSECTS needs a geometry; property \"{token.Text}\" is a {type.ToString().ToLowerInvariant()}", token.Position);
        }

        if (token.Kind is Cql2TokenKind.Identifier or Cql2TokenKind.QuotedIdentifier && !IsReserved(token.Text))
        {
            Property(token); // reports the unknown property with the queryables
        }

        throw new Cql2Exception($"S_INTERSECTS needs the geometry property or a geometry literal (POINT, POLYGON, … or BBOX), found {token.Describe()}", token.Position);
    }

    private Polygon ParseBbox(Cql2Token bbox)
    {
        Expect("(");
        var numbers = new List<double>();
        do
        {
            if (numbers.Count > 0)
            {
                Expect(",");
            }

            if (ParseScalar() is not Cql2Literal { Value: double n })
            {
                throw new Cql2Exception("BBOX takes 4 numbers (minimum lon, minimum lat, maximum lon, maximum lat) or 6 with heights", bbox.Position);
            }

            numbers.Add(n);
        }
        while (Peek.IsSymbol(","));

        Expect(")");
        var (minX, minY, maxX, maxY) = numbers.Count switch
        {
            4 => (numbers[0], numbers[1], numbers[2], numbers[3]),
            6 => (numbers[0], numbers[1], numbers[3], numbers[4]),
            _ => throw new Cql2Exception($"BBOX takes 4 or 6 numbers, found {numbers.Count}", bbox.Position),
        };
        return minX > maxX || minY > maxY
            ? throw new Cql2Exception("BBOX minimum is greater than its maximum", bbox.Position)
            : (Polygon)_factory.ToGeometry(new Envelope(minX, maxX, minY, maxY));
    }

    /// <summary>A property meets a literal of its own type; numbers and integers compare with each other, dates with DATE('…') or a date string.</summary>
    private static void CheckComparable(Cql2Scalar a, Cql2Scalar b)
    {
        var (property, literal) = (a, b) switch
        {
            (Cql2Property p, Cql2Literal l) => (p, l),
            (Cql2Literal l, Cql2Property p) => (p, l),
            _ => (null, null),
        };
        if (property is null || literal is null)
        {
            return;
        }

        var fits = property.Type switch
        {
            Cql2Type.String => literal.Value is string,
            Cql2Type.Number or Cql2Type.Integer => literal.Value is double,
            Cql2Type.Boolean => literal.Value is bool,
            Cql2Type.Date => literal.Value is DateOnly || (literal.Value is string s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)),
            _ => false,
        };
        if (!fits)
        {
            throw new Cql2Exception(
                $"property \"{property.Name}\" is a {property.Type.ToString().ToLowerInvariant()} and cannot be compared with {Describe(literal.Value)}", literal.Position);
        }
    }

    private static string Describe(object value) => value switch
    {
        string s => $"the string '{s}'",
        double d => string.Create(CultureInfo.InvariantCulture, $"the number {d}"),
        bool b => b ? "TRUE" : "FALSE",
        DateOnly d => $"DATE('{d:yyyy-MM-dd}')",
        _ => value.ToString() ?? "a literal",
    };
}
