using System.Collections.Concurrent;

namespace Metrocircle.Web.Features.Accounts;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed sign-ins for one user name within
/// <see cref="Window"/>, that name is refused until the window has passed. Per process; a cluster behind a load
/// balancer multiplies the allowance by its size, which still bounds guessing.
/// </summary>
internal sealed class SignInThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>When the name may try again, or null when it may now.</summary>
    public DateTimeOffset? BlockedUntil(string userName)
    {
        if (!_failures.TryGetValue(userName, out var list))
        {
            return null;
        }

        lock (list)
        {
            var now = time.GetUtcNow();
            list.RemoveAll(t => now - t > Window);
            return list.Count >= MaxFailures ? list[0] + Window : null;
        }
    }

    public void Failed(string userName)
    {
        var list = _failures.GetOrAdd(userName, _ => []);
        lock (list)
        {
            list.Add(time.GetUtcNow());
        }
    }

    public void Succeeded(string userName) => _failures.TryRemove(userName, out _);
}
