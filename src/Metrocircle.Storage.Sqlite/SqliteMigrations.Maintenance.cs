namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of the plan's dynamic maintenance: what produced each version, and amendments kept whole (issue 12).</summary>
    private static (int Version, string Description, string Sql)[] Maintenance() =>
    [
        (7, "version sources and rationales; plan amendments", """
            ALTER TABLE plan_version ADD COLUMN source TEXT NOT NULL DEFAULT 'seed';
            ALTER TABLE plan_version ADD COLUMN amendment_id TEXT;
            ALTER TABLE plan_version ADD COLUMN rationale TEXT;
            UPDATE plan_version SET source = 'import' WHERE seq > 1;
            CREATE INDEX feature_retired ON feature (plan_id, to_seq) WHERE to_seq IS NOT NULL;
            CREATE TABLE amendment (
              id TEXT PRIMARY KEY,
              plan_id TEXT NOT NULL,
              status TEXT NOT NULL,
              case_id TEXT,
              version INTEGER NOT NULL,
              updated_at TEXT NOT NULL,
              body TEXT NOT NULL);
            CREATE INDEX amendment_status ON amendment (status, updated_at);
            """),
    ];
}
