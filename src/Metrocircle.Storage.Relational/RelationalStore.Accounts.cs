using System.Data.Common;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>Accounts and sessions; each change commits with its audit entry.</summary>
public abstract partial class RelationalStore
{
    private const string AccountColumns = "user_name, display_name, role, jurisdiction, department, password_hash, disabled, must_change_password, created_at, password_set_at";

    private Account ReadAccount(DbDataReader r, int offset = 0) => new(
        r.GetString(offset), r.GetString(offset + 1),
        Roles.TryParse(r.GetString(offset + 2), out var role) ? role : throw new StoreException($"account {r.GetString(offset)} has an unknown role \"{r.GetString(offset + 2)}\""),
        r.IsDBNull(offset + 3) ? null : r.GetString(offset + 3), r.IsDBNull(offset + 4) ? null : r.GetString(offset + 4),
        r.GetString(offset + 5), Dialect.ReadFlag(r, offset + 6), Dialect.ReadFlag(r, offset + 7), Dialect.ReadInstant(r, offset + 8),
        r.IsDBNull(offset + 9) ? null : Dialect.ReadInstant(r, offset + 9));

    private (string, object?)[] AccountParameters(Account a) =>
    [
        ("u", a.UserName), ("dn", a.DisplayName), ("r", Roles.Name(a.Role)), ("j", a.Jurisdiction), ("d", a.Department),
        ("p", a.PasswordHash), ("x", Dialect.Flag(a.Disabled)), ("m", Dialect.Flag(a.MustChangePassword)), ("c", Dialect.Instant(a.CreatedAt)),
        ("ps", a.PasswordSetAt is { } set ? Dialect.Instant(set) : null),
    ];

    public Task<long> CountAccountsAsync(CancellationToken ct) => ReadAsync("accounts", async connection =>
    {
        await using var command = Command(connection, null, "SELECT count(*) FROM account");
        return Number(await command.ExecuteScalarAsync(ct));
    }, ct);

    public Task<Account?> GetAccountAsync(string userName, CancellationToken ct) => ReadAsync($"account {userName}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account WHERE user_name = @u", ("u", userName));
        return (await ListAsync(command, r => ReadAccount(r), ct)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct) => ReadAsync("accounts", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {AccountColumns} FROM account ORDER BY user_name");
        return (IReadOnlyList<Account>)await ListAsync(command, r => ReadAccount(r), ct);
    }, ct);

    public Task AddAccountAsync(Account account, AuditRecord audit, CancellationToken ct) =>
        WriteAsync($"adding account {account.UserName}", async (connection, tx) =>
        {
            await using var insert = Command(connection, tx,
                $"INSERT INTO account ({AccountColumns}) VALUES (@u, @dn, @r, @j, @d, @p, @x, @m, @c, @ps) ON CONFLICT (user_name) DO NOTHING", AccountParameters(account));
            return await insert.ExecuteNonQueryAsync(ct) == 0 ? throw new StoreConflictException($"an account named {account.UserName} exists already") : 0;
        }, _ => [audit], ct);

    public Task UpdateAccountAsync(Account read, Account changed, bool revokeSessions, AuditRecord audit, CancellationToken ct) =>
        WriteAsync($"updating account {read.UserName}", async (connection, tx) =>
        {
            // Only the columns that change are written, and only if what the caller read is still there: a disable or a
            // reset that lands between another writer's read and write is never undone by that write.
            var after = AccountParameters(changed);
            var before = AccountParameters(read);
            var sets = new List<string>();
            var parameters = new List<(string, object?)> { ("u", read.UserName), ("p0", read.PasswordHash), ("x0", Dialect.Flag(read.Disabled)),
                ("m0", Dialect.Flag(read.MustChangePassword)), ("r0", Roles.Name(read.Role)) };
            foreach (var (column, index) in new[] { ("display_name", 1), ("role", 2), ("jurisdiction", 3), ("department", 4), ("password_hash", 5), ("disabled", 6), ("must_change_password", 7), ("password_set_at", 9) })
            {
                if (!Equals(before[index].Item2, after[index].Item2))
                {
                    sets.Add($"{column} = @{after[index].Item1}");
                    parameters.Add(after[index]);
                }
            }

            if (sets.Count > 0)
            {
                await using var update = Command(connection, tx,
                    $"UPDATE account SET {string.Join(", ", sets)} WHERE user_name = @u AND password_hash = @p0 AND disabled = @x0 AND must_change_password = @m0 AND role = @r0",
                    [.. parameters]);
                if (await update.ExecuteNonQueryAsync(ct) == 0)
                {
                    await using var exists = Command(connection, tx, "SELECT count(*) FROM account WHERE user_name = @u", ("u", read.UserName));
                    throw new StoreConflictException(Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0
                        ? $"there is no account named {read.UserName}"
                        : $"the account {read.UserName} changed since it was read (disabled, reset or given a new password); nothing was written");
                }
            }

            if (revokeSessions)
            {
                await using var revoke = Command(connection, tx, "DELETE FROM session WHERE user_name = @u", ("u", read.UserName));
                await revoke.ExecuteNonQueryAsync(ct);
            }

            return 0;
        }, _ => [audit], ct);

    public Task AddSessionAsync(Session session, AuditRecord audit, CancellationToken ct) =>
        WriteAsync($"starting a session for {session.UserName}", async (connection, tx) =>
        {
            // Expired sessions are removed as new ones start, so the table holds only live ones and the recently expired.
            await using var prune = Command(connection, tx, "DELETE FROM session WHERE expires_at < @t", ("t", Dialect.Instant(session.CreatedAt.AddDays(-1))));
            await prune.ExecuteNonQueryAsync(ct);
            await using var insert = Command(connection, tx, "INSERT INTO session (token_hash, user_name, kind, created_at, expires_at) VALUES (@h, @u, @k, @c, @e)",
                ("h", session.TokenHash), ("u", session.UserName), ("k", session.Kind), ("c", Dialect.Instant(session.CreatedAt)), ("e", Dialect.Instant(session.ExpiresAt)));
            return await insert.ExecuteNonQueryAsync(ct);
        }, _ => [audit], ct);

    public Task<(Session Session, Account Account)?> FindSessionAsync(string tokenHash, CancellationToken ct) => ReadAsync("a session", async connection =>
    {
        await using var command = Command(connection, null,
            $"SELECT s.token_hash, s.user_name, s.kind, s.created_at, s.expires_at, {string.Join(", ", AccountColumns.Split(", ").Select(c => "a." + c))} FROM session s JOIN account a USING (user_name) WHERE s.token_hash = @h",
            ("h", tokenHash));
        var rows = await ListAsync(command, r => ((Session Session, Account Account)?)(
            new Session(r.GetString(0), r.GetString(1), r.GetString(2), Dialect.ReadInstant(r, 3), Dialect.ReadInstant(r, 4)), ReadAccount(r, 5)), ct);
        return rows.FirstOrDefault();
    }, ct);

    public Task RevokeSessionAsync(string tokenHash, AuditRecord audit, CancellationToken ct) =>
        WriteAsync("ending a session", async (connection, tx) =>
        {
            await using var delete = Command(connection, tx, "DELETE FROM session WHERE token_hash = @h", ("h", tokenHash));
            return await delete.ExecuteNonQueryAsync(ct);
        }, _ => [audit], ct);
}
