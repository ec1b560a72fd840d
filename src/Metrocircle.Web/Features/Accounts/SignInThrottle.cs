using System.Collections.Concurrent;

namespace Metrocircle.Web.Features.Accounts;

/// <summary>
/// Slows password guessing: at most <see cref="MaxFailures"/> password verifications per user name within
/// <see cref="Window"/> that did not succeed. An attempt is reserved before its password is verified, under one
/// lock, so N parallel wrong sign-ins for one name verify at most <see cref="MaxFailures"/> passwords and the rest are
/// refused at once; a success releases the name. Per process; a cluster behind a load balancer multiplies the
/// allowance by its size, which still bounds guessing.
/// </summary>
internal sealed class SignInThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Past this many names, names whose attempts have all left the window are forgotten.</summary>
    private const int PruneAbove = 100_000;

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _attempts = new(StringComparer.Ordinal);

    /// <summary>
    /// Reserves one attempt for the name: true when its password may now be verified, false (with the time it may
    /// try again) when <see cref="MaxFailures"/> attempts within the window have not succeeded.
    /// </summary>
    public bool TryReserve(string userName, out DateTimeOffset blockedUntil)
    {
        if (_attempts.Count > PruneAbove)
        {
            Prune();
        }

        var list = _attempts.GetOrAdd(userName, _ => []);
        lock (list)
        {
            var now = time.GetUtcNow();
            list.RemoveAll(t => now - t > Window);
            if (list.Count >= MaxFailures)
            {
                blockedUntil = list[0] + Window;
                return false;
            }

            list.Add(now);
            blockedUntil = default;
            return true;
        }
    }

    /// <summary>The reserved attempt verified: the name starts afresh.</summary>
    public void Succeeded(string userName)
    {
        if (_attempts.TryGetValue(userName, out var list))
        {
            lock (list)
            {
                list.Clear();
            }
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (name, list) in _attempts)
        {
            lock (list)
            {
                if (list.TrueForAll(t => now - t > Window))
                {
                    _attempts.TryRemove(new KeyValuePair<string, List<DateTimeOffset>>(name, list));
                }
            }
        }
    }
}
