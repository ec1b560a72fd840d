namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of collaboration tasks (issue 6): version 5.</summary>
    private static (int Version, string Description, string Sql)[] Collaboration() =>
    [
        (5, "collaboration task progress updates", """
            CREATE TABLE task_progress (
              seq INTEGER PRIMARY KEY,
              task_id TEXT NOT NULL CHECK (length(task_id) > 0),
              milestone_id TEXT CHECK (milestone_id IS NULL OR length(milestone_id) > 0),
              at TEXT NOT NULL,
              actor TEXT NOT NULL CHECK (length(actor) > 0),
              status TEXT NOT NULL CHECK (status IN ('in-progress', 'done', 'blocked')),
              percent INTEGER CHECK (percent BETWEEN 0 AND 100),
              note TEXT NOT NULL CHECK (length(trim(note)) > 0),
              evidence TEXT NOT NULL,
              recorded_at TEXT NOT NULL);
            CREATE INDEX task_progress_task ON task_progress (task_id, at, seq);
            """),
    ];
}
