using System.Globalization;
using Metrocircle.Core.Storage;
using Npgsql;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// Reads a libpq-style URL, <c>postgresql://user:password@host:port/database?sslmode=disable</c>, into Npgsql settings.
/// Query parameters pass through: libpq names are translated, anything else must be an Npgsql keyword.
/// <c>?host=/var/run/postgresql</c> connects through a Unix socket, as with psql.
/// </summary>
internal static class PostgresUrl
{
    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    // libpq's parameter names that Npgsql spells differently; https://www.postgresql.org/docs/current/libpq-connect.html
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["krbsrvname"] = "Kerberos Service Name",
        ["passfile"] = "Passfile",
    };

    public static bool IsPostgresUrl(string text) => Schemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        var scheme = Schemes.FirstOrDefault(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase))
            ?? throw new StoreException("a PostgreSQL store is given as postgresql://user:password@host:port/database");
        var rest = url[scheme.Length..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var database = "";
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            database = Decode(rest[(slash + 1)..]);
            rest = rest[..slash];
        }

        // Defaults that the URL's parameters may override: a name in pg_stat_activity, and the offending key in
        // constraint errors (plan data is public, and an import error is useless without it).
        var builder = new NpgsqlConnectionStringBuilder { ApplicationName = "metrocircle", IncludeErrorDetail = true };
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..]);
            }
        }

        if (rest.Length > 0)
        {
            // A bracketed IPv6 address keeps its colons; the port follows the bracket.
            var portColon = rest.StartsWith('[') ? rest.IndexOf("]:", StringComparison.Ordinal) + 1 : rest.LastIndexOf(':');
            var host = portColon > 0 ? rest[..portColon] : rest;
            builder.Host = Decode(host.Trim('[', ']'));
            if (portColon > 0)
            {
                var port = rest[(portColon + 1)..];
                builder.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                    ? p
                    : throw new StoreException($"the PostgreSQL URL has the port \"{port}\"; a port is a number from 1 to 65535");
            }
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : "";
            Set(builder, name, value);
        }

        if (string.IsNullOrEmpty(builder.Host) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGHOST")))
        {
            throw new StoreException("the PostgreSQL URL names no host; write postgresql://user@host/database or add ?host=/var/run/postgresql for a Unix socket");
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new StoreException($"the PostgreSQL URL {Describe(builder)} names no database; write postgresql://user@host/database");
        }

        return builder;
    }

    private static void Set(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        try
        {
            if (name.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                // libpq writes verify-full where Npgsql's enum has VerifyFull.
                builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                return;
            }

            builder[LibpqNames.GetValueOrDefault(name, name)] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // Never echo the value: it may be a password.
            throw new StoreException($"the PostgreSQL URL has the parameter \"{name}\", which is unknown or has an invalid value; use libpq or Npgsql connection parameters", e);
        }
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text);

    /// <summary>The URL without its password or any other parameter: safe for logs and messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var user = string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username) + "@";
        var host = builder.Host ?? "";
        var database = Uri.EscapeDataString(builder.Database ?? "");
        if (host.StartsWith('/'))
        {
            return $"postgresql://{user}/{database}?host={host}" + (builder.Port == NpgsqlConnection.DefaultPort ? "" : $"&port={builder.Port}");
        }

        var shownHost = host.Contains(':', StringComparison.Ordinal) && !host.Contains(',', StringComparison.Ordinal) ? $"[{host}]" : host;
        return $"postgresql://{user}{shownHost}:{builder.Port}/{database}";
    }
}
