using System.Net;
using System.Net.Http.Json;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>
/// Issue 11: X-Forwarded-For and X-Forwarded-Proto count only from the proxies the settings list: then the rate limiter
/// sees the client behind nginx, the session cookie is Secure when the client came over HTTPS, and HTTPS answers carry HSTS.
/// </summary>
public sealed class TrustedProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A cookie sign-in as nginx would forward it; Host is a public name, since HSTS is never sent for localhost.</summary>
    private static async Task<HttpResponseMessage> CookieSignInAsync(LightServer server, string? proto)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/sign-in")
        {
            Content = JsonContent.Create(new { userName = TestAccounts.Proponent, password = TestAccounts.Password, cookie = true }),
        };
        request.Headers.Host = "metrocircle.example";
        request.Headers.Add("X-Forwarded-For", "203.0.113.50");
        if (proto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", proto);
        }

        var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("metrocircle_session=", StringComparison.Ordinal));

    private static bool IsSecure(string cookie) => cookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task issue_11_behind_a_trusted_proxy_an_https_sign_in_gets_a_secure_cookie_and_hsts()
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default with { KnownProxies = [IPAddress.Loopback] });

        using var https = await CookieSignInAsync(server, "https");
        Assert.True(IsSecure(SessionCookie(https)), SessionCookie(https));
        Assert.StartsWith("max-age=", Assert.Single(https.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);

        // Plain HTTP (development, or a proxy without TLS): no Secure flag, no HSTS.
        using var http = await CookieSignInAsync(server, "http");
        Assert.False(IsSecure(SessionCookie(http)));
        Assert.False(http.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task issue_11_forwarded_headers_from_a_peer_that_is_not_a_listed_proxy_are_ignored()
    {
        // The host trusts only 10.0.0.5; the test client (127.0.0.1) claims HTTPS and other addresses in vain.
        await using var server = await LightServer.StartAsync(SecuritySettings.Default with { KnownProxies = [IPAddress.Parse("10.0.0.5")], SignInPermits = 3 });

        using var https = await CookieSignInAsync(server, "https");
        Assert.False(IsSecure(SessionCookie(https)));
        Assert.False(https.Headers.Contains("Strict-Transport-Security"));

        using var client = server.Client();
        for (var i = 0; i < 2; i++)
        {
            (await RateLimitTests.SignInFromAsync(client, $"198.51.100.{i + 1}")).Dispose();
        }

        // Three sign-ins so far from 127.0.0.1, whatever X-Forwarded-For said; the fourth is over the limit.
        using var fourth = await RateLimitTests.SignInFromAsync(client, "198.51.100.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
    }

    [Fact]
    public async Task by_default_not_even_loopback_is_a_trusted_proxy()
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default);

        using var https = await CookieSignInAsync(server, "https");

        Assert.False(IsSecure(SessionCookie(https)));
    }
}
