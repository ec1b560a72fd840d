using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Metrocircle.Web.Infrastructure;

/// <summary>
/// Rate-limiting policies per client address (ASP.NET Core's rate limiter). An endpoint opts in with
/// <c>.RequireRateLimiting(RateLimits.AnonymousWrite)</c>; the limits are <see cref="SecuritySettings"/>. The client
/// address is the one the trusted proxy forwarded (<see cref="TrustedProxies"/>), else the connection's.
/// </summary>
public static class RateLimits
{
    /// <summary><c>POST /auth/sign-in</c>: attempts per client address, whatever names they try (the per-name lockout is <c>SignInThrottle</c>).</summary>
    public const string SignIn = "sign-in";

    /// <summary>Writes anyone may make without an account (public comments): per client address; signed-in callers are not limited by it.</summary>
    public const string AnonymousWrite = "anonymous-write";

    internal static void Add(IServiceCollection services, SecuritySettings settings)
    {
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignIn, context => PerAddress(context, settings.SignInPermits, settings.RateWindow));
            options.AddPolicy(AnonymousWrite, context => context.User.Identity?.IsAuthenticated == true
                ? RateLimitPartition.GetNoLimiter("signed-in")
                : PerAddress(context, settings.AnonymousWritePermits, settings.RateWindow));
            options.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : settings.RateWindow;
                var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem($"Too many requests from {ClientKey(context)} to {context.Request.Path}; try again in {seconds} s.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context);
            };
        });
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });

    /// <summary>
    /// Who is counted: an IPv4 address, or the /64 of an IPv6 address (one subscriber usually holds a whole /64, so
    /// counting single IPv6 addresses would let one caller take 2^64 allowances).
    /// </summary>
    internal static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "an unknown address",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => new IPNetwork(Prefix64(v6), 64).ToString(),
        var v4 => v4.ToString(),
    };

    private static IPAddress Prefix64(IPAddress v6)
    {
        var bytes = v6.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
