namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Schema of the plan's dynamic maintenance: what produced each version, and amendments kept whole (issue 12).</summary>
    private static (int Version, string Description, string Sql)[] Maintenance() =>
    [
        (7, "version sources and rationales; plan amendments", """
            ALTER TABLE plan_version ADD COLUMN source text NOT NULL DEFAULT 'seed';
            ALTER TABLE plan_version ADD COLUMN amendment_id text;
            ALTER TABLE plan_version ADD COLUMN rationale text;
            UPDATE plan_version SET source = 'import' WHERE seq > 1;
            CREATE INDEX feature_retired ON feature (plan_id, to_seq) WHERE to_seq IS NOT NULL;
            CREATE TABLE amendment (
              id text PRIMARY KEY,
              plan_id text NOT NULL,
              status text NOT NULL,
              case_id text,
              version bigint NOT NULL,
              updated_at timestamptz NOT NULL,
              body jsonb NOT NULL);
            CREATE INDEX amendment_status ON amendment (status, updated_at);
            COMMENT ON TABLE amendment IS 'plan amendments, each kept whole as JSON under a version that every write checks and raises';
            COMMENT ON COLUMN plan_version.source IS 'what produced the version: seed, import or amendment';
            """),
    ];
}
