using System.Data.Common;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// What truly differs between the engines for the engine-neutral writers: how a column type is bound and read, the
/// few SQL fragments that are not standard, row locks and error codes. Statements use <c>@name</c> parameters, which
/// both drivers accept.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>An instant as the engine stores it (text in fixed-width UTC, or timestamptz).</summary>
    public abstract object Instant(DateTimeOffset at);

    public abstract DateTimeOffset ReadInstant(DbDataReader reader, int ordinal);

    /// <summary>A calendar day as the engine stores it (ISO text, or date).</summary>
    public abstract object Day(DateOnly day);

    public abstract DateOnly ReadDay(DbDataReader reader, int ordinal);

    /// <summary>A yes/no column (0/1, or boolean).</summary>
    public abstract object Flag(bool value);

    public abstract bool ReadFlag(DbDataReader reader, int ordinal);

    /// <summary>A list of texts (a JSON array in a text column, or text[]).</summary>
    public abstract object Texts(IReadOnlyList<string> items);

    public abstract IReadOnlyList<string> ReadTexts(DbDataReader reader, int ordinal);

    /// <summary>Binds JSON text; <paramref name="exact"/> for a column that must return it byte for byte (json rather than jsonb).</summary>
    public virtual DbParameter Json(DbCommand command, string name, string json, bool exact = false) => Parameter(command, name, json);

    /// <summary>A JSON column read back as text.</summary>
    public virtual string JsonText(string column) => column;

    /// <summary>A text column ordered by bytes, whatever the database's locale.</summary>
    public virtual string ByteOrder(string column) => column;

    /// <summary>The clause that locks the rows a SELECT reads until the transaction ends, where the engine has row locks.</summary>
    public virtual string ForUpdate => "";

    /// <summary>Command timeout of writes inside a transaction (bulk writes are bounded by the caller's token); null keeps the driver's.</summary>
    public virtual int? WriteTimeout => null;

    /// <summary>
    /// Serialises audit appends across processes for the rest of the transaction. SQLite's write transaction already
    /// excludes every other writer; PostgreSQL takes an exclusive table lock.
    /// </summary>
    public virtual Task LockAuditLogAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Serialises the opening of the land ledger across processes (SQLite's write transaction already does).</summary>
    public virtual Task LockLedgerAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) => Task.CompletedTask;

    public static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
