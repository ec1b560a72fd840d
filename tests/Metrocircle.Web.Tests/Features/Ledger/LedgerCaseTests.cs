using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>A project case's claim on the ledger (issue 13): holds by county on submission, postings on approval, release on withdrawal.</summary>
public sealed class LedgerCaseTests(SeededServer server)
{
    private const string Quota = "new-construction-land";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Id, List<LedgerHold> Holds)> SubmitAcrossAsync(string title)
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var (status, body) = await SubmitAsync(proponent, title, Feature(await AcrossBeijingAndHebeiAsync(server.Client, 0.01), "public-service"));
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var id = body["id"]!.GetValue<string>();
        return (id, [.. await server.Store.ListHoldsAsync(id, Ct)]);
    }

    private async Task<Dictionary<string, PlanFeature>> CountiesAsync()
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var counties = new Dictionary<string, PlanFeature>();
        await foreach (var c in server.Store.StreamFeaturesAsync(version, "counties", Ct))
        {
            counties[c.Id] = c;
        }

        return counties;
    }

    private async Task<Dictionary<string, LedgerBalance>> BalancesAsync() =>
        (await server.Store.GetBalancesAsync(new LedgerQuery(Kind: Quota), Ct)).ToDictionary(b => b.Account.Id);

    [Fact]
    public async Task a_case_across_the_beijing_hebei_boundary_holds_quota_by_county_on_both_sides_posts_it_on_approval_and_releases_it_on_withdrawal()
    {
        var counties = await CountiesAsync();
        string ProvinceOf(LedgerHold h) => counties[h.Account.Split('/')[2]].Properties["province"]!.GetValue<string>();
        // The server opens the ledger on its first use; this test reads the store directly, so it asks once first.
        var (opened0, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, "/ledger/accounts");
        Assert.Equal(HttpStatusCode.OK, opened0);
        var before = await BalancesAsync();

        var (approvedId, holds) = await SubmitAcrossAsync("Cross-boundary logistics park");
        var quota = holds.Where(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)).ToList();
        var (_, submitted) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{approvedId}");
        Assert.True(quota.Select(ProvinceOf).Distinct().Count() == 2, string.Join(", ", holds.Select(h => h.Account)) + " " + submitted["timeline"]!.ToJsonString());
        Assert.All(holds, h => Assert.Equal(HoldStatus.Open, h.Status));
        Assert.All(quota, h => Assert.True(h.Amount > 0));
        // A square of 0.02° at 40°N is about 3.8 km²: the construction land held cannot exceed it.
        Assert.InRange(quota.Sum(h => h.Amount), 1, 4_000_000);
        var held = await BalancesAsync();
        foreach (var h in quota)
        {
            Assert.Equal(before[h.Account].Held + h.Amount, held[h.Account].Held);
        }

        // Every review approves: the holds become postings from each county to the used account.
        var (_, opened) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{approvedId}");
        foreach (var task in opened["tasks"]!.AsArray().Select(t => t!.AsObject()).Where(t => t["status"]!.GetValue<string>() == "open"))
        {
            var (status, body) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), approvedId, task["id"]!.GetValue<string>(), "approve", 1, "fine");
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        }

        Assert.All(await server.Store.ListHoldsAsync(approvedId, Ct), h => Assert.Equal(HoldStatus.Settled, h.Status));
        var after = await BalancesAsync();
        foreach (var h in quota)
        {
            Assert.Equal(before[h.Account].Balance - h.Amount, after[h.Account].Balance);
            Assert.Equal(before[h.Account].Held, after[h.Account].Held);
        }

        var used = LedgerAccount.IdOf(Quota, quota[0].Account.Split('/')[1], "@used");
        Assert.True(after[used].Balance - before[used].Balance >= quota.Sum(h => h.Amount));
        var (_, history) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/ledger/transactions?account={Uri.EscapeDataString(quota[0].Account)}");
        Assert.Contains(history["items"]!.AsArray(), t => t!["caseId"]?.GetValue<string>() == approvedId && t["type"]!.GetValue<string>() == "consumption");

        // A second case on the same ground is withdrawn: its holds are released and no balance moves.
        var (withdrawnId, second) = await SubmitAcrossAsync("Withdrawn twin");
        Assert.NotEmpty(second);
        var (ws, wbody) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Post, $"/cases/{withdrawnId}/withdraw", """{"reason":"merged into the first"}""");
        Assert.True(ws == HttpStatusCode.OK, wbody.ToJsonString());
        Assert.All(await server.Store.ListHoldsAsync(withdrawnId, Ct), h => Assert.Equal(HoldStatus.Released, h.Status));
        var end = await BalancesAsync();
        foreach (var h in quota)
        {
            Assert.Equal(after[h.Account].Balance, end[h.Account].Balance);
            Assert.Equal(after[h.Account].Held, end[h.Account].Held);
        }

        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }
}
