namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Conflict patches accepted by the coordination office (issue 14), by the patch's stable id.</summary>
    private static (int Version, string Description, string Sql)[] Conflicts() =>
    [
        (13, "conflict acceptances: patches the coordination office keeps, with its reason", """
            CREATE TABLE conflict_acceptance (
              patch_id TEXT PRIMARY KEY,
              rule TEXT NOT NULL,
              reason TEXT NOT NULL,
              accepted_by TEXT NOT NULL,
              accepted_at TEXT NOT NULL,
              plan_version TEXT NOT NULL);
            """),
    ];
}
