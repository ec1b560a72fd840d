using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;

namespace Metrocircle.Core.Storage;

/// <summary>
/// The land ledger: accounts whose balances are kept on write, transactions of postings that are never changed, and
/// holds. Every write is one database transaction with its audit entries; a write that would take an account that may
/// not go negative below zero (or below what its holds reserve) is refused with <see cref="LedgerOverdrawnException"/>,
/// one that breaks a rule with <see cref="LedgerRuleException"/>, and writes nothing. Concurrent writers never overspend
/// an account: each balance changes by a guarded update that re-checks it under the row lock.
/// </summary>
public interface ILedgerStore
{
    /// <summary>Creates the accounts and writes the opening entries, unless the ledger has accounts already; true if it did.</summary>
    Task<bool> OpenLedgerAsync(LedgerChart chart, Func<IReadOnlyList<LedgerTransaction>, IEnumerable<AuditRecord>> audit, CancellationToken ct);

    Task<IReadOnlyList<LedgerAccount>> ListLedgerAccountsAsync(CancellationToken ct);

    /// <summary>Balances of the accounts matching the query, by account id; with <see cref="LedgerQuery.AsOf"/> summed from postings up to that day.</summary>
    Task<IReadOnlyList<LedgerBalance>> GetBalancesAsync(LedgerQuery query, CancellationToken ct);

    /// <summary>Writes a transaction (settling its holds first) and returns it.</summary>
    Task<LedgerTransaction> PostAsync(LedgerEntry entry, Func<LedgerTransaction, IEnumerable<AuditRecord>> audit, CancellationToken ct);

    Task<LedgerTransaction?> GetTransactionAsync(long seq, CancellationToken ct);

    /// <summary>Transactions (touching <paramref name="account"/> if given) with a number above <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<LedgerTransaction>> ListTransactionsAsync(string? account, long afterSeq, int limit, CancellationToken ct);

    /// <summary>Places all the holds or none.</summary>
    Task<IReadOnlyList<LedgerHold>> PlaceHoldsAsync(IReadOnlyList<HoldRequest> holds, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    /// <summary>Releases the open holds among <paramref name="holdIds"/>; returns those released.</summary>
    Task<IReadOnlyList<LedgerHold>> ReleaseHoldsAsync(IReadOnlyList<string> holdIds, Func<IReadOnlyList<LedgerHold>, IEnumerable<AuditRecord>> audit, CancellationToken ct);

    /// <summary>Holds of a case (all statuses), or every open hold when <paramref name="caseId"/> is null.</summary>
    Task<IReadOnlyList<LedgerHold>> ListHoldsAsync(string? caseId, CancellationToken ct);

    /// <summary>Opens a case and places its holds in one transaction: all of it, or (when a hold cannot be covered) none.</summary>
    Task CreateCaseWithHoldsAsync(CaseFile file, IReadOnlyList<HoldRequest> holds, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    /// <summary>
    /// Writes a case under the version read (else <see cref="StoreConflictException"/>), releases the open holds among
    /// <paramref name="release"/>, places <paramref name="place"/> (all or none; a revision's new holds) and posts
    /// <paramref name="post"/>, all in one transaction.
    /// </summary>
    Task<(long CaseVersion, LedgerTransaction? Posted)> UpdateCaseWithLedgerAsync(CaseFile file, long expectedVersion, LedgerEntry? post,
        IReadOnlyList<string> release, IReadOnlyList<AuditRecord> audit, Func<LedgerTransaction, IEnumerable<AuditRecord>> postAudit, CancellationToken ct,
        IReadOnlyList<HoldRequest>? place = null);
}
