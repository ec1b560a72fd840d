namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Schema of production hardening (issue 11): when each password was set, so one-time passwords expire.</summary>
    private static (int Version, string Description, string Sql)[] Hardening() =>
    [
        (8, "when each account's password was set", """
            ALTER TABLE account ADD COLUMN password_set_at timestamptz;
            UPDATE account SET password_set_at = created_at;
            COMMENT ON COLUMN account.password_set_at IS 'when the password was last set; a one-time password expires a set time after it';
            """),
    ];
}
