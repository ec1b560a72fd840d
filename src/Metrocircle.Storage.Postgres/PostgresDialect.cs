using System.Data.Common;
using Metrocircle.Storage.Relational;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>PostgreSQL's own types (timestamptz, date, boolean, text[], json/jsonb), row locks and the audit table lock.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    // timestamptz keeps an instant, not an offset; Npgsql only accepts offset 0.
    public override object Instant(DateTimeOffset at) => at.ToUniversalTime();

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override object Day(DateOnly day) => day;

    public override DateOnly ReadDay(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

    public override object Flag(bool value) => value;

    public override bool ReadFlag(DbDataReader reader, int ordinal) => reader.GetBoolean(ordinal);

    public override object Texts(IReadOnlyList<string> items) => items.ToArray();

    public override IReadOnlyList<string> ReadTexts(DbDataReader reader, int ordinal) => reader.GetFieldValue<string[]>(ordinal);

    public override DbParameter Json(DbCommand command, string name, string json, bool exact = false)
    {
        var parameter = new NpgsqlParameter(name, exact ? NpgsqlDbType.Json : NpgsqlDbType.Jsonb) { Value = json };
        command.Parameters.Add(parameter);
        return parameter;
    }

    public override string JsonText(string column) => $"{column}::text";

    public override string ByteOrder(string column) => $"{column} COLLATE \"C\"";

    public override string ForUpdate => " FOR UPDATE";

    public override int? WriteTimeout => 0;

    public override async Task LockAuditLogAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("LOCK TABLE audit_log IN EXCLUSIVE MODE", (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task LockLedgerAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("LOCK TABLE ledger_account IN EXCLUSIVE MODE", (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
