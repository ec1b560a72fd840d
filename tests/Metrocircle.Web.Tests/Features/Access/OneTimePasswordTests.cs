using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>Issue 11: a one-time password (new account, reset) expires; 24 hours unless the host sets another lifetime.</summary>
public sealed class OneTimePasswordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> AdminAsync(LightServer server)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(server.Client(), TestAccounts.Admin));
        return client;
    }

    private static async Task<string> OneTimePasswordAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("password").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SignInAsync(LightServer server, string name, string password)
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password }, Ct);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    [Fact]
    public async Task issue_11_an_expired_one_time_password_is_refused_telling_to_ask_an_administrator_for_a_new_one()
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default);
        using var admin = await AdminAsync(server);
        var name = "t-late-" + Guid.NewGuid().ToString("N")[..8];
        using var added = await admin.PostAsJsonAsync("/users", new { userName = name, role = "proponent" }, Ct);
        var oneTime = await OneTimePasswordAsync(added);

        server.Clock.Offset = TimeSpan.FromHours(23);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(server, name, oneTime)).Status);

        server.Clock.Offset = TimeSpan.FromHours(25);
        var (status, problem) = await SignInAsync(server, name, oneTime);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("One-time password expired", problem.GetProperty("title").GetString());
        Assert.EndsWith("(one-time passwords work for 24 hours); ask an administrator for a new one.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A wrong password for the same account learns nothing about it.
        var (wrongStatus, wrong) = await SignInAsync(server, name, "not the one-time password");
        Assert.Equal((HttpStatusCode.Unauthorized, "The user name or password is wrong."), (wrongStatus, wrong.GetProperty("detail").GetString()));

        // A reset issues a new one, which works from when it was issued.
        using var admin2 = await AdminAsync(server);
        using var reset = await admin2.PostAsync($"/users/{name}/reset-password", null, Ct);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(server, name, await OneTimePasswordAsync(reset))).Status);
    }

    [Fact]
    public async Task the_one_time_password_lifetime_is_a_setting()
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default with { OneTimePasswordLifetime = TimeSpan.FromHours(1) });
        using var admin = await AdminAsync(server);
        using var reset = await admin.PostAsync($"/users/{TestAccounts.OtherProponent}/reset-password", null, Ct);
        var oneTime = await OneTimePasswordAsync(reset);

        server.Clock.Offset = TimeSpan.FromMinutes(61);
        var (status, problem) = await SignInAsync(server, TestAccounts.OtherProponent, oneTime);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("(one-time passwords work for 1 hour)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_chosen_password_does_not_expire()
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default);

        server.Clock.Offset = TimeSpan.FromDays(400);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(server, TestAccounts.Proponent, TestAccounts.Password)).Status);
    }
}
