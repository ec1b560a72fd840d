using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>Regression tests of issue 11: account defects found by a review tried as an attacker would.</summary>
public sealed class AccountHardeningTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task issue_11_fifty_parallel_wrong_sign_ins_for_one_name_verify_at_most_five_passwords()
    {
        var name = "t-flood-" + Guid.NewGuid().ToString("N")[..8];
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password = $"guess number {i}" }, Ct);
            return response.StatusCode;
        }));

        var verified = answers.Count(a => a == HttpStatusCode.Unauthorized);
        Assert.True(verified <= 5, $"{verified} passwords were verified");
        Assert.Equal(50, verified + answers.Count(a => a == HttpStatusCode.TooManyRequests));
        Assert.True(await FailedSignInsAsync(name) <= 5);
    }

    [Fact]
    public async Task issue_11_a_huge_or_malformed_user_name_is_refused_before_hashing_and_is_not_audited()
    {
        foreach (var name in new[] { new string('a', 10_000), "t-ac me", "t-acme\u0000", "<script>", "a" })
        {
            using var response = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password = "whatever it is" }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(0, await FailedSignInsAsync(name.Trim().ToLowerInvariant()));
        }
    }

    [Fact]
    public async Task issue_11_sign_in_accepts_only_a_json_body()
    {
        using var content = new StringContent($$"""{"userName":"{{TestAccounts.Proponent}}","password":"{{TestAccounts.Password}}"}""", Encoding.UTF8, "text/plain");
        using var response = await server.Client.PostAsync("/auth/sign-in", content, Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task issue_11_a_disabled_account_gets_the_same_answer_as_a_wrong_password()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var (name, oneTime) = await AddProponentAsync(admin, "t-gone");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/users/{name}/disable", null, Ct)).StatusCode);

        using var disabled = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password = oneTime }, Ct);
        using var wrong = await server.Client.PostAsJsonAsync("/auth/sign-in", new { userName = TestAccounts.OtherProponent, password = "not the password at all" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
        Assert.Equal(Detail(await wrong.Content.ReadAsStringAsync(Ct)), Detail(await disabled.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task issue_11_a_password_change_racing_a_disable_never_undoes_it()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        for (var round = 0; round < 4; round++)
        {
            var (name, oneTime) = await AddProponentAsync(admin, "t-race");
            var token = await TestAccounts.SignInAsync(server.Client, name, oneTime);
            using var own = new HttpClient { BaseAddress = server.BaseAddress };
            own.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

            var change = own.PostAsJsonAsync("/auth/password", new { currentPassword = oneTime, newPassword = "a brand new password " + round }, Ct);
            var disable = admin.PostAsync($"/users/{name}/disable", null, Ct);
            var (changed, disabledAnswer) = (await change, await disable);
            Assert.True(changed.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict or HttpStatusCode.Unauthorized, $"password change: {changed.StatusCode}");
            Assert.Equal(HttpStatusCode.OK, disabledAnswer.StatusCode);

            var accounts = JsonNode.Parse(await admin.GetStringAsync("/users", Ct))!;
            var account = (accounts is JsonArray list ? list : accounts["users"]!.AsArray()).Single(a => a!["userName"]!.GetValue<string>() == name)!;
            Assert.True(account["disabled"]!.GetValue<bool>(), $"round {round}: the disable was undone (password change answered {changed.StatusCode})");
        }
    }

    [Fact]
    public async Task issue_11_a_common_leaked_password_is_refused_whatever_its_case()
    {
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var (name, oneTime) = await AddProponentAsync(admin, "t-weak");
        using var own = new HttpClient { BaseAddress = server.BaseAddress };
        own.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestAccounts.SignInAsync(server.Client, name, oneTime));

        using var refused = await own.PostAsJsonAsync("/auth/password", new { currentPassword = oneTime, newPassword = "1QAZ2wsx3EDC" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("common", Detail(await refused.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        using var accepted = await own.PostAsJsonAsync("/auth/password", new { currentPassword = oneTime, newPassword = "granite heron lantern 47" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    private static async Task<(string Name, string OneTime)> AddProponentAsync(HttpClient admin, string prefix)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await admin.PostAsJsonAsync("/users", new { userName = name, displayName = name, role = "proponent" }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return (name, JsonDocument.Parse(body).RootElement.GetProperty("password").GetString()!);
    }

    private static string? Detail(string problem) => JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString();

    private async Task<int> FailedSignInsAsync(string name)
    {
        var count = 0;
        await foreach (var e in server.Store.ReadAuditAsync(Ct))
        {
            count += e.Action == "sign-in.failed" && e.Subject == name ? 1 : 0;
        }

        return count;
    }
}
