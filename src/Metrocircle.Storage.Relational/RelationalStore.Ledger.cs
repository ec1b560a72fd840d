using System.Data.Common;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The land ledger. A write first locks the accounts it touches in id order (row locks on PostgreSQL, so two transfers
/// in opposite directions cannot deadlock; SQLite has one writer), then changes each balance by a guarded update that
/// refuses to take an account that may not go negative below what its holds reserve, then appends its audit entries.
/// </summary>
public abstract partial class RelationalStore : ILedgerStore
{
    private const string LedgerAccountColumns = "a.id, a.kind, a.period, a.role, a.jurisdiction, a.may_go_negative";

    private LedgerAccount ReadLedgerAccount(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), LedgerAccount.ParseRole(r.GetString(3)),
        r.IsDBNull(4) ? null : r.GetString(4), Dialect.ReadFlag(r, 5));

    public async Task<bool> OpenLedgerAsync(LedgerChart chart, Func<IReadOnlyList<LedgerTransaction>, IEnumerable<AuditRecord>> audit, CancellationToken ct)
    {
        var (opened, _) = await WriteAsync("opening the land ledger", async (connection, tx) =>
        {
            // Instances starting together queue here; the second finds the accounts made and writes nothing.
            await Dialect.LockLedgerAsync(connection, tx, ct);
            await using (var count = Command(connection, tx, "SELECT count(*) FROM ledger_account"))
            {
                if (Number(await count.ExecuteScalarAsync(ct)) > 0)
                {
                    return (Opened: false, Transactions: (IReadOnlyList<LedgerTransaction>)[]);
                }
            }

            foreach (var account in chart.Accounts)
            {
                await using var insert = Command(connection, tx,
                    "INSERT INTO ledger_account (id, kind, period, role, jurisdiction, may_go_negative, balance, held) VALUES (@id, @k, @p, @r, @j, @n, 0, 0)",
                    ("id", account.Id), ("k", account.Kind), ("p", account.Period), ("r", LedgerAccount.RoleName(account.Role)), ("j", account.Jurisdiction),
                    ("n", Dialect.Flag(account.MayGoNegative)));
                await insert.ExecuteNonQueryAsync(ct);
            }

            var written = new List<LedgerTransaction>();
            foreach (var entry in chart.Openings)
            {
                written.Add(await PostInAsync(connection, tx, entry, ct));
            }

            return (Opened: true, Transactions: (IReadOnlyList<LedgerTransaction>)written);
        }, r => r.Opened ? audit(r.Transactions) : [], ct);
        return opened;
    }

    public Task<IReadOnlyList<LedgerAccount>> ListLedgerAccountsAsync(CancellationToken ct) => ReadAsync("ledger accounts", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {LedgerAccountColumns} FROM ledger_account a ORDER BY {Dialect.ByteOrder("a.id")}");
        return (IReadOnlyList<LedgerAccount>)await ListAsync(command, ReadLedgerAccount, ct);
    }, ct);

    public Task<IReadOnlyList<LedgerBalance>> GetBalancesAsync(LedgerQuery query, CancellationToken ct) => ReadAsync("ledger balances", async connection =>
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        void Filter(string column, string name, string? value)
        {
            if (value is not null)
            {
                where.Add($"a.{column} = @{name}");
                parameters.Add((name, value));
            }
        }

        Filter("jurisdiction", "j", query.Jurisdiction);
        Filter("kind", "k", query.Kind);
        Filter("period", "p", query.Period);
        Filter("id", "id", query.Account);
        string amounts;
        if (query.AsOf is { } day)
        {
            // Everything written before the next day began (UTC): postings summed, holds that were open at that moment.
            parameters.Add(("before", Dialect.Instant(new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))));
            amounts = """
                CAST(coalesce((SELECT sum(p.amount) FROM ledger_posting p JOIN ledger_transaction t ON t.seq = p.tx_seq WHERE p.account_id = a.id AND t.at < @before), 0) AS bigint),
                CAST(coalesce((SELECT sum(h.amount) FROM ledger_hold h WHERE h.account_id = a.id AND h.at < @before AND (h.closed_at IS NULL OR h.closed_at >= @before)), 0) AS bigint)
                """;
        }
        else
        {
            amounts = "a.balance, a.held";
        }

        await using var command = Command(connection, null,
            $"SELECT {LedgerAccountColumns}, {amounts} FROM ledger_account a {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY {Dialect.ByteOrder("a.id")}",
            [.. parameters]);
        return (IReadOnlyList<LedgerBalance>)await ListAsync(command, r => new LedgerBalance(ReadLedgerAccount(r), r.GetInt64(6), r.GetInt64(7)), ct);
    }, ct);

    public Task<LedgerTransaction> PostAsync(LedgerEntry entry, Func<LedgerTransaction, IEnumerable<AuditRecord>> audit, CancellationToken ct) =>
        WriteAsync($"posting a {entry.Type} to the land ledger", (connection, tx) => PostInAsync(connection, tx, entry, ct), audit, ct);

    /// <summary>Locks the accounts in id order and returns them; an id that is not an account is left out.</summary>
    private async Task<Dictionary<string, LedgerAccount>> LockAccountsAsync(DbConnection connection, DbTransaction tx, IEnumerable<string> ids, CancellationToken ct)
    {
        var result = new Dictionary<string, LedgerAccount>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await using var command = Command(connection, tx, $"SELECT {LedgerAccountColumns} FROM ledger_account a WHERE a.id = @id{Dialect.ForUpdate}", ("id", id));
            foreach (var account in await ListAsync(command, ReadLedgerAccount, ct))
            {
                result[account.Id] = account;
            }
        }

        return result;
    }

    private async Task<LedgerTransaction> PostInAsync(DbConnection connection, DbTransaction tx, LedgerEntry entry, CancellationToken ct)
    {
        var settles = entry.SettlesHolds ?? [];
        var holds = new List<LedgerHold>();
        foreach (var id in settles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            holds.Add(await GetHoldInAsync(connection, tx, id, ct) ?? throw new LedgerRuleException($"there is no hold {id}"));
        }

        var accounts = await LockAccountsAsync(connection, tx, entry.Postings.Select(p => p.Account).Concat(holds.Select(h => h.Account)), ct);
        LedgerRules.Check(entry, accounts);
        if (entry.Reverses is { } reversed)
        {
            var original = await GetTransactionInAsync(connection, tx, reversed, ct) ?? throw new LedgerRuleException($"there is no transaction {reversed} to reverse");
            await using var already = Command(connection, tx, "SELECT count(*) FROM ledger_transaction WHERE reverses = @r", ("r", reversed));
            if (Number(await already.ExecuteScalarAsync(ct)) > 0)
            {
                throw new LedgerRuleException($"transaction {reversed} is reversed already");
            }

            if (!original.Postings.OrderBy(p => p.Account, StringComparer.Ordinal).Select(p => (p.Account, -p.Amount))
                    .SequenceEqual(entry.Postings.OrderBy(p => p.Account, StringComparer.Ordinal).Select(p => (p.Account, p.Amount))))
            {
                throw new LedgerRuleException($"a reversal of transaction {reversed} must post exactly its postings negated");
            }
        }

        var at = DateTimeOffset.UtcNow;
        foreach (var hold in holds)
        {
            if (hold.Status != HoldStatus.Open)
            {
                throw new LedgerRuleException($"hold {hold.Id} is {hold.Status.ToString().ToLowerInvariant()}, not open");
            }

            await CloseHoldInAsync(connection, tx, hold, HoldStatus.Settled, at, ct);
        }

        await using var insert = Command(connection, tx,
            "INSERT INTO ledger_transaction (at, actor, type, memo, case_id, reverses, terms) VALUES (@at, @ac, @ty, @m, @c, @r, @te) RETURNING seq",
            ("at", Dialect.Instant(at)), ("ac", entry.Actor), ("ty", entry.Type), ("m", entry.Memo), ("c", entry.CaseId), ("r", entry.Reverses));
        if (entry.Terms is { } terms)
        {
            Dialect.Json(insert, "te", terms.ToJsonString(), exact: true);
        }
        else
        {
            SqlDialect.Parameter(insert, "te", null);
        }

        var seq = Number(await insert.ExecuteScalarAsync(ct));
        foreach (var (posting, n) in entry.Postings.Select((p, n) => (p, n)))
        {
            await using var line = Command(connection, tx, "INSERT INTO ledger_posting (tx_seq, n, account_id, amount) VALUES (@t, @n, @a, @v)",
                ("t", seq), ("n", n), ("a", posting.Account), ("v", posting.Amount));
            await line.ExecuteNonQueryAsync(ct);
        }

        // Credits first, so that a transaction that moves through an account at zero does not fail on its order.
        foreach (var posting in entry.Postings.OrderByDescending(p => p.Amount).ThenBy(p => p.Account, StringComparer.Ordinal))
        {
            await using var update = Command(connection, tx,
                "UPDATE ledger_account SET balance = balance + @v WHERE id = @id AND (may_go_negative = @yes OR @v >= 0 OR balance - held + @v >= 0)",
                ("v", posting.Amount), ("id", posting.Account), ("yes", Dialect.Flag(true)));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw await OverdrawnAsync(connection, tx, posting.Account, -posting.Amount, ct);
            }
        }

        return new LedgerTransaction(seq, at, entry.Actor, entry.Type, entry.Memo, entry.CaseId, entry.Reverses, entry.Terms, entry.Postings);
    }

    private async Task<LedgerOverdrawnException> OverdrawnAsync(DbConnection connection, DbTransaction tx, string account, long needed, CancellationToken ct)
    {
        await using var read = Command(connection, tx, "SELECT balance - held FROM ledger_account WHERE id = @id", ("id", account));
        return new LedgerOverdrawnException(account, Number(await read.ExecuteScalarAsync(ct)), needed);
    }

    public Task<LedgerTransaction?> GetTransactionAsync(long seq, CancellationToken ct) =>
        ReadAsync($"ledger transaction {seq}", connection => GetTransactionInAsync(connection, null, seq, ct), ct);

    private async Task<LedgerTransaction?> GetTransactionInAsync(DbConnection connection, DbTransaction? tx, long seq, CancellationToken ct) =>
        (await TransactionsAsync(connection, tx, "t.seq = @s", [("s", seq)], 1, ct)).FirstOrDefault();

    public Task<IReadOnlyList<LedgerTransaction>> ListTransactionsAsync(string? account, long afterSeq, int limit, CancellationToken ct) =>
        ReadAsync("ledger transactions", async connection => account is null
            ? await TransactionsAsync(connection, null, "t.seq > @after", [("after", afterSeq)], limit, ct)
            : await TransactionsAsync(connection, null, "t.seq > @after AND EXISTS (SELECT 1 FROM ledger_posting q WHERE q.tx_seq = t.seq AND q.account_id = @acc)",
                [("after", afterSeq), ("acc", account)], limit, ct), ct);

    private async Task<IReadOnlyList<LedgerTransaction>> TransactionsAsync(DbConnection connection, DbTransaction? tx, string where,
        (string, object?)[] parameters, int limit, CancellationToken ct)
    {
        List<(long Seq, DateTimeOffset At, string Actor, string Type, string Memo, string? Case, long? Reverses, string? Terms)> heads;
        await using (var command = Command(connection, tx,
            $"SELECT t.seq, t.at, t.actor, t.type, t.memo, t.case_id, t.reverses, {Dialect.JsonText("t.terms")} FROM ledger_transaction t WHERE {where} ORDER BY t.seq LIMIT @limit",
            [.. parameters, ("limit", Math.Clamp(limit, 1, 10_000))]))
        {
            heads = await ListAsync(command, r => (r.GetInt64(0), Dialect.ReadInstant(r, 1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? (long?)null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
        }

        if (heads.Count == 0)
        {
            return [];
        }

        var postings = new Dictionary<long, List<LedgerPosting>>();
        await using (var lines = Command(connection, tx,
            "SELECT tx_seq, account_id, amount FROM ledger_posting WHERE tx_seq >= @lo AND tx_seq <= @hi ORDER BY tx_seq, n",
            ("lo", heads[0].Seq), ("hi", heads[^1].Seq)))
        {
            var wanted = heads.Select(h => h.Seq).ToHashSet();
            await using var reader = await lines.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var seq = reader.GetInt64(0);
                if (wanted.Contains(seq))
                {
                    (postings.TryGetValue(seq, out var list) ? list : postings[seq] = []).Add(new LedgerPosting(reader.GetString(1), reader.GetInt64(2)));
                }
            }
        }

        return [.. heads.Select(h => new LedgerTransaction(h.Seq, h.At, h.Actor, h.Type, h.Memo, h.Case, h.Reverses,
            h.Terms is null ? null : JsonNode.Parse(h.Terms) as JsonObject, postings.GetValueOrDefault(h.Seq) ?? []))];
    }

    public Task<IReadOnlyList<LedgerHold>> PlaceHoldsAsync(IReadOnlyList<HoldRequest> holds, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync("placing ledger holds", (connection, tx) => PlaceHoldsInAsync(connection, tx, holds, ct), _ => audit, ct);

    private async Task<IReadOnlyList<LedgerHold>> PlaceHoldsInAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<HoldRequest> holds, CancellationToken ct)
    {
        var accounts = await LockAccountsAsync(connection, tx, holds.Select(h => h.Account), ct);
        var placed = new List<LedgerHold>();
        var at = DateTimeOffset.UtcNow;
        foreach (var hold in holds.OrderBy(h => h.Account, StringComparer.Ordinal))
        {
            LedgerRules.CheckHold(hold, accounts.GetValueOrDefault(hold.Account));
            await using var insert = Command(connection, tx,
                "INSERT INTO ledger_hold (id, account_id, case_id, amount, status, at, note) VALUES (@id, @a, @c, @v, 'open', @at, @n) ON CONFLICT (id) DO NOTHING",
                ("id", hold.Id), ("a", hold.Account), ("c", hold.CaseId), ("v", hold.Amount), ("at", Dialect.Instant(at)), ("n", hold.Note));
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new StoreConflictException($"a hold with id {hold.Id} exists already");
            }

            await using var update = Command(connection, tx,
                "UPDATE ledger_account SET held = held + @v WHERE id = @id AND (may_go_negative = @yes OR balance - held >= @v)",
                ("v", hold.Amount), ("id", hold.Account), ("yes", Dialect.Flag(true)));
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                throw await OverdrawnAsync(connection, tx, hold.Account, hold.Amount, ct);
            }

            placed.Add(new LedgerHold(hold.Id, hold.Account, hold.CaseId, hold.Amount, HoldStatus.Open, at, hold.Note));
        }

        return placed;
    }

    public Task CreateCaseWithHoldsAsync(CaseFile file, IReadOnlyList<HoldRequest> holds, IReadOnlyList<AuditRecord> audit, CancellationToken ct) =>
        WriteAsync($"opening case {file.Id} with its ledger holds", async (connection, tx) =>
        {
            await InsertCaseInAsync(connection, tx, file, ct);
            return await PlaceHoldsInAsync(connection, tx, holds, ct);
        }, _ => audit, ct);

    public Task<(long CaseVersion, LedgerTransaction? Posted)> UpdateCaseWithLedgerAsync(CaseFile file, long expectedVersion, LedgerEntry? post,
        IReadOnlyList<string> release, IReadOnlyList<AuditRecord> audit, Func<LedgerTransaction, IEnumerable<AuditRecord>> postAudit, CancellationToken ct,
        IReadOnlyList<HoldRequest>? place = null) =>
        WriteAsync($"updating case {file.Id} and its ledger entries", async (connection, tx) =>
        {
            // The case first: a second decider racing this one finds the case moved and re-reads before anything is posted.
            var version = await UpdateCaseInAsync(connection, tx, file, expectedVersion, ct);
            if (release.Count > 0)
            {
                var holds = new List<LedgerHold>();
                foreach (var id in release.Distinct(StringComparer.Ordinal))
                {
                    if (await GetHoldInAsync(connection, tx, id, ct) is { Status: HoldStatus.Open } hold)
                    {
                        holds.Add(hold);
                    }
                }

                await LockAccountsAsync(connection, tx, holds.Select(h => h.Account), ct);
                foreach (var hold in holds.OrderBy(h => h.Account, StringComparer.Ordinal))
                {
                    await CloseHoldInAsync(connection, tx, hold, HoldStatus.Released, DateTimeOffset.UtcNow, ct);
                }
            }

            // Released first, so a revision's new holds may use what its old ones reserved.
            if (place is { Count: > 0 })
            {
                await PlaceHoldsInAsync(connection, tx, place, ct);
            }

            var posted = post is null ? null : await PostInAsync(connection, tx, post, ct);
            return (version, posted);
        }, r => r.Item2 is null ? audit : [.. audit, .. postAudit(r.Item2)], ct);

    public Task<IReadOnlyList<LedgerHold>> ReleaseHoldsAsync(IReadOnlyList<string> holdIds, Func<IReadOnlyList<LedgerHold>, IEnumerable<AuditRecord>> audit, CancellationToken ct) =>
        WriteAsync("releasing ledger holds", async (connection, tx) =>
        {
            var found = new List<LedgerHold>();
            foreach (var id in holdIds.Distinct(StringComparer.Ordinal))
            {
                if (await GetHoldInAsync(connection, tx, id, ct) is { Status: HoldStatus.Open } hold)
                {
                    found.Add(hold);
                }
            }

            await LockAccountsAsync(connection, tx, found.Select(h => h.Account), ct);
            var at = DateTimeOffset.UtcNow;
            var released = new List<LedgerHold>();
            foreach (var hold in found.OrderBy(h => h.Account, StringComparer.Ordinal))
            {
                if (await CloseHoldInAsync(connection, tx, hold, HoldStatus.Released, at, ct))
                {
                    released.Add(hold with { Status = HoldStatus.Released });
                }
            }

            return (IReadOnlyList<LedgerHold>)released;
        }, r => r.Count > 0 ? audit(r) : [], ct);

    /// <summary>Closes an open hold and gives its amount back to the account; false if another writer closed it first.</summary>
    private async Task<bool> CloseHoldInAsync(DbConnection connection, DbTransaction tx, LedgerHold hold, HoldStatus status, DateTimeOffset at, CancellationToken ct)
    {
        await using var close = Command(connection, tx, "UPDATE ledger_hold SET status = @s, closed_at = @at WHERE id = @id AND status = 'open'",
            ("s", status.ToString().ToLowerInvariant()), ("at", Dialect.Instant(at)), ("id", hold.Id));
        if (await close.ExecuteNonQueryAsync(ct) == 0)
        {
            if (status == HoldStatus.Settled)
            {
                throw new LedgerRuleException($"hold {hold.Id} is no longer open");
            }

            return false;
        }

        await using var update = Command(connection, tx, "UPDATE ledger_account SET held = held - @v WHERE id = @id", ("v", hold.Amount), ("id", hold.Account));
        await update.ExecuteNonQueryAsync(ct);
        return true;
    }

    private const string LedgerHoldColumns = "id, account_id, case_id, amount, status, at, note";

    private LedgerHold ReadLedgerHold(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
        Enum.Parse<HoldStatus>(r.GetString(4), ignoreCase: true), Dialect.ReadInstant(r, 5), r.IsDBNull(6) ? null : r.GetString(6));

    private async Task<LedgerHold?> GetHoldInAsync(DbConnection connection, DbTransaction tx, string id, CancellationToken ct)
    {
        await using var command = Command(connection, tx, $"SELECT {LedgerHoldColumns} FROM ledger_hold WHERE id = @id", ("id", id));
        return (await ListAsync(command, ReadLedgerHold, ct)).FirstOrDefault();
    }

    public Task<IReadOnlyList<LedgerHold>> ListHoldsAsync(string? caseId, CancellationToken ct) => ReadAsync("ledger holds", async connection =>
    {
        await using var command = caseId is null
            ? Command(connection, null, $"SELECT {LedgerHoldColumns} FROM ledger_hold WHERE status = 'open' ORDER BY {Dialect.ByteOrder("id")}")
            : Command(connection, null, $"SELECT {LedgerHoldColumns} FROM ledger_hold WHERE case_id = @c ORDER BY {Dialect.ByteOrder("id")}", ("c", caseId));
        return (IReadOnlyList<LedgerHold>)await ListAsync(command, ReadLedgerHold, ct);
    }, ct);
}
