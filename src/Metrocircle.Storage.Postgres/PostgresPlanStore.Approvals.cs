using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// Accounts, sessions and cases in PostgreSQL; each change commits with its audit entries. The audit lock is always
/// taken last in a transaction, after any row lock, so case writers and plain audit appends cannot deadlock.
/// </summary>
public sealed partial class PostgresPlanStore : IAccountStore, ICaseStore
{
    private const string AccountColumns = "user_name, display_name, role, jurisdiction, department, password_hash, disabled, must_change_password, created_at";

    private async Task<T> WriteWithAuditAsync<T>(string what, IReadOnlyList<AuditRecord> audit, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            var result = await write(connection, tx);
            foreach (var record in audit)
            {
                await PostgresAuditLog.AppendInAsync(connection, tx, record, ct);
            }

            await tx.CommitAsync(ct);
            return result;
        }
        catch (NpgsqlException e)
        {
            await RollbackAsync(tx);
            throw new StoreException($"{what} in {Description} failed; nothing was written: {e.Message}", e);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static Account ReadAccount(NpgsqlDataReader r, int offset = 0) => new(
        r.GetString(offset), r.GetString(offset + 1), Roles.TryParse(r.GetString(offset + 2), out var role) ? role : throw new StoreException($"account {r.GetString(offset)} has an unknown role \"{r.GetString(offset + 2)}\""),
        r.IsDBNull(offset + 3) ? null : r.GetString(offset + 3), r.IsDBNull(offset + 4) ? null : r.GetString(offset + 4),
        r.GetString(offset + 5), r.GetBoolean(offset + 6), r.GetBoolean(offset + 7), new DateTimeOffset(r.GetDateTime(offset + 8), TimeSpan.Zero));

    private static (string, object?)[] AccountParameters(Account a) =>
    [
        ("u", a.UserName), ("dn", a.DisplayName), ("r", Roles.Name(a.Role)), ("j", a.Jurisdiction), ("d", a.Department),
        ("p", a.PasswordHash), ("x", a.Disabled), ("m", a.MustChangePassword), ("c", a.CreatedAt.UtcDateTime),
    ];

    public Task<long> CountAccountsAsync(CancellationToken ct) => ReadAsync("accounts", async connection =>
    {
        await using var command = Command(connection, null, "SELECT count(*) FROM account");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }, ct);

    public Task<Account?> GetAccountAsync(string userName, CancellationToken ct) => ReadAsync($"account {userName}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account WHERE user_name = @u", ("u", userName));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadAccount(reader) : null;
    }, ct);

    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct) => ReadAsync("accounts", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account ORDER BY user_name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Account>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadAccount(reader));
        }

        return (IReadOnlyList<Account>)result;
    }, ct);

    public Task AddAccountAsync(Account account, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"adding account {account.UserName}", [audit], async (connection, tx) =>
        {
            await using var insert = Command(connection, tx,
                $"INSERT INTO account ({AccountColumns}) VALUES (@u, @dn, @r, @j, @d, @p, @x, @m, @c) ON CONFLICT (user_name) DO NOTHING", AccountParameters(account));
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"an account named {account.UserName} exists already");
            }

            return 0;
        }, ct);

    public Task UpdateAccountAsync(Account account, bool revokeSessions, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"updating account {account.UserName}", [audit], async (connection, tx) =>
        {
            await using var update = Command(connection, tx,
                "UPDATE account SET display_name = @dn, role = @r, jurisdiction = @j, department = @d, password_hash = @p, disabled = @x, must_change_password = @m WHERE user_name = @u",
                AccountParameters(account));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"there is no account named {account.UserName}");
            }

            if (revokeSessions)
            {
                await using var revoke = Command(connection, tx, "DELETE FROM session WHERE user_name = @u", ("u", account.UserName));
                await revoke.ExecuteNonQueryAsync(ct);
            }

            return 0;
        }, ct);

    public Task AddSessionAsync(Session session, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"starting a session for {session.UserName}", [audit], async (connection, tx) =>
        {
            await using var prune = Command(connection, tx, "DELETE FROM session WHERE expires_at < @t", ("t", session.CreatedAt.AddDays(-1).UtcDateTime));
            await prune.ExecuteNonQueryAsync(ct);
            await using var insert = Command(connection, tx, "INSERT INTO session (token_hash, user_name, kind, created_at, expires_at) VALUES (@h, @u, @k, @c, @e)",
                ("h", session.TokenHash), ("u", session.UserName), ("k", session.Kind), ("c", session.CreatedAt.UtcDateTime), ("e", session.ExpiresAt.UtcDateTime));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task<(Session Session, Account Account)?> FindSessionAsync(string tokenHash, CancellationToken ct) => ReadAsync("a session", async connection =>
    {
        await using var command = Command(connection, null,
            $"SELECT s.token_hash, s.user_name, s.kind, s.created_at, s.expires_at, {string.Join(", ", AccountColumns.Split(", ").Select(c => "a." + c))} FROM session s JOIN account a USING (user_name) WHERE s.token_hash = @h",
            ("h", tokenHash));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return ((Session, Account)?)null;
        }

        var session = new Session(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero), new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero));
        return (session, ReadAccount(reader, 5));
    }, ct);

    public Task RevokeSessionAsync(string tokenHash, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync("ending a session", [audit], async (connection, tx) =>
        {
            await using var delete = Command(connection, tx, "DELETE FROM session WHERE token_hash = @h", ("h", tokenHash));
            return await delete.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task CreateCaseAsync(CaseFile file, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteWithAuditAsync($"opening case {file.Id}", audit, async (connection, tx) =>
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO case_file (id, proponent, status, version, updated_at, body) VALUES (@id, @p, @s, 1, @u, @b) ON CONFLICT (id) DO NOTHING",
                ("id", file.Id), ("p", file.Proponent), ("s", CaseWorkflow.Wire(file.Status)), ("u", file.UpdatedAt.UtcDateTime));
            insert.Parameters.AddWithValue("b", NpgsqlDbType.Jsonb, CaseJson.Serialize(file));
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"a case with id {file.Id} exists already");
            }

            await WriteTasksAsync(connection, tx, file, ct);
            return 0;
        }, ct);

    private static async Task WriteTasksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CaseFile file, CancellationToken ct)
    {
        await using (var delete = Command(connection, tx, "DELETE FROM case_task WHERE case_id = @id", ("id", file.Id)))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using var insert = Command(connection, tx, """
            INSERT INTO case_task (case_id, task_id, revision, kind, jurisdiction, department, status, due_at, escalated)
            SELECT @c, * FROM unnest(@t::text[], @r::int[], @k::text[], @j::text[], @d::text[], @s::text[], @due::timestamptz[], @e::bool[])
            """,
            ("c", file.Id),
            ("t", file.Tasks.Select(t => t.Id).ToArray()),
            ("r", file.Tasks.Select(t => t.Revision).ToArray()),
            ("k", file.Tasks.Select(t => t.Kind.ToString().ToLowerInvariant()).ToArray()),
            ("j", file.Tasks.Select(t => t.Jurisdiction).ToArray()),
            ("d", file.Tasks.Select(t => t.Department).ToArray()),
            ("s", file.Tasks.Select(t => t.Status.ToString().ToLowerInvariant()).ToArray()),
            ("due", file.Tasks.Select(t => t.DueAt.UtcDateTime).ToArray()),
            ("e", file.Tasks.Select(t => t.Escalated).ToArray()));
        await insert.ExecuteNonQueryAsync(ct);
    }

    public Task<StoredCase?> GetCaseAsync(string id, CancellationToken ct) => ReadAsync($"case {id}", async connection =>
    {
        await using var command = Command(connection, null, "SELECT body::text, version FROM case_file WHERE id = @id", ("id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new StoredCase(CaseJson.Deserialize(reader.GetString(0)), reader.GetInt64(1)) : null;
    }, ct);

    public Task<long> UpdateCaseAsync(CaseFile file, long expectedVersion, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteWithAuditAsync($"updating case {file.Id}", audit, async (connection, tx) =>
        {
            // Under READ COMMITTED a second writer of the same row waits for the first, then re-reads the row and finds
            // the version moved on: it updates nothing and is told so.
            await using var update = Command(connection, tx,
                "UPDATE case_file SET status = @s, version = version + 1, updated_at = @u, body = @b WHERE id = @id AND version = @v",
                ("id", file.Id), ("s", CaseWorkflow.Wire(file.Status)), ("u", file.UpdatedAt.UtcDateTime), ("v", expectedVersion));
            update.Parameters.AddWithValue("b", NpgsqlDbType.Jsonb, CaseJson.Serialize(file));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"case {file.Id} changed since version {expectedVersion} was read");
            }

            await WriteTasksAsync(connection, tx, file, ct);
            return expectedVersion + 1;
        }, ct);

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

        if (query.TaskJurisdiction is not null || query.EscalatedOnly)
        {
            var task = new List<string> { "t.case_id = c.id" };
            if (query.TaskJurisdiction is not null)
            {
                task.Add("t.jurisdiction = @j");
                parameters.Add(("j", query.TaskJurisdiction));
            }

            if (query.OpenTaskFor || query.EscalatedOnly)
            {
                task.Add("t.status = 'open'");
            }

            if (query.EscalatedOnly)
            {
                task.Add("t.escalated");
            }

            where.Add($"EXISTS (SELECT 1 FROM case_task t WHERE {string.Join(" AND ", task)})");
        }

        await using var command = Command(connection, null,
            $"SELECT c.body::text, c.version FROM case_file c {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit",
            [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<StoredCase>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredCase(CaseJson.Deserialize(reader.GetString(0)), reader.GetInt64(1)));
        }

        return (IReadOnlyList<StoredCase>)result;
    }, ct);

    public Task<IReadOnlyList<string>> OverdueCaseIdsAsync(DateTimeOffset before, CancellationToken ct) => ReadAsync("overdue cases", async connection =>
    {
        await using var command = Command(connection, null,
            "SELECT DISTINCT t.case_id FROM case_task t JOIN case_file c ON c.id = t.case_id WHERE t.status = 'open' AND NOT t.escalated AND t.kind <> 'coordination' AND t.due_at < @t AND c.status = 'under-review' ORDER BY t.case_id",
            ("t", before.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)result;
    }, ct);
}
