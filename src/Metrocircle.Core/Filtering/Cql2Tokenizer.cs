using System.Globalization;

namespace Metrocircle.Core.Filtering;

internal enum Cql2TokenKind
{
    Identifier,
    QuotedIdentifier,
    String,
    Number,
    Symbol,
    Geometry,
    End,
}

/// <summary>A token and its 1-based character position in the filter text.</summary>
internal sealed record Cql2Token(Cql2TokenKind Kind, string Text, int Position)
{
    public bool Is(string keyword) => Kind == Cql2TokenKind.Identifier && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == Cql2TokenKind.Symbol && Text == symbol;

    public string Describe() => Kind switch
    {
        Cql2TokenKind.End => "the end of the filter",
        Cql2TokenKind.String => $"'{Text}'",
        Cql2TokenKind.Geometry => "a geometry literal",
        _ => $"\"{Text}\"",
    };
}

/// <summary>
/// Splits CQL2 text into tokens. A WKT geometry literal (<c>POLYGON((…))</c> and the other simple-feature types) is
/// kept whole as one token, to be read by a WKT reader rather than by the grammar.
/// </summary>
internal static class Cql2Tokenizer
{
    private static readonly HashSet<string> WktTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION",
    };

    public static List<Cql2Token> Tokenize(string text)
    {
        var tokens = new List<Cql2Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c == '\'')
            {
                tokens.Add(new(Cql2TokenKind.String, ReadQuoted(text, ref i, '\'', "character string"), start + 1));
            }
            else if (c == '"')
            {
                tokens.Add(new(Cql2TokenKind.QuotedIdentifier, ReadQuoted(text, ref i, '"', "quoted property name"), start + 1));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(new(Cql2TokenKind.Number, ReadNumber(text, ref i), start + 1));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or ':'))
                {
                    i++;
                }

                var word = text[start..i];
                if (WktTypes.Contains(word) && ReadWkt(text, ref i) is { } wkt)
                {
                    tokens.Add(new(Cql2TokenKind.Geometry, word + wkt, start + 1));
                }
                else
                {
                    tokens.Add(new(Cql2TokenKind.Identifier, word, start + 1));
                }
            }
            else if (c is '<' or '>')
            {
                i++;
                if (i < text.Length && (text[i] == '=' || (c == '<' && text[i] == '>')))
                {
                    i++;
                }

                tokens.Add(new(Cql2TokenKind.Symbol, text[start..i], start + 1));
            }
            else if (c is '=' or '(' or ')' or ',' or '-' or '+')
            {
                i++;
                tokens.Add(new(Cql2TokenKind.Symbol, c.ToString(), start + 1));
            }
            else
            {
                throw new Cql2Exception($"unexpected character '{c}'", start + 1);
            }
        }

        tokens.Add(new(Cql2TokenKind.End, string.Empty, text.Length + 1));
        return tokens;
    }

    /// <summary>A quoted run with the quote doubled inside it for itself.</summary>
    private static string ReadQuoted(string text, ref int i, char quote, string what)
    {
        var start = i;
        var value = new System.Text.StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new Cql2Exception($"the {what} starting here is not closed with {quote}", start + 1);
            }

            if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                return value.ToString();
            }

            value.Append(text[i++]);
        }
    }

    private static string ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
        }

        var number = text[start..i];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? number
            : throw new Cql2Exception($"\"{number}\" is not a number", start + 1);
    }

    /// <summary>After a WKT type name: an optional Z/M/ZM and the parenthesised coordinates, or null when no parenthesis follows.</summary>
    private static string? ReadWkt(string text, ref int i)
    {
        var j = i;
        while (j < text.Length && (char.IsWhiteSpace(text[j]) || text[j] is 'Z' or 'z' or 'M' or 'm'))
        {
            j++;
        }

        if (j >= text.Length || text[j] != '(')
        {
            return null;
        }

        var open = j;
        var depth = 0;
        for (; j < text.Length; j++)
        {
            if (text[j] == '(')
            {
                depth++;
            }
            else if (text[j] == ')' && --depth == 0)
            {
                var wkt = text[i..(j + 1)];
                i = j + 1;
                return wkt;
            }
        }

        throw new Cql2Exception("the geometry literal's parenthesis is not closed", open + 1);
    }
}

/// <summary>A filter that cannot be used, and where (1-based character) in its text.</summary>
public sealed class Cql2Exception(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}
