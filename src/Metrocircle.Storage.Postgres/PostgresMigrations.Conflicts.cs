namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Conflict patches accepted by the coordination office (issue 14), by the patch's stable id.</summary>
    private static (int Version, string Description, string Sql)[] Conflicts() =>
    [
        (13, "conflict acceptances: patches the coordination office keeps, with its reason", """
            CREATE TABLE conflict_acceptance (
              patch_id text PRIMARY KEY,
              rule text NOT NULL,
              reason text NOT NULL CHECK (length(reason) > 0),
              accepted_by text NOT NULL,
              accepted_at timestamptz NOT NULL,
              plan_version text NOT NULL);
            COMMENT ON TABLE conflict_acceptance IS 'conflict patches the coordination office keeps on purpose; a patch id changes with either feature, so a changed feature needs a new decision';
            """),
    ];
}
