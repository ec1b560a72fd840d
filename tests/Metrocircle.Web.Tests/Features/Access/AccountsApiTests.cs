using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>Sign-in, one-time passwords, account administration and their audit entries, over HTTP.</summary>
public sealed class AccountsApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<AuditEntry>> AuditAsync()
    {
        var all = new List<AuditEntry>();
        await foreach (var e in server.Store.ReadAuditAsync(Ct))
        {
            all.Add(e);
        }

        return all;
    }

    [Fact]
    public async Task signing_in_gives_a_token_that_identifies_the_account_and_is_audited()
    {
        var token = await TestAccounts.SignInAsync(server.Client, TestAccounts.HebeiReviewer);
        Assert.StartsWith("mc_", token, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonObject>("/auth/me", Ct);
        Assert.Equal(("reviewer", Jurisdictions.Hebei, "development-reform"), (me!["role"]!.GetValue<string>(), me["jurisdiction"]!.GetValue<string>(), me["department"]!.GetValue<string>()));
        Assert.Contains(await AuditAsync(), e => e.Action == "signed-in" && e.Actor == TestAccounts.HebeiReviewer);
        Assert.True((await AuditVerifier.VerifyAsync(server.Store.ReadAuditAsync(Ct), Ct)).Intact);
    }

    [Fact]
    public async Task a_wrong_password_or_unknown_name_is_refused_the_same_way_and_recorded()
    {
        var (wrong, p1) = await SendAsync(server.Client, HttpMethod.Post, "/auth/sign-in", $$"""{"userName":"{{TestAccounts.TianjinReviewer}}","password":"not it"}""");
        var (unknown, p2) = await SendAsync(server.Client, HttpMethod.Post, "/auth/sign-in", """{"userName":"nobody-here","password":"not it"}""");
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrong, unknown));
        Assert.Equal(p1["detail"]!.GetValue<string>(), p2["detail"]!.GetValue<string>());
        Assert.Contains(await AuditAsync(), e => e.Action == "sign-in.failed" && e.Subject == "nobody-here");
        var (missing, p3) = await SendAsync(server.Client, HttpMethod.Post, "/auth/sign-in", """{"userName":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("password", p3["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task repeated_failures_block_the_name_for_a_while_even_with_the_right_password()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var created = await (await admin.PostAsJsonAsync("/users", new { userName = "t-guessed", role = "proponent" }, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct);
        var password = created!["password"]!.GetValue<string>();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(server.Client, HttpMethod.Post, "/auth/sign-in", """{"userName":"t-guessed","password":"guess"}""")).Status);
        }

        using var response = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = "t-guessed", password }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task a_new_account_signs_in_with_its_one_time_password_and_must_set_its_own_before_anything_else()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        using var add = await admin.PostAsJsonAsync("/users", new { userName = "t-newcomer", displayName = "New Reviewer", role = "reviewer", jurisdiction = Jurisdictions.Tianjin, department = "transport" }, Ct);
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        var oneTime = (await add.Content.ReadFromJsonAsync<JsonObject>(Ct))!["password"]!.GetValue<string>();

        var token = await TestAccounts.SignInAsync(server.Client, "t-newcomer", oneTime);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var (blocked, problem) = await SendAsync(client, HttpMethod.Get, "/cases");
        Assert.Equal(HttpStatusCode.Unauthorized, blocked);
        Assert.Contains("one-time password", problem["detail"]!.GetValue<string>());
        Assert.True((await client.GetFromJsonAsync<JsonObject>("/auth/me", Ct))!["mustChangePassword"]!.GetValue<bool>());

        var (tooShort, p2) = await SendAsync(client, HttpMethod.Post, "/auth/password", $$"""{"currentPassword":"{{oneTime}}","newPassword":"short"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort);
        Assert.Contains("12 characters", p2["detail"]!.GetValue<string>());
        var (changed, _) = await SendAsync(client, HttpMethod.Post, "/auth/password", $$"""{"currentPassword":"{{oneTime}}","newPassword":"a long and private phrase"}""");
        Assert.Equal(HttpStatusCode.NoContent, changed);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, HttpMethod.Get, "/auth/me")).Status);

        var fresh = await TestAccounts.SignInAsync(server.Client, "t-newcomer", "a long and private phrase");
        client.DefaultRequestHeaders.Authorization = new("Bearer", fresh);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/cases")).Status);
        Assert.Contains(await AuditAsync(), e => e.Action == "password.changed" && e.Actor == "t-newcomer");
        Assert.Contains(await AuditAsync(), e => e.Action == "account.added" && e.Subject == "t-newcomer" && e.Actor == TestAccounts.Admin && e.Details.Contains("\"jurisdiction\":\"120000\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task disabling_an_account_ends_its_sessions_at_once_and_is_audited()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var oneTime = (await (await admin.PostAsJsonAsync("/users", new { userName = "t-leaver", role = "proponent" }, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!["password"]!.GetValue<string>();
        var token = await TestAccounts.SignInAsync(server.Client, "t-leaver", oneTime);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/auth/me")).Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Post, "/users/t-leaver/disable")).Status);
        var (after, problem) = await SendAsync(client, HttpMethod.Get, "/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after);
        Assert.Contains("revoked", problem["detail"]!.GetValue<string>());
        var (again, p2) = await SendAsync(server.Client, HttpMethod.Post, "/auth/sign-in", $$"""{"userName":"t-leaver","password":"{{oneTime}}"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, again);
        Assert.Equal("The user name or password is wrong.", p2["detail"]!.GetValue<string>()); // issue 11: a disabled account answers as a wrong password does
        Assert.Contains(await AuditAsync(), e => e.Action == "account.disabled" && e.Subject == "t-leaver" && e.Actor == TestAccounts.Admin);
        var (self, _) = await SendAsync(admin, HttpMethod.Post, $"/users/{TestAccounts.Admin}/disable");
        Assert.Equal(HttpStatusCode.Conflict, self);
    }

    [Fact]
    public async Task bad_new_accounts_are_refused_with_the_field_named_and_nothing_is_added()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        (object Body, string Field)[] cases =
        [
            (new { userName = "Bad Name", role = "proponent" }, "userName"),
            (new { userName = "t-x1", role = "mayor" }, "role"),
            (new { userName = "t-x2", role = "reviewer", department = "transport" }, "jurisdiction"),
            (new { userName = "t-x3", role = "reviewer", jurisdiction = "atlantis", department = "transport" }, "jurisdiction"),
            (new { userName = "t-x4", role = "reviewer", jurisdiction = Jurisdictions.Hebei, department = "magic" }, "department"),
            (new { userName = "t-x5", role = "proponent", jurisdiction = Jurisdictions.Hebei }, "only reviewers"),
        ];
        foreach (var (body, field) in cases)
        {
            using var response = await admin.PostAsJsonAsync("/users", body, Ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        }

        using var duplicate = await admin.PostAsJsonAsync("/users", new { userName = TestAccounts.Proponent, role = "proponent" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        // Judged on this test's own names: other tests add accounts to the shared server at the same time.
        var names = (await admin.GetFromJsonAsync<JsonArray>("/users", Ct))!.Select(a => a!["userName"]!.GetValue<string>()).ToHashSet();
        Assert.DoesNotContain(names, n => n is "bad name" or "t-x1" or "t-x2" or "t-x3" or "t-x4" or "t-x5");
    }

    [Fact]
    public async Task a_cookie_sign_in_sets_an_http_only_strict_cookie_that_authenticates_the_page()
    {
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browserLike = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        using var response = await browserLike.PostAsJsonAsync("/auth/sign-in", new { userName = TestAccounts.Office, password = TestAccounts.Password, cookie = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Null((await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["token"]);
        Assert.Equal("coordination-office", (await browserLike.GetFromJsonAsync<JsonObject>("/auth/me", Ct))!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(browserLike, HttpMethod.Post, "/auth/sign-out")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(browserLike, HttpMethod.Get, "/auth/me")).Status);
    }

    [Fact]
    public async Task a_token_that_was_never_issued_is_refused_with_problem_json()
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "mc_forged");
        using var response = await client.GetAsync("/cases", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
