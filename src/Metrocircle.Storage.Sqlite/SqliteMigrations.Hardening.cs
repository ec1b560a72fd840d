namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of production hardening (issue 11): when each password was set, so one-time passwords expire.</summary>
    private static (int Version, string Description, string Sql)[] Hardening() =>
    [
        (8, "when each account's password was set", """
            ALTER TABLE account ADD COLUMN password_set_at TEXT;
            UPDATE account SET password_set_at = created_at;
            """),
    ];
}
