using System.Data.Common;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// Co-approval cases, each kept whole as JSON under a version that every write checks and raises, with
/// <c>case_task</c> indexing their tasks for inboxes and escalation.
/// </summary>
public abstract partial class RelationalStore
{
    public Task CreateCaseAsync(CaseFile file, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"opening case {file.Id}", async (connection, tx) =>
        {
            await InsertCaseInAsync(connection, tx, file, ct);
            return 0;
        }, _ => audit, ct);

    private async Task InsertCaseInAsync(DbConnection connection, DbTransaction tx, CaseFile file, CancellationToken ct)
    {
        await using var insert = Command(connection, tx,
            "INSERT INTO case_file (id, proponent, status, version, updated_at, body) VALUES (@id, @p, @s, 1, @u, @b) ON CONFLICT (id) DO NOTHING",
            ("id", file.Id), ("p", file.Proponent), ("s", CaseWorkflow.Wire(file.Status)), ("u", Dialect.Instant(file.UpdatedAt)));
        Dialect.Json(insert, "b", CaseJson.Serialize(file));
        if (await insert.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new StoreConflictException($"a case with id {file.Id} exists already");
        }

        await WriteTasksAsync(connection, tx, file, ct);
    }

    private async Task WriteTasksAsync(DbConnection connection, DbTransaction tx, CaseFile file, CancellationToken ct)
    {
        await using (var delete = Command(connection, tx, "DELETE FROM case_task WHERE case_id = @id", ("id", file.Id)))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var task in file.Tasks)
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO case_task (case_id, task_id, revision, kind, jurisdiction, department, status, due_at, escalated) VALUES (@c, @t, @r, @k, @j, @d, @s, @due, @e)",
                ("c", file.Id), ("t", task.Id), ("r", task.Revision), ("k", task.Kind.ToString().ToLowerInvariant()), ("j", task.Jurisdiction), ("d", task.Department),
                ("s", task.Status.ToString().ToLowerInvariant()), ("due", Dialect.Instant(task.DueAt)), ("e", Dialect.Flag(task.Escalated)));
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    public Task<StoredCase?> GetCaseAsync(string id, CancellationToken ct) => ReadAsync($"case {id}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {Dialect.JsonText("body")}, version FROM case_file WHERE id = @id", ("id", id));
        return (await ListAsync(command, ReadCase, ct)).FirstOrDefault();
    }, ct);

    private static StoredCase ReadCase(DbDataReader r) => new(CaseJson.Deserialize(r.GetString(0)), r.GetInt64(1));

    public Task<long> UpdateCaseAsync(CaseFile file, long expectedVersion, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"updating case {file.Id}", (connection, tx) => UpdateCaseInAsync(connection, tx, file, expectedVersion, ct), _ => audit, ct);

    private async Task<long> UpdateCaseInAsync(DbConnection connection, DbTransaction tx, CaseFile file, long expectedVersion, CancellationToken ct)
    {
        // Under READ COMMITTED a second writer of the same row waits for the first, then re-reads the row and finds
        // the version moved on: it updates nothing and is told so. SQLite has one writer at a time.
        await using var update = Command(connection, tx,
            "UPDATE case_file SET status = @s, version = version + 1, updated_at = @u, body = @b WHERE id = @id AND version = @v",
            ("id", file.Id), ("s", CaseWorkflow.Wire(file.Status)), ("u", Dialect.Instant(file.UpdatedAt)), ("v", expectedVersion));
        Dialect.Json(update, "b", CaseJson.Serialize(file));
        if (await update.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new StoreConflictException($"case {file.Id} changed since version {expectedVersion} was read");
        }

        await WriteTasksAsync(connection, tx, file, ct);
        return expectedVersion + 1;
    }

    public Task<IReadOnlyList<StoredCase>> ListCasesAsync(CaseQuery query, CancellationToken ct) => ReadAsync("cases", async connection =>
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", Math.Clamp(query.Limit, 1, 1000)) };
        if (query.Proponent is not null)
        {
            where.Add("c.proponent = @p");
            parameters.Add(("p", query.Proponent));
        }

        if (query.Status is { } status)
        {
            where.Add("c.status = @s");
            parameters.Add(("s", CaseWorkflow.Wire(status)));
        }

        if (query.TaskJurisdiction is not null || query.EscalatedOnly || query.NationalDepartment is not null)
        {
            var task = new List<string> { "t.case_id = c.id" };
            if (query.TaskJurisdiction is not null)
            {
                var names = new List<string> { "@j" };
                parameters.Add(("j", query.TaskJurisdiction));
                foreach (var (also, i) in (query.AlsoJurisdictions ?? []).Take(1000).Select((a, i) => (a, i)))
                {
                    names.Add($"@j{i}");
                    parameters.Add(($"j{i}", also));
                }

                task.Add(names.Count == 1 ? "t.jurisdiction = @j" : $"t.jurisdiction IN ({string.Join(", ", names)})");
            }

            if (query.NationalDepartment is not null)
            {
                // National tasks are the department tasks with no jurisdiction.
                task.Add("t.kind = 'department' AND t.jurisdiction IS NULL AND t.department = @nd");
                parameters.Add(("nd", query.NationalDepartment));
            }

            if (query.OpenTaskFor || query.EscalatedOnly)
            {
                task.Add("t.status = 'open'");
            }

            if (query.EscalatedOnly)
            {
                task.Add("t.escalated = @yes");
                parameters.Add(("yes", Dialect.Flag(true)));
            }

            where.Add($"EXISTS (SELECT 1 FROM case_task t WHERE {string.Join(" AND ", task)})");
        }

        if (query.OpenForOffice)
        {
            where.Add("EXISTS (SELECT 1 FROM case_task o WHERE o.case_id = c.id AND o.status = 'open' AND (o.kind = 'coordination' OR o.escalated = @oyes))");
            parameters.Add(("oyes", Dialect.Flag(true)));
        }

        if (query.After is { } after)
        {
            where.Add("(c.updated_at < @au OR (c.updated_at = @au AND c.id < @ai))");
            parameters.Add(("au", Dialect.Instant(after.UpdatedAt)));
            parameters.Add(("ai", after.Id));
        }

        await using var command = Command(connection, null,
            $"SELECT {Dialect.JsonText("c.body")}, c.version FROM case_file c {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit",
            [.. parameters]);
        return (IReadOnlyList<StoredCase>)await ListAsync(command, ReadCase, ct);
    }, ct);

    public Task<IReadOnlyList<string>> OverdueCaseIdsAsync(DateTimeOffset before, CancellationToken ct) => ReadAsync("overdue cases", async connection =>
    {
        await using var command = Command(connection, null,
            "SELECT DISTINCT t.case_id FROM case_task t JOIN case_file c ON c.id = t.case_id WHERE t.status = 'open' AND t.escalated = @no AND t.kind <> 'coordination' AND t.due_at < @t AND c.status = 'under-review' ORDER BY t.case_id",
            ("no", Dialect.Flag(false)), ("t", Dialect.Instant(before)));
        return (IReadOnlyList<string>)await ListAsync(command, r => r.GetString(0), ct);
    }, ct);
}
