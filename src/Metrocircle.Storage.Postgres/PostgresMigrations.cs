namespace Metrocircle.Storage.Postgres;

/// <summary>
/// Schema versions of the PostGIS store, applied in order on start; never edit one that has shipped. Names and types
/// are plain (geometry(Geometry, 4326), jsonb, date) so that QGIS, ogr2ogr and psql read the tables as they are.
/// </summary>
internal static partial class PostgresMigrations
{
    /// <summary>Every migration in order; each area of the product keeps its own in its own file.</summary>
    public static readonly (int Version, string Description, string Sql)[] All = [.. Foundation(), .. Collaboration(), .. Approvals(), .. Maintenance(), .. Hardening(), .. AuditChain(), .. ObservationHistory(), .. Ledger(), .. Commuting(), .. Conflicts()];

    private static (int Version, string Description, string Sql)[] Foundation() =>
    [
        (1, "plans, versions, layers, features with a GiST index, import reports", """
            CREATE TABLE plan (
              id text PRIMARY KEY,
              title_zh text NOT NULL,
              title_en text NOT NULL,
              description text NOT NULL);
            CREATE TABLE plan_version (
              id text PRIMARY KEY,
              plan_id text NOT NULL REFERENCES plan(id),
              seq integer NOT NULL,
              label text NOT NULL,
              effective_from date NOT NULL,
              published_at timestamptz NOT NULL,
              UNIQUE (plan_id, seq));
            CREATE TABLE layer (
              plan_id text NOT NULL REFERENCES plan(id),
              id text NOT NULL,
              from_seq integer NOT NULL,
              to_seq integer,
              kind text NOT NULL,
              title_zh text NOT NULL,
              title_en text NOT NULL,
              description text NOT NULL,
              geometry text NOT NULL,
              ord integer NOT NULL,
              attributes jsonb NOT NULL,
              PRIMARY KEY (plan_id, id, from_seq));
            CREATE TABLE feature (
              fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              plan_id text NOT NULL,
              layer_id text NOT NULL,
              feature_id text NOT NULL,
              from_seq integer NOT NULL,
              to_seq integer,
              valid_from date,
              valid_to date,
              certainty text NOT NULL,
              source text NOT NULL,
              basis text,
              props jsonb NOT NULL,
              prop_order text[] NOT NULL,
              geom geometry(Geometry, 4326));
            CREATE UNIQUE INDEX feature_key ON feature (plan_id, layer_id, feature_id, from_seq);
            CREATE INDEX feature_layer ON feature (plan_id, layer_id, from_seq, fid);
            CREATE INDEX feature_geom ON feature USING gist (geom);
            CREATE TABLE import_report (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              at timestamptz NOT NULL,
              source text NOT NULL,
              text text NOT NULL);
            COMMENT ON COLUMN feature.prop_order IS 'key paths of props in the order written (jsonb sorts keys); Metrocircle restores that order on read';
            """),
        (2, "append-only documents (check verdicts)", """
            CREATE TABLE document (
              kind text NOT NULL,
              id text NOT NULL,
              created_at timestamptz NOT NULL,
              body json NOT NULL,
              PRIMARY KEY (kind, id));
            COMMENT ON COLUMN document.body IS 'json, not jsonb: a document is returned byte for byte as it was written';
            """),
        (3, "hash-chained audit log", """
            CREATE TABLE audit_log (
              seq bigint PRIMARY KEY,
              at text NOT NULL,
              actor text NOT NULL,
              action text NOT NULL,
              subject text NOT NULL,
              details text NOT NULL,
              prev_hash text NOT NULL,
              hash text NOT NULL);
            COMMENT ON TABLE audit_log IS 'append-only; each row carries the hash of the row before it (metrocircle audit-log verify)';
            """),
        (4, "indicator observations", """
            CREATE TABLE observation (
              indicator_id text NOT NULL,
              scope text NOT NULL,
              year integer NOT NULL,
              value double precision NOT NULL,
              source text NOT NULL,
              imported_at timestamptz NOT NULL,
              PRIMARY KEY (indicator_id, scope, year));
            COMMENT ON TABLE observation IS 'one observed value per indicator, scope and year; a re-import of a year replaces it';
            """),
    ];
}
