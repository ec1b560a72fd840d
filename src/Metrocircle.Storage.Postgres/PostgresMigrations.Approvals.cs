namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Schema of accounts, sessions and co-approval cases (issue 5).</summary>
    private static (int Version, string Description, string Sql)[] Approvals() =>
    [
        (6, "accounts, sessions, co-approval cases and their task index", """
            CREATE TABLE account (
              user_name text PRIMARY KEY,
              display_name text NOT NULL,
              role text NOT NULL,
              jurisdiction text,
              department text,
              password_hash text NOT NULL,
              disabled boolean NOT NULL,
              must_change_password boolean NOT NULL,
              created_at timestamptz NOT NULL);
            CREATE TABLE session (
              token_hash text PRIMARY KEY,
              user_name text NOT NULL REFERENCES account(user_name),
              kind text NOT NULL,
              created_at timestamptz NOT NULL,
              expires_at timestamptz NOT NULL);
            CREATE INDEX session_by_user ON session (user_name);
            CREATE TABLE case_file (
              id text PRIMARY KEY,
              proponent text NOT NULL,
              status text NOT NULL,
              version bigint NOT NULL,
              updated_at timestamptz NOT NULL,
              body jsonb NOT NULL);
            CREATE INDEX case_file_proponent ON case_file (proponent, updated_at);
            CREATE TABLE case_task (
              case_id text NOT NULL REFERENCES case_file(id),
              task_id text NOT NULL,
              revision integer NOT NULL,
              kind text NOT NULL,
              jurisdiction text,
              department text,
              status text NOT NULL,
              due_at timestamptz NOT NULL,
              escalated boolean NOT NULL,
              PRIMARY KEY (case_id, task_id));
            CREATE INDEX case_task_jurisdiction ON case_task (jurisdiction, status);
            CREATE INDEX case_task_due ON case_task (status, due_at);
            COMMENT ON TABLE case_file IS 'co-approval cases, each kept whole as JSON under a version that every write checks and raises';
            COMMENT ON TABLE session IS 'signed-in sessions by the SHA-256 of their token; the token itself is never stored';
            """),
    ];
}
