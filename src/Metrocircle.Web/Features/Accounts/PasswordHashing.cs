using Metrocircle.Core.Access;

namespace Metrocircle.Web.Features.Accounts;

/// <summary>
/// Password verification is deliberately slow (PBKDF2, hundreds of thousands of rounds), so a flood of sign-ins could
/// take every core. At most one verification per core runs at once; a bounded number wait for a turn, and beyond that
/// a sign-in is refused at once (429) instead of queueing without end.
/// </summary>
public sealed class PasswordHashing
{
    public const int MaxWaiting = 64;

    private readonly SemaphoreSlim _cores = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private int _waiting;

    /// <summary>Whether the password matches the hash; null when too many verifications are already waiting.</summary>
    public async Task<bool?> VerifyAsync(string password, string hash, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }

        try
        {
            await _cores.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            return PasswordHasher.Verify(password, hash);
        }
        finally
        {
            _cores.Release();
        }
    }
}
