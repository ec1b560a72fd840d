using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;

namespace Metrocircle.Core.Storage;

/// <summary>The same (kind, key) exists already, or a version check failed: the caller's view is stale.</summary>
public sealed class StoreConflictException(string message) : Exception(message);

/// <summary>
/// Accounts and sessions. Every change carries the audit entry that records it; the store appends it in the same
/// transaction, so an account never changes without its audit entry and vice versa.
/// </summary>
public interface IAccountStore
{
    Task<long> CountAccountsAsync(CancellationToken ct);

    Task<Account?> GetAccountAsync(string userName, CancellationToken ct);

    Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct);

    /// <summary>Adds an account; an existing user name is refused with <see cref="StoreConflictException"/>.</summary>
    Task AddAccountAsync(Account account, AuditRecord audit, CancellationToken ct);

    /// <summary>
    /// Writes the fields in which <paramref name="changed"/> differs from <paramref name="read"/>, only if the stored
    /// account still has the password, flags and role that were read; otherwise (or when the name is unknown) nothing is
    /// written and <see cref="StoreConflictException"/> says which. With <paramref name="revokeSessions"/> every
    /// session of it ends in the same transaction (disable, password change).
    /// </summary>
    Task UpdateAccountAsync(Account read, Account changed, bool revokeSessions, AuditRecord audit, CancellationToken ct);

    /// <summary>Starts a session; <paramref name="audit"/> records the sign-in.</summary>
    Task AddSessionAsync(Session session, AuditRecord audit, CancellationToken ct);

    /// <summary>The session with this token hash and its account, expired or not (the caller tells the two apart); null when unknown or revoked.</summary>
    Task<(Session Session, Account Account)?> FindSessionAsync(string tokenHash, CancellationToken ct);

    Task RevokeSessionAsync(string tokenHash, AuditRecord audit, CancellationToken ct);
}
