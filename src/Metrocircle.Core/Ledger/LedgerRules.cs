namespace Metrocircle.Core.Ledger;

/// <summary>The rules every transaction obeys before any balance is touched: both engines call these inside their write.</summary>
public static class LedgerRules
{
    /// <summary>Throws <see cref="LedgerRuleException"/> naming the first broken rule of <paramref name="entry"/>.</summary>
    public static void Check(LedgerEntry entry, IReadOnlyDictionary<string, LedgerAccount> accounts)
    {
        if (entry.Postings.Count < 2)
        {
            throw new LedgerRuleException("a transaction needs at least two postings");
        }

        if (string.IsNullOrWhiteSpace(entry.Actor) || string.IsNullOrWhiteSpace(entry.Type))
        {
            throw new LedgerRuleException("a transaction needs an actor and a type");
        }

        var sums = new Dictionary<(string Kind, string Period), long>();
        var seen = new HashSet<string>();
        foreach (var (posting, i) in entry.Postings.Select((p, i) => (p, i)))
        {
            if (!accounts.TryGetValue(posting.Account, out var account))
            {
                throw new LedgerRuleException($"posting {i + 1}: there is no account {posting.Account}");
            }

            if (posting.Amount == 0 || Math.Abs(posting.Amount) > LedgerLimits.MaxAmount)
            {
                throw new LedgerRuleException($"posting {i + 1} ({posting.Account}): the amount must be a non-zero whole number of m² up to {LedgerLimits.MaxAmount}");
            }

            if (!seen.Add(posting.Account))
            {
                throw new LedgerRuleException($"posting {i + 1}: account {posting.Account} is posted twice in one transaction");
            }

            var key = (account.Kind, account.Period);
            sums[key] = sums.GetValueOrDefault(key) + posting.Amount;
        }

        foreach (var ((kind, period), sum) in sums.Where(s => s.Value != 0))
        {
            throw new LedgerRuleException($"the postings of {kind} in {period} sum to {sum} m², not zero");
        }
    }

    /// <summary>Throws <see cref="LedgerRuleException"/> if a hold cannot be placed on the account at all (amount, account kind).</summary>
    public static void CheckHold(HoldRequest hold, LedgerAccount? account)
    {
        if (account is null)
        {
            throw new LedgerRuleException($"hold {hold.Id}: there is no account {hold.Account}");
        }

        if (account.Role != LedgerRole.Jurisdiction)
        {
            throw new LedgerRuleException($"hold {hold.Id}: only a jurisdiction's account can be held, not {account.Id}");
        }

        if (hold.Amount <= 0 || hold.Amount > LedgerLimits.MaxAmount)
        {
            throw new LedgerRuleException($"hold {hold.Id}: the amount must be a positive whole number of m² up to {LedgerLimits.MaxAmount}");
        }
    }

    /// <summary>The entry that undoes a transaction: every posting negated.</summary>
    public static LedgerEntry Reversal(LedgerTransaction original, string actor, string memo) =>
        new(actor, "reversal", memo, [.. original.Postings.Select(p => new LedgerPosting(p.Account, -p.Amount))], original.CaseId, original.Seq);
}
