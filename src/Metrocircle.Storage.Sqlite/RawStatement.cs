using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Metrocircle.Storage.Sqlite;

/// <summary>
/// One SQLite prepared statement on a connection's handle, for bulk writes inside a transaction the connection already
/// holds (bind by position, <see cref="Run"/> steps it once and makes it ready for the next row) and for long reads
/// (<see cref="Step"/> row by row, columns read without the ADO.NET reader's extra calls). A failing step throws
/// the <see cref="SqliteException"/> that <see cref="SqliteCommand"/> would have thrown, so callers handle both alike.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _scratch = new byte[256];

    private RawStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
    }

    public static RawStatement Prepare(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        return new RawStatement(db, statement);
    }

    public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Double(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    /// <summary>UTF-8 text, or NULL for a null array.</summary>
    public void Text(int index, byte[]? utf8)
    {
        if (utf8 is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
        }
        else
        {
            Text(index, (ReadOnlySpan<byte>)utf8);
        }
    }

    /// <summary>UTF-8 text; an empty span is the empty string, not NULL (the storage contract reads it back).</summary>
    public void Text(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

    /// <summary>A string encoded into a buffer the statement reuses (SQLite copies bound text).</summary>
    public void Text(int index, string value)
    {
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (most > _scratch.Length)
        {
            _scratch = new byte[Math.Max(most, _scratch.Length * 2)];
        }

        var n = Encoding.UTF8.GetBytes(value, _scratch);
        Check(raw.sqlite3_bind_text(_statement, index, _scratch.AsSpan(0, n)));
    }

    public void Blob(int index, byte[]? value) => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Steps the statement to its end and resets it; its bindings stay until they are bound again.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>Binds a named parameter (<c>@name</c>) to a string or a whole number.</summary>
    public void Named(string name, object value)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, "@" + name);
        if (index == 0)
        {
            throw new ArgumentException($"the statement has no parameter @{name}", nameof(name));
        }

        switch (value)
        {
            case string text:
                Text(index, text);
                break;
            case int whole:
                Int64(index, whole);
                break;
            case long whole:
                Int64(index, whole);
                break;
            default:
                throw new ArgumentException($"parameter @{name}: {value.GetType().Name} is not bound here", nameof(value));
        }
    }

    /// <summary>Steps to the next row of a query: true while there is one, false after the last.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    /// <summary>A column of the current row as a whole number (NULL reads as 0).</summary>
    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>A column of the current row as a double (NULL reads as 0).</summary>
    public double Double(int column) => raw.sqlite3_column_double(_statement, column);

    /// <summary>A column of the current row as text (NULL reads as the empty string).</summary>
    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string() ?? "";

    /// <summary>A column of the current row as bytes, valid until the next step (NULL and an empty blob read as empty).</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    public void Dispose() => _statement.Dispose();
}

/// <summary>The UTF-8 bytes of strings that repeat row after row (plan, layer, certainty, source), encoded once each.</summary>
internal sealed class Utf8Texts
{
    private readonly Dictionary<string, byte[]> _known = new(StringComparer.Ordinal);

    public byte[] Of(string value)
    {
        if (!_known.TryGetValue(value, out var bytes))
        {
            bytes = Encoding.UTF8.GetBytes(value);
            if (_known.Count < 1024)
            {
                _known[value] = bytes;
            }
        }

        return bytes;
    }

    public byte[]? OfOrNull(string? value) => value is null ? null : Of(value);
}
