namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Schema of collaboration tasks (issue 6): version 5.</summary>
    private static (int Version, string Description, string Sql)[] Collaboration() =>
    [
        (5, "collaboration task progress updates", """
            CREATE TABLE task_progress (
              seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              task_id text NOT NULL CHECK (length(task_id) > 0),
              milestone_id text CHECK (milestone_id IS NULL OR length(milestone_id) > 0),
              at date NOT NULL,
              actor text NOT NULL CHECK (length(actor) > 0),
              status text NOT NULL CHECK (status IN ('in-progress', 'done', 'blocked')),
              percent integer CHECK (percent BETWEEN 0 AND 100),
              note text NOT NULL CHECK (length(btrim(note)) > 0),
              evidence text[] NOT NULL,
              recorded_at timestamptz NOT NULL);
            CREATE INDEX task_progress_task ON task_progress (task_id, at, seq);
            COMMENT ON TABLE task_progress IS 'append-only progress updates of the collaboration tasks of the plan (tasks record layer); at is the day reported on, recorded_at when it was stored';
            """),
    ];
}
