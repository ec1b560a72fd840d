using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Sqlite;

/// <summary>Accounts, sessions and cases in the embedded store; each change commits with its audit entries.</summary>
public sealed partial class SqlitePlanStore : IAccountStore, ICaseStore
{
    private const string AccountColumns = "user_name, display_name, role, jurisdiction, department, password_hash, disabled, must_change_password, created_at";

    private async Task<T> WriteWithAuditAsync<T>(string what, IReadOnlyList<AuditRecord> audit, Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        try
        {
            var result = await write(connection, tx);
            foreach (var record in audit)
            {
                await SqliteAuditLog.AppendInAsync(connection, tx, record, ct);
            }

            await tx.CommitAsync(ct);
            return result;
        }
        catch (SqliteException e)
        {
            throw new StoreException($"{what} in {Description} failed; nothing was written: {e.Message}", e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static Account ReadAccount(SqliteDataReader r, int offset = 0) => new(
        r.GetString(offset), r.GetString(offset + 1), Roles.TryParse(r.GetString(offset + 2), out var role) ? role : throw new StoreException($"account {r.GetString(offset)} has an unknown role \"{r.GetString(offset + 2)}\""),
        r.IsDBNull(offset + 3) ? null : r.GetString(offset + 3), r.IsDBNull(offset + 4) ? null : r.GetString(offset + 4),
        r.GetString(offset + 5), r.GetInt64(offset + 6) != 0, r.GetInt64(offset + 7) != 0, StoreTime.FromText(r.GetString(offset + 8)));

    private static (string, object?)[] AccountParameters(Account a) =>
    [
        ("$u", a.UserName), ("$dn", a.DisplayName), ("$r", Roles.Name(a.Role)), ("$j", a.Jurisdiction), ("$d", a.Department),
        ("$p", a.PasswordHash), ("$x", a.Disabled ? 1 : 0), ("$m", a.MustChangePassword ? 1 : 0), ("$c", StoreTime.ToText(a.CreatedAt)),
    ];

    public async Task<long> CountAccountsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, "SELECT count(*) FROM account");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<Account?> GetAccountAsync(string userName, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account WHERE user_name = $u", ("$u", userName));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadAccount(reader) : null;
    }

    public async Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account ORDER BY user_name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Account>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadAccount(reader));
        }

