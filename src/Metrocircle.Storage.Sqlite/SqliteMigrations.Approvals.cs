namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of accounts, sessions and co-approval cases (issue 5).</summary>
    private static (int Version, string Description, string Sql)[] Approvals() =>
    [
        (6, "accounts, sessions, co-approval cases and their task index", """
            CREATE TABLE account (
              user_name TEXT PRIMARY KEY,
              display_name TEXT NOT NULL,
              role TEXT NOT NULL,
              jurisdiction TEXT,
              department TEXT,
              password_hash TEXT NOT NULL,
              disabled INTEGER NOT NULL,
              must_change_password INTEGER NOT NULL,
              created_at TEXT NOT NULL);
            CREATE TABLE session (
              token_hash TEXT PRIMARY KEY,
              user_name TEXT NOT NULL REFERENCES account(user_name),
              kind TEXT NOT NULL,
              created_at TEXT NOT NULL,
              expires_at TEXT NOT NULL);
            CREATE INDEX session_by_user ON session (user_name);
            CREATE TABLE case_file (
              id TEXT PRIMARY KEY,
              proponent TEXT NOT NULL,
              status TEXT NOT NULL,
              version INTEGER NOT NULL,
              updated_at TEXT NOT NULL,
              body TEXT NOT NULL);
            CREATE INDEX case_file_proponent ON case_file (proponent, updated_at);
            CREATE TABLE case_task (
              case_id TEXT NOT NULL REFERENCES case_file(id),
              task_id TEXT NOT NULL,
              revision INTEGER NOT NULL,
              kind TEXT NOT NULL,
              jurisdiction TEXT,
              department TEXT,
              status TEXT NOT NULL,
              due_at TEXT NOT NULL,
              escalated INTEGER NOT NULL,
              PRIMARY KEY (case_id, task_id));
            CREATE INDEX case_task_jurisdiction ON case_task (jurisdiction, status);
            CREATE INDEX case_task_due ON case_task (status, due_at);
            """),
    ];
}
