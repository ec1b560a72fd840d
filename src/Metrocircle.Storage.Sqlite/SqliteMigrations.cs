namespace Metrocircle.Storage.Sqlite;

/// <summary>Schema versions of the embedded store, applied in order on start; never edit one that has shipped.</summary>
internal static partial class SqliteMigrations
{
    /// <summary>Every migration in order; each area of the product keeps its own in its own file.</summary>
    public static readonly (int Version, string Description, string Sql)[] All = [.. Foundation(), .. Collaboration(), .. Approvals(), .. Maintenance(), .. Hardening(), .. AuditChain(), .. ObservationHistory(), .. Ledger(), .. Commuting(), .. Conflicts()];

    private static (int Version, string Description, string Sql)[] Foundation() =>
    [
        (1, "plans, versions, layers, features with R*Tree, import reports", """
            CREATE TABLE plan (
              id TEXT PRIMARY KEY,
              title_zh TEXT NOT NULL,
              title_en TEXT NOT NULL,
              description TEXT NOT NULL);
            CREATE TABLE plan_version (
              id TEXT PRIMARY KEY,
              plan_id TEXT NOT NULL REFERENCES plan(id),
              seq INTEGER NOT NULL,
              label TEXT NOT NULL,
              effective_from TEXT NOT NULL,
              published_at TEXT NOT NULL,
              UNIQUE (plan_id, seq));
            CREATE TABLE layer (
              plan_id TEXT NOT NULL REFERENCES plan(id),
              id TEXT NOT NULL,
              from_seq INTEGER NOT NULL,
              to_seq INTEGER,
              kind TEXT NOT NULL,
              title_zh TEXT NOT NULL,
              title_en TEXT NOT NULL,
              description TEXT NOT NULL,
              geometry TEXT NOT NULL,
              ord INTEGER NOT NULL,
              attributes TEXT NOT NULL,
              PRIMARY KEY (plan_id, id, from_seq));
            CREATE TABLE feature (
              fid INTEGER PRIMARY KEY,
              plan_id TEXT NOT NULL,
              layer_id TEXT NOT NULL,
              feature_id TEXT NOT NULL,
              from_seq INTEGER NOT NULL,
              to_seq INTEGER,
              valid_from TEXT,
              valid_to TEXT,
              certainty TEXT NOT NULL,
              source TEXT NOT NULL,
              basis TEXT,
              props TEXT NOT NULL,
              geom BLOB);
            CREATE UNIQUE INDEX feature_key ON feature (plan_id, layer_id, feature_id, from_seq);
            CREATE INDEX feature_layer ON feature (plan_id, layer_id, from_seq, fid);
            CREATE VIRTUAL TABLE feature_rtree USING rtree (id, minx, maxx, miny, maxy);
            CREATE TABLE import_report (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              source TEXT NOT NULL,
              text TEXT NOT NULL);
            """),
        (2, "append-only documents (check verdicts)", """
            CREATE TABLE document (
              kind TEXT NOT NULL,
              id TEXT NOT NULL,
              created_at TEXT NOT NULL,
              body TEXT NOT NULL,
              PRIMARY KEY (kind, id));
            """),
        (3, "hash-chained audit log", """
            CREATE TABLE audit_log (
              seq INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              subject TEXT NOT NULL,
              details TEXT NOT NULL,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL);
            """),
        (4, "indicator observations", """
            CREATE TABLE observation (
              indicator_id TEXT NOT NULL,
              scope TEXT NOT NULL,
              year INTEGER NOT NULL,
              value REAL NOT NULL,
              source TEXT NOT NULL,
              imported_at TEXT NOT NULL,
              PRIMARY KEY (indicator_id, scope, year));
            """),
    ];
}