        return result;
    }

    public Task AddAccountAsync(Account account, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"adding account {account.UserName}", [audit], async (connection, tx) =>
        {
            await using var exists = Command(connection, tx, "SELECT 1 FROM account WHERE user_name = $u", ("$u", account.UserName));
            if (await exists.ExecuteScalarAsync(ct) is not null)
            {
                throw new StoreConflictException($"an account named {account.UserName} exists already");
            }

            await using var insert = Command(connection, tx, $"INSERT INTO account ({AccountColumns}) VALUES ($u, $dn, $r, $j, $d, $p, $x, $m, $c)", AccountParameters(account));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task UpdateAccountAsync(Account account, bool revokeSessions, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"updating account {account.UserName}", [audit], async (connection, tx) =>
        {
            await using var update = Command(connection, tx,
                "UPDATE account SET display_name = $dn, role = $r, jurisdiction = $j, department = $d, password_hash = $p, disabled = $x, must_change_password = $m WHERE user_name = $u",
                AccountParameters(account));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"there is no account named {account.UserName}");
            }

            if (revokeSessions)
            {
                await using var revoke = Command(connection, tx, "DELETE FROM session WHERE user_name = $u", ("$u", account.UserName));
                await revoke.ExecuteNonQueryAsync(ct);
            }

            return 0;
        }, ct);

    public Task AddSessionAsync(Session session, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync($"starting a session for {session.UserName}", [audit], async (connection, tx) =>
        {
            // Expired sessions are removed as new ones start, so the table holds only live ones and the recently expired.
            await using var prune = Command(connection, tx, "DELETE FROM session WHERE expires_at < $t", ("$t", StoreTime.ToText(session.CreatedAt.AddDays(-1))));
            await prune.ExecuteNonQueryAsync(ct);
            await using var insert = Command(connection, tx, "INSERT INTO session (token_hash, user_name, kind, created_at, expires_at) VALUES ($h, $u, $k, $c, $e)",
                ("$h", session.TokenHash), ("$u", session.UserName), ("$k", session.Kind), ("$c", StoreTime.ToText(session.CreatedAt)), ("$e", StoreTime.ToText(session.ExpiresAt)));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);

    public async Task<(Session Session, Account Account)?> FindSessionAsync(string tokenHash, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null,
            $"SELECT s.token_hash, s.user_name, s.kind, s.created_at, s.expires_at, {string.Join(", ", AccountColumns.Split(", ").Select(c => "a." + c))} FROM session s JOIN account a USING (user_name) WHERE s.token_hash = $h",
            ("$h", tokenHash));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var session = new Session(reader.GetString(0), reader.GetString(1), reader.GetString(2), StoreTime.FromText(reader.GetString(3)), StoreTime.FromText(reader.GetString(4)));
        return (session, ReadAccount(reader, 5));
    }

    public Task RevokeSessionAsync(string tokenHash, AuditRecord audit, CancellationToken ct) =>
        WriteWithAuditAsync("ending a session", [audit], async (connection, tx) =>
        {
            await using var delete = Command(connection, tx, "DELETE FROM session WHERE token_hash = $h", ("$h", tokenHash));
            return await delete.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task CreateCaseAsync(CaseFile file, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteWithAuditAsync($"opening case {file.Id}", audit, async (connection, tx) =>
        {
            await using var insert = Command(connection, tx, "INSERT INTO case_file (id, proponent, status, version, updated_at, body) VALUES ($id, $p, $s, 1, $u, $b)",
                ("$id", file.Id), ("$p", file.Proponent), ("$s", CaseWorkflow.Wire(file.Status)), ("$u", StoreTime.ToText(file.UpdatedAt)), ("$b", CaseJson.Serialize(file)));
            try
            {
                await insert.ExecuteNonQueryAsync(ct);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new StoreConflictException($"a case with id {file.Id} exists already");
            }

            await WriteTasksAsync(connection, tx, file, ct);
            return 0;
        }, ct);

    private static async Task WriteTasksAsync(SqliteConnection connection, SqliteTransaction tx, CaseFile file, CancellationToken ct)
    {
        await using (var delete = Command(connection, tx, "DELETE FROM case_task WHERE case_id = $id", ("$id", file.Id)))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using var insert = Command(connection, tx,
            "INSERT INTO case_task (case_id, task_id, revision, kind, jurisdiction, department, status, due_at, escalated) VALUES ($c, $t, $r, $k, $j, $d, $s, $due, $e)",
            ("$c", file.Id), ("$t", ""), ("$r", 0), ("$k", ""), ("$j", null), ("$d", null), ("$s", ""), ("$due", ""), ("$e", 0));
        foreach (var task in file.Tasks)
        {
            insert.Parameters["$t"].Value = task.Id;
            insert.Parameters["$r"].Value = task.Revision;
            insert.Parameters["$k"].Value = task.Kind.ToString().ToLowerInvariant();
            insert.Parameters["$j"].Value = (object?)task.Jurisdiction ?? DBNull.Value;
            insert.Parameters["$d"].Value = (object?)task.Department ?? DBNull.Value;
            insert.Parameters["$s"].Value = task.Status.ToString().ToLowerInvariant();
            insert.Parameters["$due"].Value = StoreTime.ToText(task.DueAt);
            insert.Parameters["$e"].Value = task.Escalated ? 1 : 0;
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<StoredCase?> GetCaseAsync(string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, "SELECT body, version FROM case_file WHERE id = $id", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new StoredCase(CaseJson.Deserialize(reader.GetString(0)), reader.GetInt64(1)) : null;
    }

    public Task<long> UpdateCaseAsync(CaseFile file, long expectedVersion, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteWithAuditAsync($"updating case {file.Id}", audit, async (connection, tx) =>
        {
            await using var update = Command(connection, tx,
                "UPDATE case_file SET status = $s, version = version + 1, updated_at = $u, body = $b WHERE id = $id AND version = $v",
                ("$id", file.Id), ("$s", CaseWorkflow.Wire(file.Status)), ("$u", StoreTime.ToText(file.UpdatedAt)), ("$b", CaseJson.Serialize(file)), ("$v", expectedVersion));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"case {file.Id} changed since version {expectedVersion} was read");
            }

            await WriteTasksAsync(connection, tx, file, ct);
            return expectedVersion + 1;
        }, ct);

    public async Task<IReadOnlyList<StoredCase>> ListCasesAsync(CaseQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("$limit", Math.Clamp(query.Limit, 1, 1000)) };
        if (query.Proponent is not null)
        {
            where.Add("c.proponent = $p");
            parameters.Add(("$p", query.Proponent));
        }

        if (query.Status is { } status)
        {
            where.Add("c.status = $s");
            parameters.Add(("$s", CaseWorkflow.Wire(status)));
        }

        if (query.TaskJurisdiction is not null || query.EscalatedOnly)
        {
            var task = new List<string> { "t.case_id = c.id" };
            if (query.TaskJurisdiction is not null)
            {
                task.Add("t.jurisdiction = $j");
                parameters.Add(("$j", query.TaskJurisdiction));
            }

            if (query.OpenTaskFor || query.EscalatedOnly)
            {
                task.Add("t.status = 'open'");
            }

            if (query.EscalatedOnly)
            {
                task.Add("t.escalated = 1");
            }

            where.Add($"EXISTS (SELECT 1 FROM case_task t WHERE {string.Join(" AND ", task)})");
        }

        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null,
            $"SELECT c.body, c.version FROM case_file c {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY c.updated_at DESC, c.id DESC LIMIT $limit",
            [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<StoredCase>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredCase(CaseJson.Deserialize(reader.GetString(0)), reader.GetInt64(1)));
        }

        return result;
    }

    public async Task<IReadOnlyList<string>> OverdueCaseIdsAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null,
            "SELECT DISTINCT t.case_id FROM case_task t JOIN case_file c ON c.id = t.case_id WHERE t.status = 'open' AND t.escalated = 0 AND t.kind <> 'coordination' AND t.due_at < $t AND c.status = 'under-review' ORDER BY t.case_id",
            ("$t", StoreTime.ToText(before)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
