namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>
    /// Observation history (issue 11): who imported each current value, and every replaced value kept with who replaced
    /// it and when, so a corrected figure never erases the one it corrects.
    /// </summary>
    private static (int Version, string Description, string Sql)[] ObservationHistory() =>
    [
        (10, "observation history: who imported each value; replaced values kept with who replaced them and when", """
            ALTER TABLE observation ADD COLUMN imported_by text;
            CREATE TABLE observation_revision (
              seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              indicator_id text NOT NULL,
              scope text NOT NULL,
              year integer NOT NULL,
              value double precision NOT NULL,
              source text NOT NULL,
              imported_at timestamptz NOT NULL,
              imported_by text,
              replaced_at timestamptz NOT NULL,
              replaced_by text);
            CREATE INDEX observation_revision_key ON observation_revision (indicator_id, scope, year, seq);
            COMMENT ON TABLE observation_revision IS 'values of observation replaced by a later import, with who replaced them and when (append-only)';
            COMMENT ON COLUMN observation.imported_by IS 'actor of the import''s audit entry; null for seeding and imports before migration 10';
            """),
    ];
}
