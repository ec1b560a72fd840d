using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>
/// Issue 11: ASP.NET Core's rate limiter per client address. The test client is always 127.0.0.1, so each host here
/// trusts it as a proxy and the client address is the X-Forwarded-For a test sets, as it would be behind nginx.
/// </summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SecuritySettings BehindLoopbackProxy = SecuritySettings.Default with { KnownProxies = [IPAddress.Loopback] };

    /// <summary>A wrong sign-in under a fresh name each time, so the per-name lockout never answers first.</summary>
    internal static async Task<HttpResponseMessage> SignInFromAsync(HttpClient client, string? forwardedFor, string? userName = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/sign-in")
        {
            Content = JsonContent.Create(new { userName = userName ?? "t-who-" + Guid.NewGuid().ToString("N")[..8], password = "not a password of anyone" }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {response.Headers.RetryAfter}");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("Too many requests from ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task issue_11_one_sign_in_past_the_limit_from_one_address_gets_429_and_another_address_is_unaffected()
    {
        await using var server = await LightServer.StartAsync(BehindLoopbackProxy with { SignInPermits = 4 });
        using var client = server.Client();

        for (var i = 0; i < 4; i++)
        {
            using var allowed = await SignInFromAsync(client, "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using (var refused = await SignInFromAsync(client, "203.0.113.7"))
        {
            await AssertTooManyAsync(refused);
        }

        using var other = await SignInFromAsync(client, "198.51.100.9");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);

        // The right password is refused too from the address that used up its allowance: the limit counts requests, not failures.
        using var right = await SignInFromAsync(client, "203.0.113.7", TestAccounts.Proponent);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task addresses_of_one_ipv6_64_share_an_allowance()
    {
        await using var server = await LightServer.StartAsync(BehindLoopbackProxy with { SignInPermits = 2 });
        using var client = server.Client();

        (await SignInFromAsync(client, "2001:db8:1:2::1")).Dispose();
        (await SignInFromAsync(client, "2001:db8:1:2::2")).Dispose();
        using var third = await SignInFromAsync(client, "2001:db8:1:2:ffff::3");

        await AssertTooManyAsync(third);
        using var elsewhere = await SignInFromAsync(client, "2001:db8:1:3::1");
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task issue_11_anonymous_writes_are_limited_per_address_by_the_named_policy_and_signed_in_callers_are_not()
    {
        await using var server = await LightServer.StartAsync(BehindLoopbackProxy with { AnonymousWritePermits = 2 },
            app => app.MapPost("/test/comments", () => TypedResults.NoContent()).AllowAnonymous().RequireRateLimiting(RateLimits.AnonymousWrite));
        using var anonymous = server.Client();
        using var signedIn = server.Client();
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(server.Client(), TestAccounts.Proponent));

        async Task<HttpResponseMessage> Comment(HttpClient client, string from)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/test/comments");
            request.Headers.Add("X-Forwarded-For", from);
            return await client.SendAsync(request, Ct);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Comment(anonymous, "203.0.113.20")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Comment(anonymous, "203.0.113.20")).StatusCode);
        await AssertTooManyAsync(await Comment(anonymous, "203.0.113.20"));
        Assert.Equal(HttpStatusCode.NoContent, (await Comment(anonymous, "203.0.113.21")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await Comment(signedIn, "203.0.113.20")).StatusCode);
        }
    }
}
