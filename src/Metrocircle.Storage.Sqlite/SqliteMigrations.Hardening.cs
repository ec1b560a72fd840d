namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>
    /// Schema of production hardening (issue 11): when each password was set, so one-time passwords expire; an index
    /// that lets the region-wide case lists be read a page at a time by key; one that counts an account's
    /// recent checks for its daily quota.
    /// </summary>
    private static (int Version, string Description, string Sql)[] Hardening() =>
    [
        (8, "when each account's password was set; case lists paged by key; audit entries by actor", """
            ALTER TABLE account ADD COLUMN password_set_at TEXT;
            CREATE INDEX case_file_updated ON case_file (updated_at, id);
            CREATE INDEX audit_log_actor ON audit_log (actor, action, at);
            """),
    ];
}
