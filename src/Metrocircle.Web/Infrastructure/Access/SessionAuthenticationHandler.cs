using System.Globalization;
using System.Text.Encodings.Web;
using Metrocircle.Core.Access;
using Metrocircle.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Metrocircle.Web.Infrastructure.Access;

/// <summary>
/// Authenticates a request by its session token, from <c>Authorization: Bearer</c> (API, CLI) or the session cookie
/// (web page), looked up in the store on every request so that sign-out, disabling and password resets take effect
/// at once. Challenges and refusals answer in problem+json saying why.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IAccountStore accounts, TimeProvider time,
    Plan.JurisdictionCache jurisdictions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "metrocircle";

    /// <summary>Paths a session with a one-time password may use: it must set its own password first.</summary>
    private static readonly string[] OneTimePasswordPaths = ["/auth/password", "/auth/me", "/auth/sign-out"];

    private const string FailureKey = "metrocircle:auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var kind = Session.Bearer;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Cookies.TryGetValue(SessionTokens.CookieName, out var cookie))
        {
            token = cookie;
            kind = Session.Cookie;
        }

        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var found = await accounts.FindSessionAsync(SessionTokens.Hash(token), Context.RequestAborted);
        if (found is not { } f)
        {
            return Fail(kind == Session.Cookie ? "the session cookie is unknown or was signed out; sign in again" : "the bearer token is unknown or was revoked; sign in again");
        }

        if (f.Session.ExpiresAt <= time.GetUtcNow())
        {
            return Fail($"the {(kind == Session.Cookie ? "session" : "bearer token")} expired at {f.Session.ExpiresAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}; sign in again");
        }

        if (f.Account.Disabled)
        {
            return Fail($"the account {f.Account.UserName} is disabled");
        }

        if (f.Account.MustChangePassword && !OneTimePasswordPaths.Contains(Request.Path.Value, StringComparer.Ordinal))
        {
            return Fail($"the account {f.Account.UserName} signed in with a one-time password; set a new password with POST /auth/password first");
        }

        // An account bound to a jurisdiction's former id (before ids were codes) acts for the current id.
        var actor = f.Account.ToActor();
        if (actor.Jurisdiction is { } bound)
        {
            actor = actor with { Jurisdiction = (await jurisdictions.GetAsync(Context.RequestAborted)).Resolve(bound) };
        }

        var principal = ActorClaims.ToPrincipal(actor, SchemeName, f.Session.TokenHash);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private AuthenticateResult Fail(string why)
    {
        Context.Items[FailureKey] = why;
        return AuthenticateResult.Fail(why);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var why = Context.Items[FailureKey] as string ?? "this needs a signed-in account: sign in (POST /auth/sign-in) and send the session cookie or an Authorization: Bearer token";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Bearer realm=\"metrocircle\", error=\"invalid_token\", error_description=\"{why.Replace('"', '\'')}\"";
        await Results.Problem(why, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var actor = Context.User.ToActor();
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem($"{actor.Name} ({(actor.Role is { } r ? Roles.Name(r) : "no role")}) may not {Request.Method} {Request.Path}: the role does not allow it.",
            statusCode: StatusCodes.Status403Forbidden, title: "Not allowed").ExecuteAsync(Context);
    }
}
