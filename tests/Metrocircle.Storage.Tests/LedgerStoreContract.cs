using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>The land ledger: the behaviour every engine must show, on a fresh store each (issue 13).</summary>
public abstract partial class LedgerStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    /// <summary>Runs raw SQL against the store behind its back (to corrupt it on purpose).</summary>
    protected abstract Task TamperAsync(IPlanStore store, string sql);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Jurisdictions of a made-up plan: the ledger never reads ids from anywhere but the plan it is given.
    internal const string A = "j-a", B = "j-b", C = "j-c";
    internal const string Quota = "quota", Debt = "debt", Period = "p1";

    internal static string Acct(string kind, string owner) => LedgerAccount.IdOf(kind, Period, owner);

    /// <summary>Two kinds (one that may go negative), one period, three jurisdictions weighted 5:3:2, 10% kept in the pool.</summary>
    internal static LedgerChart Chart(long quotaTotal = 1_000_000, long debtTotal = 0)
    {
        var settings = new LedgerSettings(
            [
                new LedgerKind(Quota, "Quota", null, false, null, null, new Dictionary<string, long> { [Period] = quotaTotal }),
                new LedgerKind(Debt, "Debt", null, true, null, null, new Dictionary<string, long> { [Period] = debtTotal }),
            ],
            [new LedgerPeriod(Period, "Period one", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31))],
            new LedgerOpeningRule("counties", "areaKm2", 0.1, true));
        PlanFeature J(string id, double area) => new("counties", id, null, new JsonObject { ["areaKm2"] = area }, new Provenance("test", Certainty.Synthetic, null));
        return LedgerOpening.Build(settings, [J(A, 5), J(B, 3), J(C, 2)], "system");
    }

    private async Task<IPlanStore> OpenedAsync(long quotaTotal = 1_000_000)
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        Assert.True(await ((ILedgerStore)store).OpenLedgerAsync(Chart(quotaTotal), Opened, Ct));
        return store;
    }

    internal static IEnumerable<AuditRecord> Opened(IReadOnlyList<LedgerTransaction> txs) =>
        txs.Select(t => new AuditRecord("system", "ledger.opened", "ledger-tx/" + t.Seq, "{}"));

    internal static IEnumerable<AuditRecord> Posted(LedgerTransaction t) => [new AuditRecord(t.Actor, "ledger." + t.Type, "ledger-tx/" + t.Seq, "{}")];

    internal static LedgerEntry Transfer(string from, string to, long amount, string kind = Quota) =>
        new("tester", "transfer", $"{from} to {to}", [new LedgerPosting(Acct(kind, from), -amount), new LedgerPosting(Acct(kind, to), amount)]);

    private static async Task<long> AvailableAsync(ILedgerStore store, string account) =>
        (await store.GetBalancesAsync(new LedgerQuery(Account: account), Ct)).Single().Available;

    private static async Task<List<AuditEntry>> AuditOf(IPlanStore store)
    {
        var entries = new List<AuditEntry>();
        await foreach (var e in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            entries.Add(e);
        }

        return entries;
    }

    [Fact]
    public async Task opening_splits_the_total_by_weight_keeps_the_rest_in_the_pool_and_happens_once()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        var balances = (await ledger.GetBalancesAsync(new LedgerQuery(Kind: Quota), Ct)).ToDictionary(b => b.Account.Id, b => b.Balance);
        Assert.Equal(450_000, balances[Acct(Quota, A)]);
        Assert.Equal(270_000, balances[Acct(Quota, B)]);
        Assert.Equal(180_000, balances[Acct(Quota, C)]);
        Assert.Equal(100_000, balances[Acct(Quota, "@pool")]);
        Assert.Equal(-1_000_000, balances[Acct(Quota, "@grant")]);
        Assert.Equal(0, balances[Acct(Quota, "@used")]);
        Assert.False(await ledger.OpenLedgerAsync(Chart(), Opened, Ct));
        Assert.Single(await ledger.ListTransactionsAsync(null, 0, 100, Ct));
        Assert.Equal(["ledger.opened"], (await AuditOf(store)).Select(e => e.Action));
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
    }

    [Fact]
    public async Task a_transfer_moves_the_amount_and_is_audited_in_the_same_write()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        var tx = await ledger.PostAsync(Transfer(A, B, 50_000) with { Terms = new JsonObject { ["priceYuan"] = 1_200_000 } }, Posted, Ct);
        Assert.Equal(400_000, await AvailableAsync(ledger, Acct(Quota, A)));
        Assert.Equal(320_000, await AvailableAsync(ledger, Acct(Quota, B)));
        var read = await ledger.GetTransactionAsync(tx.Seq, Ct);
        Assert.Equal([(Acct(Quota, A), -50_000L), (Acct(Quota, B), 50_000L)], read!.Postings.Select(p => (p.Account, p.Amount)));
        Assert.Equal(1_200_000, read.Terms!["priceYuan"]!.GetValue<long>());
        Assert.Equal("ledger.transfer", (await AuditOf(store))[^1].Action);
        Assert.Equal([tx.Seq], (await ledger.ListTransactionsAsync(Acct(Quota, B), 1, 10, Ct)).Select(t => t.Seq));
        Assert.Empty(await ledger.ListTransactionsAsync(Acct(Quota, C), 1, 10, Ct));
    }

    [Fact]
    public async Task an_overspending_transfer_is_refused_with_the_available_balance_and_writes_nothing()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        var auditBefore = (await AuditOf(store)).Count;
        var e = await Assert.ThrowsAsync<LedgerOverdrawnException>(() => ledger.PostAsync(Transfer(C, A, 180_001), Posted, Ct));
        Assert.Equal((Acct(Quota, C), 180_000L, 180_001L), (e.Account, e.Available, e.Needed));
        Assert.Equal(180_000, await AvailableAsync(ledger, Acct(Quota, C)));
        Assert.Equal(450_000, await AvailableAsync(ledger, Acct(Quota, A)));
        Assert.Single(await ledger.ListTransactionsAsync(null, 0, 100, Ct));
        Assert.Equal(auditBefore, (await AuditOf(store)).Count);
    }

    [Fact]
    public async Task a_kind_that_may_go_negative_goes_below_zero_and_the_grant_always_may()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        await ledger.PostAsync(Transfer(A, B, 700, Debt), Posted, Ct);
        Assert.Equal(-700, await AvailableAsync(ledger, Acct(Debt, A)));
        await ledger.PostAsync(new LedgerEntry("tester", "grant", "top-up", [new(Acct(Quota, "@grant"), -5), new(Acct(Quota, "@pool"), 5)]), Posted, Ct);
        Assert.Equal(-1_000_005, await AvailableAsync(ledger, Acct(Quota, "@grant")));
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
    }

    [Theory]
    [InlineData("unbalanced", "sum to 1 m², not zero")]
    [InlineData("unknown", "there is no account quota/p1/nowhere")]
    [InlineData("zero", "must be a non-zero whole number")]
    [InlineData("twice", "is posted twice")]
    [InlineData("kinds", "sum to -10 m², not zero")]
    public async Task a_transaction_that_breaks_a_rule_is_refused_by_name_and_writes_nothing(string what, string message)
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        LedgerPosting P(string kind, string owner, long amount) => new(Acct(kind, owner), amount);
        LedgerPosting[] postings = what switch
        {
            "unbalanced" => [P(Quota, A, -10), P(Quota, B, 11)],
            "unknown" => [P(Quota, A, -10), P(Quota, "nowhere", 10)],
            "zero" => [P(Quota, A, 0), P(Quota, B, 0)],
            "twice" => [P(Quota, A, -10), P(Quota, A, 10)],
            _ => [P(Quota, A, -10), P(Debt, B, 10)],
        };
        var e = await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PostAsync(new LedgerEntry("tester", "transfer", "bad", postings), Posted, Ct));
        Assert.Contains(message, e.Message);
        Assert.Single(await ledger.ListTransactionsAsync(null, 0, 100, Ct));
        Assert.Equal(450_000, await AvailableAsync(ledger, Acct(Quota, A)));
    }

    [Fact]
    public async Task a_hold_reserves_part_of_the_balance_until_it_is_released_or_settled()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        await ledger.PlaceHoldsAsync([new HoldRequest("h1", Acct(Quota, C), "case-1", 100_000), new HoldRequest("h2", Acct(Quota, A), "case-1", 1)], [], Ct);
        Assert.Equal(80_000, await AvailableAsync(ledger, Acct(Quota, C)));
        await Assert.ThrowsAsync<LedgerOverdrawnException>(() => ledger.PostAsync(Transfer(C, A, 80_001), Posted, Ct));
        var refused = await Assert.ThrowsAsync<LedgerOverdrawnException>(() =>
            ledger.PlaceHoldsAsync([new HoldRequest("h3", Acct(Quota, A), "case-2", 5), new HoldRequest("h4", Acct(Quota, C), "case-2", 80_001)], [], Ct));
        Assert.Equal(80_000, refused.Available);
        Assert.Equal(449_999, await AvailableAsync(ledger, Acct(Quota, A)));
        Assert.Empty(await ledger.ListHoldsAsync("case-2", Ct));

        var settle = new LedgerEntry("tester", "consumption", "approved", [new(Acct(Quota, C), -100_000), new(Acct(Quota, "@used"), 100_000)], "case-1", SettlesHolds: ["h1"]);
        await ledger.PostAsync(settle, Posted, Ct);
        var c = (await ledger.GetBalancesAsync(new LedgerQuery(Account: Acct(Quota, C)), Ct)).Single();
        Assert.Equal((80_000L, 0L), (c.Balance, c.Held));
        Assert.Equal([HoldStatus.Settled, HoldStatus.Open], (await ledger.ListHoldsAsync("case-1", Ct)).Select(h => h.Status));
        await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PostAsync(settle, Posted, Ct));

        var released = await ledger.ReleaseHoldsAsync(["h1", "h2"], _ => [], Ct);
        Assert.Equal(["h2"], released.Select(h => h.Id));
        Assert.Equal(450_000, await AvailableAsync(ledger, Acct(Quota, A)));
        Assert.Empty(await ledger.ReleaseHoldsAsync(["h2"], _ => [], Ct));
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
    }

    [Fact]
    public async Task a_hold_on_a_system_account_or_of_no_amount_is_refused()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PlaceHoldsAsync([new HoldRequest("h", Acct(Quota, "@pool"), "c", 1)], [], Ct));
        await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PlaceHoldsAsync([new HoldRequest("h", Acct(Quota, A), "c", -1)], [], Ct));
        await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PlaceHoldsAsync([new HoldRequest("h", Acct(Quota, "none"), "c", 1)], [], Ct));
        Assert.Empty(await ledger.ListHoldsAsync(null, Ct));
    }

    [Fact]
    public async Task a_reversal_is_a_new_transaction_and_a_transaction_is_reversed_at_most_once()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        var tx = await ledger.PostAsync(Transfer(A, B, 1_000), Posted, Ct);
        var reversal = await ledger.PostAsync(LedgerRules.Reversal(tx, "tester", "entered twice"), Posted, Ct);
        Assert.Equal(tx.Seq, reversal.Reverses);
        Assert.Equal(450_000, await AvailableAsync(ledger, Acct(Quota, A)));
        Assert.Equal(3, (await ledger.ListTransactionsAsync(null, 0, 100, Ct)).Count);
        var again = await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PostAsync(LedgerRules.Reversal(tx, "tester", "again"), Posted, Ct));
        Assert.Contains("reversed already", again.Message);
        var forged = LedgerRules.Reversal(tx, "tester", "forged") with { Postings = [new(Acct(Quota, A), 2), new(Acct(Quota, B), -2)] };
        await Assert.ThrowsAsync<LedgerRuleException>(() => ledger.PostAsync(forged with { Reverses = reversal.Seq }, Posted, Ct));
    }

    [Fact]
    public async Task balances_as_of_a_day_before_anything_was_written_are_zero_and_as_of_today_are_current()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        await ledger.PostAsync(Transfer(A, B, 1_000), Posted, Ct);
        await ledger.PlaceHoldsAsync([new HoldRequest("h1", Acct(Quota, B), "c", 7)], [], Ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var before = await ledger.GetBalancesAsync(new LedgerQuery(Kind: Quota, AsOf: today.AddDays(-1)), Ct);
        Assert.All(before, b => Assert.Equal((0L, 0L), (b.Balance, b.Held)));
        var now = await ledger.GetBalancesAsync(new LedgerQuery(Kind: Quota), Ct);
        var asOfToday = await ledger.GetBalancesAsync(new LedgerQuery(Kind: Quota, AsOf: today), Ct);
        Assert.Equal(now, asOfToday);
        Assert.Equal(7, asOfToday.Single(b => b.Account.Id == Acct(Quota, B)).Held);
    }

    [Fact]
    public async Task concurrent_transfers_and_holds_draining_one_account_never_overspend_it()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        // C has 180,000 m²: of 24 writers taking 10,000 each, exactly 18 can succeed, whatever the interleaving.
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            try
            {
                if (i % 2 == 0)
                {
                    await ledger.PostAsync(Transfer(C, i % 4 == 0 ? A : B, 10_000), Posted, Ct);
                }
                else
                {
                    await ledger.PlaceHoldsAsync([new HoldRequest("h" + i, Acct(Quota, C), "case-" + i, 10_000)], [], Ct);
                }

                return true;
            }
            catch (LedgerOverdrawnException e)
            {
                Assert.True(e.Available < 10_000);
                return false;
            }
        }));
        Assert.Equal(18, results.Count(r => r));
        var c = (await ledger.GetBalancesAsync(new LedgerQuery(Account: Acct(Quota, C)), Ct)).Single();
        Assert.Equal(0, c.Available);
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
    }

    [Fact]
    public async Task verify_names_a_balance_that_no_longer_equals_its_postings()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        await ledger.PostAsync(Transfer(A, B, 1_000), Posted, Ct);
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
        await TamperAsync(store, $"UPDATE ledger_account SET balance = balance + 1 WHERE id = '{Acct(Quota, B)}'");
        var broken = await LedgerVerifier.VerifyAsync(ledger, Ct);
        Assert.Equal($"account {Acct(Quota, B)} has balance 271001 m² but its postings sum to 271000 m²", broken.FirstBreak);
    }

    [Fact]
    public async Task verify_names_a_posting_that_unbalances_its_transaction()
    {
        await using var store = await OpenedAsync();
        var ledger = (ILedgerStore)store;
        var tx = await ledger.PostAsync(Transfer(A, B, 1_000), Posted, Ct);
        await TamperAsync(store, $"UPDATE ledger_posting SET amount = 999 WHERE tx_seq = {tx.Seq} AND amount = 1000");
        var broken = await LedgerVerifier.VerifyAsync(ledger, Ct);
        Assert.Equal($"transaction {tx.Seq} does not sum to zero: its postings of quota in p1 sum to -1 m²", broken.FirstBreak);
    }
}
