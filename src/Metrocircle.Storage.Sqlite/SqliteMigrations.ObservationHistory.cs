namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>
    /// Observation history (issue 11): who imported each current value, and every replaced value kept with who replaced
    /// it and when, so a corrected figure never erases the one it corrects.
    /// </summary>
    private static (int Version, string Description, string Sql)[] ObservationHistory() =>
    [
        (10, "observation history: who imported each value; replaced values kept with who replaced them and when", """
            ALTER TABLE observation ADD COLUMN imported_by TEXT;
            CREATE TABLE observation_revision (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              indicator_id TEXT NOT NULL,
              scope TEXT NOT NULL,
              year INTEGER NOT NULL,
              value REAL NOT NULL,
              source TEXT NOT NULL,
              imported_at TEXT NOT NULL,
              imported_by TEXT,
              replaced_at TEXT NOT NULL,
              replaced_by TEXT);
            CREATE INDEX observation_revision_key ON observation_revision (indicator_id, scope, year, seq);
            """),
    ];
}
