using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Ledger;

/// <summary>What <see cref="LedgerVerifier"/> found: null <see cref="FirstBreak"/> when every check held.</summary>
public sealed record LedgerVerification(long Transactions, long Postings, int Accounts, string? FirstBreak);

/// <summary>
/// Re-adds every posting, transaction by transaction in order, and checks that each transaction sums to zero per kind
/// and period, that no account that may not go negative ever did, that the stored balances equal their postings,
/// that open holds add up to what the accounts say is held, and that every kind and period sums to zero (totals conserved).
/// </summary>
public sealed class LedgerVerifier
{
    private readonly Dictionary<string, LedgerAccount> _accounts;
    private readonly Dictionary<string, long> _sums = new(StringComparer.Ordinal);
    private long _transactions;
    private long _postings;
    private string? _break;

    public LedgerVerifier(IEnumerable<LedgerAccount> accounts) => _accounts = accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);

    public string? FirstBreak => _break;

    /// <summary>Verifies a whole store: every transaction in order, page by page, then its balances and open holds.</summary>
    public static async Task<LedgerVerification> VerifyAsync(ILedgerStore store, CancellationToken ct)
    {
        var verifier = new LedgerVerifier(await store.ListLedgerAccountsAsync(ct));
        long after = 0;
        while (true)
        {
            var page = await store.ListTransactionsAsync(null, after, 5_000, ct);
            foreach (var tx in page)
            {
                if (!verifier.Add(tx))
                {
                    break;
                }
            }

            if (page.Count == 0 || verifier.FirstBreak is not null)
            {
                break;
            }

            after = page[^1].Seq;
        }

        return verifier.Finish(await store.GetBalancesAsync(new LedgerQuery(), ct), await store.ListHoldsAsync(null, ct));
    }

    /// <summary>Adds one transaction (in write order); returns false once a break is found.</summary>
    public bool Add(LedgerTransaction tx)
    {
        if (_break is not null)
        {
            return false;
        }

        _transactions++;
        var perKind = new Dictionary<(string, string), long>();
        foreach (var posting in tx.Postings)
        {
            _postings++;
            if (!_accounts.TryGetValue(posting.Account, out var account))
            {
                return Fail($"transaction {tx.Seq} posts to {posting.Account}, which is not an account");
            }

            perKind[(account.Kind, account.Period)] = perKind.GetValueOrDefault((account.Kind, account.Period)) + posting.Amount;
            _sums[posting.Account] = _sums.GetValueOrDefault(posting.Account) + posting.Amount;
        }

        foreach (var ((kind, period), sum) in perKind.Where(s => s.Value != 0))
        {
            return Fail($"transaction {tx.Seq} does not sum to zero: its postings of {kind} in {period} sum to {sum} m²");
        }

        if (tx.Postings.Count == 0)
        {
            return Fail($"transaction {tx.Seq} has no postings");
        }

        foreach (var posting in tx.Postings)
        {
            var account = _accounts[posting.Account];
            if (!account.MayGoNegative && _sums[posting.Account] < 0)
            {
                return Fail($"transaction {tx.Seq} takes account {posting.Account}, which may not go negative, to {_sums[posting.Account]} m²");
            }
        }

        return true;
    }

    /// <summary>Compares the sums with the stored balances and holds; returns the result.</summary>
    public LedgerVerification Finish(IEnumerable<LedgerBalance> stored, IEnumerable<LedgerHold> openHolds)
    {
        if (_break is null)
        {
            var held = openHolds.GroupBy(h => h.Account).ToDictionary(g => g.Key, g => g.Sum(h => h.Amount));
            foreach (var balance in stored.OrderBy(b => b.Account.Id, StringComparer.Ordinal))
            {
                var sum = _sums.GetValueOrDefault(balance.Account.Id);
                if (balance.Balance != sum)
                {
                    Fail($"account {balance.Account.Id} has balance {balance.Balance} m² but its postings sum to {sum} m²");
                    break;
                }

                if (balance.Held != held.GetValueOrDefault(balance.Account.Id))
                {
                    Fail($"account {balance.Account.Id} holds {balance.Held} m² but its open holds add up to {held.GetValueOrDefault(balance.Account.Id)} m²");
                    break;
                }

                if (!balance.Account.MayGoNegative && balance.Available < 0)
                {
                    Fail($"account {balance.Account.Id} has {balance.Available} m² available (balance {balance.Balance}, held {balance.Held})");
                    break;
                }
            }
        }

        if (_break is null)
        {
            foreach (var group in _accounts.Values.GroupBy(a => (a.Kind, a.Period)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Period, StringComparer.Ordinal))
            {
                var total = group.Sum(a => _sums.GetValueOrDefault(a.Id));
                if (total != 0)
                {
                    Fail($"{group.Key.Kind} in {group.Key.Period} is not conserved: its accounts sum to {total} m²");
                    break;
                }
            }
        }

        return new LedgerVerification(_transactions, _postings, _accounts.Count, _break);
    }

    private bool Fail(string message)
    {
        _break ??= message;
        return false;
    }
}
