using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Relational;

namespace Metrocircle.Storage.Sqlite;

/// <summary>SQLite keeps instants and days as text whose order is time order, flags as 0/1 and lists as JSON arrays.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override object Instant(DateTimeOffset at) => StoreTime.ToText(at);

    // Older rows hold round-trip ("O") text; both forms parse.
    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override object Day(DateOnly day) => FeatureRows.DateToText(day)!;

    public override DateOnly ReadDay(DbDataReader reader, int ordinal) => FeatureRows.DateFromText(reader.GetString(ordinal))!.Value;

    public override object Flag(bool value) => value ? 1 : 0;

    public override bool ReadFlag(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;

    public override object Texts(IReadOnlyList<string> items) => JsonSerializer.Serialize(items);

    public override IReadOnlyList<string> ReadTexts(DbDataReader reader, int ordinal) => JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [];
}
