using Metrocircle.Core.Audit;

namespace Metrocircle.Core.Storage;

/// <summary>
/// The append-only, hash-chained audit log. Appends are serialised by the store, so the chain has no forks even
/// when several instances write at once.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends an entry after the newest one; <paramref name="details"/> is JSON text kept byte for byte.</summary>
    Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string details, CancellationToken ct);

    /// <summary>
    /// How many entries of <paramref name="action"/> by <paramref name="actor"/> were appended at or after
    /// <paramref name="since"/>, counting no further than <paramref name="atMost"/> (a quota needs to know only whether
    /// it is reached, and counting every entry made a request's cost grow with the account's day).
    /// </summary>
    Task<long> CountAuditAsync(string actor, string action, DateTimeOffset since, long atMost, CancellationToken ct);

    /// <summary>Every entry in sequence order.</summary>
    IAsyncEnumerable<AuditEntry> ReadAuditAsync(CancellationToken ct);
}
