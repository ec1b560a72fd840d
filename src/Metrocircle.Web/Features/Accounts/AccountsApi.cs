using Metrocircle.Core.Audit;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Accounts;

/// <summary>Sign-in (cookie for the web page, bearer token for the API and CLI), password changes, and account administration.</summary>
public static class AccountsApi
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);
    public const int MaxTokenDays = 90;
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxPasswordLength = 1024;

    public sealed record SignInRequest(string? UserName, string? Password, bool Cookie = false);

    public sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record TokenRequest(int Days = 30);

    public sealed record NewAccountRequest(string? UserName, string? DisplayName, string? Role, string? Jurisdiction, string? Department);

    public sealed record AccountView(string UserName, string DisplayName, string Role, string? Jurisdiction, string? Department, bool Disabled, bool MustChangePassword, DateTimeOffset CreatedAt)
    {
        public static AccountView Of(Account a) => new(a.UserName, a.DisplayName, Roles.Name(a.Role), a.Jurisdiction, a.Department, a.Disabled, a.MustChangePassword, a.CreatedAt);
    }

    public sealed record SessionView(string? Token, DateTimeOffset ExpiresAt, AccountView Account);

    public sealed record OneTimePassword(string UserName, string Password, string Note);

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Accounts");
        auth.MapPost("/sign-in", SignIn).WithName("signIn").AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("Sign in with user name and password; returns a bearer token, or sets the session cookie when cookie is true")
            .Accepts<SignInRequest>("application/json");
        auth.MapPost("/sign-out", SignOut).WithName("signOut").RequireAuthorization(Policies.SignedIn).WithSummary("End this session");
        auth.MapGet("/me", Me).WithName("getMe").RequireAuthorization(Policies.SignedIn).WithSummary("The signed-in account");
        auth.MapPost("/password", ChangePassword).WithName("changePassword").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Set a new password (required after a one-time password); ends the account's other sessions")
            .Accepts<PasswordRequest>("application/json");
        auth.MapPost("/tokens", NewToken).WithName("newToken").RequireAuthorization(Policies.SignedIn)
            .WithSummary("A bearer token for the CLI or a script, valid for up to 90 days")
            .Accepts<TokenRequest>("application/json");

        var users = app.MapGroup("/users").WithTags("Accounts").RequireAuthorization(Policies.Administration);
        users.MapGet("", ListUsers).WithName("listUsers").WithSummary("Every account (administrators)");
        users.MapPost("", AddUser).WithName("addUser").WithSummary("Add an account; returns its one-time password (administrators)")
            .Accepts<NewAccountRequest>("application/json");
        users.MapPost("/{userName}/disable", DisableUser).WithName("disableUser").WithSummary("Disable an account and end its sessions (administrators)");
        users.MapPost("/{userName}/enable", EnableUser).WithName("enableUser").WithSummary("Enable a disabled account again; its password is unchanged (administrators)");
        users.MapPost("/{userName}/reset-password", ResetPassword).WithName("resetPassword").WithSummary("Issue a one-time password and end the account's sessions (administrators)");
        return app;
    }

    internal static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SignIn(HttpContext context, IAccountStore accounts, IAuditLog auditLog, SignInThrottle throttle, PasswordHashing hashing, SecuritySettings security, TimeProvider time, CancellationToken ct)
    {
        // Only JSON: a cross-site HTML form can post text/plain or a form encoding, never application/json.
        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem("Sign in with a JSON body (Content-Type: application/json): {\"userName\": \"...\", \"password\": \"...\"}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        var (body, problem) = await RequestJson.ReadAsync<SignInRequest>(context.Request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.UserName) || string.IsNullOrEmpty(body.Password))
        {
            return Problems.BadRequest("Missing credentials", "Send {\"userName\": \"...\", \"password\": \"...\"}.");
        }

        // A name no account can have, or a password longer than any we set, is refused before anything is hashed or audited.
        var name = body.UserName.Trim().ToLowerInvariant();
        if (!Account.IsValidUserName(name) || body.Password.Length > MaxPasswordLength)
        {
            return Problems.BadRequest("Invalid credentials",
                $"userName: 2 to 64 lower-case letters, digits, '.', '-' or '_'; password: at most {MaxPasswordLength} characters.");
        }

        // The attempt is counted before the password is verified, so parallel guesses cannot all get past the limit.
        if (!throttle.TryReserve(name, out var until))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem($"Too many failed sign-ins for {name}; try again after {until:HH:mm} UTC.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts");
        }

        var account = await accounts.GetAccountAsync(name, ct);

        // Verify against a fixed hash when the name is unknown, so that response time does not tell names apart.
        if (await hashing.VerifyAsync(body.Password, account?.PasswordHash ?? UnknownUserHash.Value, ct) is not { } verified)
        {
            return TypedResults.Problem("Too many sign-ins are being checked at once; try again in a few seconds.", statusCode: StatusCodes.Status429TooManyRequests, title: "Busy");
        }

        if (!verified || account is not { Disabled: false })
        {
            await auditLog.AppendAuditAsync(name, "sign-in.failed", name,
                new JsonObject { ["reason"] = account is null ? "unknown account" : account.Disabled ? "account disabled" : "wrong password", ["remote"] = context.Connection.RemoteIpAddress?.ToString() }.ToJsonString(), ct);

            // A disabled account gets the same answer as a wrong password, so the answer does not tell which accounts exist.
            return TypedResults.Problem("The user name or password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        }

        var now = time.GetUtcNow();

        // Told only to whoever knows the password, so it reveals nothing about the account to a guesser.
        if (account.OneTimePasswordExpiresAt(security.OneTimePasswordLifetime) is { } expiry && expiry <= now)
        {
            await auditLog.AppendAuditAsync(name, "sign-in.failed", name,
                new JsonObject { ["reason"] = "one-time password expired", ["expiredAt"] = expiry.ToString("O", CultureInfo.InvariantCulture), ["remote"] = context.Connection.RemoteIpAddress?.ToString() }.ToJsonString(), ct);
            return TypedResults.Problem(
                $"The one-time password of {name} expired at {expiry:yyyy-MM-dd HH:mm} UTC (one-time passwords work for {Hours(security.OneTimePasswordLifetime)}); ask an administrator for a new one.",
                statusCode: StatusCodes.Status401Unauthorized, title: "One-time password expired");
        }

        throttle.Succeeded(name);
        var token = SessionTokens.NewToken();
        var session = new Session(SessionTokens.Hash(token), account!.UserName, body.Cookie ? Session.Cookie : Session.Bearer, now, now + SessionLifetime);
        await accounts.AddSessionAsync(session, new AuditRecord(account.UserName, "signed-in", account.UserName,
            new JsonObject { ["kind"] = session.Kind, ["expiresAt"] = session.ExpiresAt.ToString("O", CultureInfo.InvariantCulture), ["remote"] = context.Connection.RemoteIpAddress?.ToString() }.ToJsonString()), ct);
        if (body.Cookie)
        {
            context.Response.Cookies.Append(SessionTokens.CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
                Expires = session.ExpiresAt,
            });
            return TypedResults.Ok(new SessionView(null, session.ExpiresAt, AccountView.Of(account)));
        }

        return TypedResults.Ok(new SessionView(token, session.ExpiresAt, AccountView.Of(account)));
    }

    private static string Hours(TimeSpan t) => t.TotalHours == 1 ? "1 hour" : $"{t.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} hours";

    private static readonly Lazy<string> UnknownUserHash = new(() => PasswordHasher.Hash(PasswordHasher.NewPassword()));

    internal static async Task<Results<NoContent, ProblemHttpResult>> SignOut(HttpContext context, ClaimsPrincipal user, IAccountStore accounts, CancellationToken ct)
    {
        var actor = user.ToActor();
        await accounts.RevokeSessionAsync(user.FindFirstValue(ActorClaims.Session)!, new AuditRecord(actor.Name, "signed-out", actor.Name, "{}"), ct);
        context.Response.Cookies.Delete(SessionTokens.CookieName);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Me(ClaimsPrincipal user, IAccountStore accounts, CancellationToken ct) =>
        await accounts.GetAccountAsync(user.ToActor().Name, ct) is { } account ? TypedResults.Ok(AccountView.Of(account))
        : Problems.NotFound("No account", "The signed-in account no longer exists.");

    internal static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(HttpContext context, ClaimsPrincipal user, IAccountStore accounts, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<PasswordRequest>(context.Request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        var account = await accounts.GetAccountAsync(user.ToActor().Name, ct);
        if (account is null || !PasswordHasher.Verify(body!.CurrentPassword ?? "", account.PasswordHash))
        {
            return TypedResults.Problem("currentPassword: the current password is wrong.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Password not changed");
        }

        if (PasswordProblem(body.NewPassword, account) is { } why)
        {
            return TypedResults.Problem("newPassword: " + why, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Password not changed");
        }

        // Other sessions end; this one stays usable by re-adding it is not possible (the token is not kept), so the caller signs in again.
        try
        {
            await accounts.UpdateAccountAsync(account, account.WithPassword(PasswordHasher.Hash(body.NewPassword!), oneTime: false, time.GetUtcNow()), revokeSessions: true,
                new AuditRecord(account.UserName, "password.changed", account.UserName, "{}"), ct);
        }
        catch (StoreConflictException)
        {
            // An administrator disabled or reset the account (or another session changed the password) meanwhile: that wins.
            return TypedResults.Problem("The account was changed while this password change was under way (disabled, reset, or changed elsewhere); nothing was written. Sign in again.",
                statusCode: StatusCodes.Status409Conflict, title: "Password not changed");
        }
        context.Response.Cookies.Delete(SessionTokens.CookieName);
        return TypedResults.NoContent();
    }

    internal static string? PasswordProblem(string? password, Account account) =>
        password is null || password.Length < Account.MinimumPasswordLength ? $"use at least {Account.MinimumPasswordLength} characters"
        : password.Length > 256 ? "use at most 256 characters"
        : string.Equals(password, account.UserName, StringComparison.OrdinalIgnoreCase) ? "the password may not be the user name"
        : CommonPasswords.Contains(password) ? "this password is on a list of common leaked passwords; choose another"
        : PasswordHasher.Verify(password, account.PasswordHash) ? "choose a password different from the current one"
        : null;

    internal static async Task<Results<Ok<SessionView>, ProblemHttpResult>> NewToken(HttpContext context, ClaimsPrincipal user, IAccountStore accounts, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<TokenRequest>(context.Request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Days is < 1 or > MaxTokenDays)
        {
            return TypedResults.Problem($"days: a token lives 1 to {MaxTokenDays} days, not {body.Days}.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid token lifetime");
        }

        var account = (await accounts.GetAccountAsync(user.ToActor().Name, ct))!;
        var now = time.GetUtcNow();
        var token = SessionTokens.NewToken();
        var session = new Session(SessionTokens.Hash(token), account.UserName, Session.Bearer, now, now.AddDays(body.Days));
        await accounts.AddSessionAsync(session, new AuditRecord(account.UserName, "token.issued", account.UserName,
            new JsonObject { ["days"] = body.Days, ["expiresAt"] = session.ExpiresAt.ToString("O", CultureInfo.InvariantCulture) }.ToJsonString()), ct);
        return TypedResults.Ok(new SessionView(token, session.ExpiresAt, AccountView.Of(account)));
    }

    internal static async Task<Results<Ok<List<AccountView>>, ProblemHttpResult>> ListUsers(IAccountStore accounts, CancellationToken ct) =>
        TypedResults.Ok((await accounts.ListAccountsAsync(ct)).Select(AccountView.Of).ToList());

    internal static async Task<Results<Created<OneTimePassword>, ProblemHttpResult>> AddUser(HttpContext context, ClaimsPrincipal user, PlanCatalog catalog, IAccountStore accounts, SecuritySettings security, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<NewAccountRequest>(context.Request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        var validation = await AccountValidation.ValidateAsync(catalog, body!.UserName, body.Role, body.Jurisdiction, body.Department, ct);
        if (validation.Problem is { } why)
        {
            return TypedResults.Problem(why, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid account");
        }

        var password = PasswordHasher.NewPassword();
        var account = new Account(body.UserName!, string.IsNullOrWhiteSpace(body.DisplayName) ? body.UserName! : body.DisplayName.Trim(), validation.Role,
            validation.Jurisdiction, body.Department, PasswordHasher.Hash(password), false, true, time.GetUtcNow());
        try
        {
            await accounts.AddAccountAsync(account, AccountValidation.AuditOf(user.ToActor(), "account.added", account), ct);
        }
        catch (StoreConflictException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Account exists");
        }

        return TypedResults.Created($"/users/{account.UserName}", new OneTimePassword(account.UserName, password, $"Shown once: hand it over; it must be changed at the first sign-in, within {Hours(security.OneTimePasswordLifetime)}."));
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> DisableUser(string userName, ClaimsPrincipal user, IAccountStore accounts, CancellationToken ct)
    {
        var actor = user.ToActor();
        if (await accounts.GetAccountAsync(userName, ct) is not { } account)
        {
            return Problems.NotFound("Unknown account", $"There is no account named {userName}.");
        }

        if (account.UserName == actor.Name)
        {
            return TypedResults.Problem("An administrator cannot disable their own account; ask another administrator.", statusCode: StatusCodes.Status409Conflict, title: "Not disabled");
        }

        var disabled = await AccountRules.UpdateLatestAsync(accounts, account.UserName, a => a with { Disabled = true }, a => AccountValidation.AuditOf(actor, "account.disabled", a), ct);
        return TypedResults.Ok(AccountView.Of(disabled!));
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> EnableUser(string userName, ClaimsPrincipal user, IAccountStore accounts, CancellationToken ct)
    {
        var actor = user.ToActor();
        if (await accounts.GetAccountAsync(userName, ct) is { Disabled: false } active)
        {
            // Already enabled: nothing to write, and its sessions stay.
            return TypedResults.Ok(AccountView.Of(active));
        }

        var enabled = await AccountRules.UpdateLatestAsync(accounts, userName, a => a with { Disabled = false }, a => AccountValidation.AuditOf(actor, "account.enabled", a), ct);
        return enabled is null ? Problems.NotFound("Unknown account", $"There is no account named {userName}.") : TypedResults.Ok(AccountView.Of(enabled));
    }

    internal static async Task<Results<Ok<OneTimePassword>, ProblemHttpResult>> ResetPassword(string userName, ClaimsPrincipal user, IAccountStore accounts, SecuritySettings security, TimeProvider time, CancellationToken ct)
    {
        if (await accounts.GetAccountAsync(userName, ct) is not { } account)
        {
            return Problems.NotFound("Unknown account", $"There is no account named {userName}.");
        }

        var password = PasswordHasher.NewPassword();
        var hash = PasswordHasher.Hash(password);
        await AccountRules.UpdateLatestAsync(accounts, account.UserName, a => a.WithPassword(hash, oneTime: true, time.GetUtcNow()),
            a => AccountValidation.AuditOf(user.ToActor(), "password.reset", a), ct);
        return TypedResults.Ok(new OneTimePassword(account.UserName, password, $"Shown once: the account's sessions have ended; the password must be changed at the next sign-in, within {Hours(security.OneTimePasswordLifetime)}."));
    }
}
