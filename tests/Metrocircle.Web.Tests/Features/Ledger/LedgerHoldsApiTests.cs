using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>GET /ledger/holds on the shared seeded server: holds by case with the balances' permissions (issue 13 item 6).</summary>
public sealed class LedgerHoldsApiTests(SeededServer server)
{
    private const string Quota = "new-construction-land", Period = "2026-2030";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<string>> CountiesOfAsync(string province)
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var counties = new List<PlanFeature>();
        await foreach (var c in server.Store.StreamFeaturesAsync(version, "counties", Ct))
        {
            if (c.Properties["provinceId"]?.GetValue<string>() == province)
            {
                counties.Add(c);
            }
        }

        return [.. counties.Select(c => c.Id).Order(StringComparer.Ordinal)];
    }

    private async Task<string> ProposeAsync(string from, string to, long amount)
    {
        var json = JsonSerializer.Serialize(new { from, to, kind = Quota, period = Period, amount, terms = new { text = "holds test" } });
        var (status, body) = await SendAsync(await server.ClientAsAsync(TestAccounts.Admin), HttpMethod.Post, "/ledger/transfers", json);
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return body["caseId"]!.GetValue<string>();
    }

    private async Task<List<JsonObject>> HoldsAsync(string user, string query)
    {
        var (status, body) = await SendAsync(await server.ClientAsAsync(user), HttpMethod.Get, "/ledger/holds" + query);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return [.. body["holds"]!.AsArray().Select(h => h!.AsObject())];
    }

    [Fact]
    public async Task a_proposed_transfer_shows_its_open_hold_to_the_office_and_the_giving_sides_reviewer_and_released_after_rejection()
    {
        var hebei = await CountiesOfAsync(Jurisdictions.Hebei);
        var (from, to) = (hebei[10], hebei[11]);
        var caseId = await ProposeAsync(from, to, 4_321);

        var hold = Assert.Single(await HoldsAsync(TestAccounts.Office, $"?case={caseId}"));
        Assert.Equal($"transfer-{caseId}", hold["id"]!.GetValue<string>());
        Assert.Equal(caseId, hold["case"]!.GetValue<string>());
        Assert.Equal(LedgerAccount.IdOf(Quota, Period, from), hold["account"]!.GetValue<string>());
        Assert.Equal(from, hold["jurisdiction"]!.GetValue<string>());
        Assert.Equal(Quota, hold["kind"]!.GetValue<string>());
        Assert.Equal(Period, hold["period"]!.GetValue<string>());
        Assert.Equal(4_321, hold["amountM2"]!.GetValue<long>());
        Assert.Equal("open", hold["status"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - hold["createdAt"]!.GetValue<DateTimeOffset>() < TimeSpan.FromMinutes(10));

        // Open holds: the office's list and the list of the province the account lies in carry it; a county filter too.
        Assert.Contains(await HoldsAsync(TestAccounts.Office, ""), h => h["case"]!.GetValue<string>() == caseId);
        Assert.Contains(await HoldsAsync(TestAccounts.HebeiReviewer, $"?jurisdiction={Jurisdictions.Hebei}"), h => h["case"]!.GetValue<string>() == caseId);
        Assert.Contains(await HoldsAsync(TestAccounts.HebeiReviewer, $"?jurisdiction={from}"), h => h["case"]!.GetValue<string>() == caseId);
        Assert.DoesNotContain(await HoldsAsync(TestAccounts.Office, $"?jurisdiction={to}"), h => h["case"]!.GetValue<string>() == caseId);
        // A reviewer of another province sees nothing of it, even asking by case.
        Assert.Empty(await HoldsAsync(TestAccounts.BeijingReviewer, $"?case={caseId}"));
        Assert.DoesNotContain(await HoldsAsync(TestAccounts.BeijingReviewer, ""), h => h["case"]!.GetValue<string>() == caseId);

        var (_, file) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{caseId}");
        var task = file["tasks"]!.AsArray().Select(t => t!.AsObject()).First(t => t["kind"]!.GetValue<string>() == "jurisdiction");
        var (decided, body) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "reject", 1, "not now");
        Assert.True(decided == HttpStatusCode.OK, body.ToJsonString());

        Assert.Equal("released", Assert.Single(await HoldsAsync(TestAccounts.Office, $"?case={caseId}"))["status"]!.GetValue<string>());
        Assert.DoesNotContain(await HoldsAsync(TestAccounts.Office, ""), h => h["case"]!.GetValue<string>() == caseId);
    }

    [Fact]
    public async Task holds_are_closed_to_the_public_and_proponents_and_a_reviewer_asking_for_another_province_is_refused()
    {
        var (anonymous, _) = await SendAsync(server.Client, HttpMethod.Get, "/ledger/holds");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        var (proponent, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, "/ledger/holds");
        Assert.Equal(HttpStatusCode.Forbidden, proponent);
        var (other, problem) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, $"/ledger/holds?jurisdiction={Jurisdictions.Beijing}");
        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Contains(Jurisdictions.Beijing, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?jurisdiction=atlantis", "jurisdiction")]
    [InlineData("?case=", "case")]
    public async Task a_holds_query_naming_what_is_not_there_is_a_problem_saying_which_parameter(string query, string parameter)
    {
        using var client = await server.ClientAsAsync(TestAccounts.Office);
        using var response = await client.GetAsync("/ledger/holds" + query, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(parameter, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_case_id_longer_than_two_hundred_characters_is_refused()
    {
        using var client = await server.ClientAsAsync(TestAccounts.Office);
        using var response = await client.GetAsync("/ledger/holds?case=" + new string('x', 201), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
