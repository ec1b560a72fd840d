using System.Text.Json.Nodes;

namespace Metrocircle.Core.Ledger;

/// <summary>What an account stands for. Only <see cref="Jurisdiction"/> accounts belong to a government.</summary>
public enum LedgerRole
{
    /// <summary>A jurisdiction's quota or credits of one kind in one period.</summary>
    Jurisdiction,

    /// <summary>The region's unallocated total of a kind in a period.</summary>
    Pool,

    /// <summary>The counterpart of every grant: minus everything ever granted to the region (the only account always below zero).</summary>
    Grant,

    /// <summary>What approved projects have consumed.</summary>
    Used,
}

public static class LedgerLimits
{
    /// <summary>The largest amount of one posting or total, in m² (a million km², far beyond any region).</summary>
    public const long MaxAmount = 1_000_000_000_000;
}

/// <summary>An account: one owner, kind and period. Its id is <c>kind/period/owner</c>, owner a jurisdiction id or <c>@pool</c>, <c>@grant</c>, <c>@used</c>.</summary>
public sealed record LedgerAccount(string Id, string Kind, string Period, LedgerRole Role, string? Jurisdiction, bool MayGoNegative)
{
    public static string IdOf(string kind, string period, string owner) => $"{kind}/{period}/{owner}";

    public static string Owner(LedgerRole role, string? jurisdiction) => role switch
    {
        LedgerRole.Jurisdiction => jurisdiction ?? throw new ArgumentNullException(nameof(jurisdiction)),
        _ => "@" + RoleName(role),
    };

    public static LedgerAccount For(string kind, string period, LedgerRole role, string? jurisdiction, bool mayGoNegative) =>
        new(IdOf(kind, period, Owner(role, jurisdiction)), kind, period, role, role == LedgerRole.Jurisdiction ? jurisdiction : null,
            role == LedgerRole.Grant || mayGoNegative);

    public static string RoleName(LedgerRole role) => role.ToString().ToLowerInvariant();

    public static LedgerRole ParseRole(string text) => Enum.Parse<LedgerRole>(text, ignoreCase: true);
}

/// <summary>An account's balance (postings), what open holds reserve of it, and what is left to spend.</summary>
public sealed record LedgerBalance(LedgerAccount Account, long Balance, long Held)
{
    public long Available => Balance - Held;
}

/// <summary>One line of a transaction: a positive amount credits the account, a negative one debits it.</summary>
public sealed record LedgerPosting(string Account, long Amount);

/// <summary>
/// A movement to write: postings summing to zero per kind and period, who and why, and the holds it settles (each
/// hold is released in the same write, so the amount it reserved becomes spendable by the posting that consumes it).
/// </summary>
public sealed record LedgerEntry(
    string Actor,
    string Type,
    string Memo,
    IReadOnlyList<LedgerPosting> Postings,
    string? CaseId = null,
    long? Reverses = null,
    IReadOnlyList<string>? SettlesHolds = null,
    JsonObject? Terms = null);

/// <summary>A written transaction, numbered in the order written; never changed.</summary>
public sealed record LedgerTransaction(
    long Seq,
    DateTimeOffset At,
    string Actor,
    string Type,
    string Memo,
    string? CaseId,
    long? Reverses,
    JsonObject? Terms,
    IReadOnlyList<LedgerPosting> Postings);

public enum HoldStatus
{
    Open,
    Released,
    Settled,
}

/// <summary>An amount reserved against an account for a case; it counts against the account's available balance while open.</summary>
public sealed record LedgerHold(string Id, string Account, string CaseId, long Amount, HoldStatus Status, DateTimeOffset At, string? Note = null);

/// <summary>A hold to place.</summary>
public sealed record HoldRequest(string Id, string Account, string CaseId, long Amount, string? Note = null);

/// <summary>Which balances to read; every filter that is set must hold. <see cref="AsOf"/>: postings of transactions on or before that day (UTC); holds are then not counted.</summary>
public sealed record LedgerQuery(string? Jurisdiction = null, string? Kind = null, string? Period = null, DateOnly? AsOf = null, string? Account = null);

/// <summary>A write refused because an account would go below zero or below its holds; nothing was written.</summary>
public sealed class LedgerOverdrawnException(string account, long available, long needed)
    : Exception($"account {account} has {available} m² available, {needed} m² are needed; nothing was written")
{
    public string Account { get; } = account;

    public long Available { get; } = available;

    public long Needed { get; } = needed;
}

/// <summary>A write refused because it names what is not there or breaks a rule of the ledger (unbalanced, unknown account, …); nothing was written.</summary>
public sealed class LedgerRuleException(string message) : Exception(message);
