using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>
/// A project case's claim on the ledger (issue 13 item 3): holds by county on submission, postings on approval,
/// release on withdrawal, re-holding on revision, the uncovered flag, refusal and the office's override. Each test
/// takes its own place on the Beijing–Hebei boundary so that the accounts it watches are not drained by others.
/// </summary>
public sealed class LedgerCaseTests(SeededServer server)
{
    private const string Quota = "new-construction-land";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Id, JsonObject Body, List<LedgerHold> Holds)> SubmitAcrossAsync(string title, double half, double along)
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var (status, body) = await SubmitAsync(proponent, title, Feature(await AcrossBeijingAndHebeiAsync(server.Client, half, along), "public-service"));
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var id = body["id"]!.GetValue<string>();
        return (id, body, [.. await server.Store.ListHoldsAsync(id, Ct)]);
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

    private async Task<List<LedgerTransaction>> TransactionsOfAsync(string caseId) =>
        [.. (await server.Store.ListTransactionsAsync(null, 0, 10_000, Ct)).Where(t => t.CaseId == caseId)];

    /// <summary>Every open task of the case decided by its reviewer; the answers in order.</summary>
    private async Task<List<(HttpStatusCode Status, JsonObject Body)>> ApproveAllAsync(string caseId)
    {
        var (_, opened) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{caseId}");
        var answers = new List<(HttpStatusCode, JsonObject)>();
        foreach (var task in opened["tasks"]!.AsArray().Select(t => t!.AsObject()).Where(t => t["status"]!.GetValue<string>() == "open"))
        {
            answers.Add(await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "approve", opened["revision"]!.GetValue<int>(), "fine"));
        }

        return answers;
    }

    [Fact]
    public async Task a_case_across_the_beijing_hebei_boundary_holds_quota_by_county_on_both_sides_posts_it_on_approval_and_releases_it_on_withdrawal()
    {
        var counties = await CountiesAsync();
        string ProvinceOf(LedgerHold h) => counties[h.Account.Split('/')[2]].Properties["provinceId"]!.GetValue<string>();

        var (approvedId, submitted, holds) = await SubmitAcrossAsync("Cross-boundary logistics park", 0.01, 0.3);
        var quota = holds.Where(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)).ToList();
        Assert.True(quota.Select(ProvinceOf).Order().SequenceEqual([Jurisdictions.Beijing, Jurisdictions.Hebei]),
            string.Join(", ", holds.Select(h => h.Account)) + " " + submitted["timeline"]!.ToJsonString());
        Assert.All(holds, h => Assert.Equal(HoldStatus.Open, h.Status));
        Assert.Null(submitted["ledgerShortfall"]);
        // A square of 0.02° at 40°N is about 3.8 km²: the construction land held cannot exceed it.
        Assert.InRange(quota.Sum(h => h.Amount), 1, 4_000_000);

        // The case shows its holds: account, county, kind, period, m², status.
        var (_, shown) = await SendAsync(await server.ClientAsAsync(TestAccounts.BeijingReviewer), HttpMethod.Get, $"/cases/{approvedId}");
        var lines = shown["ledgerHolds"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Equal(holds.Count, lines.Count);
        foreach (var h in holds)
        {
            var line = lines.Single(l => l["id"]!.GetValue<string>() == h.Id);
            Assert.Equal(h.Account, line["account"]!.GetValue<string>());
            Assert.Equal(h.Account.Split('/')[2], line["jurisdiction"]!.GetValue<string>());
            Assert.Equal(h.Account.Split('/')[0], line["kind"]!.GetValue<string>());
            Assert.Equal(h.Account.Split('/')[1], line["period"]!.GetValue<string>());
            Assert.Equal(h.Amount, line["amountM2"]!.GetValue<long>());
            Assert.Equal("open", line["status"]!.GetValue<string>());
        }

        // Every review approves: the holds become postings from each county to the used account, in one transaction.
        Assert.All(await ApproveAllAsync(approvedId), a => Assert.True(a.Status == HttpStatusCode.OK, a.Body.ToJsonString()));
        Assert.All(await server.Store.ListHoldsAsync(approvedId, Ct), h => Assert.Equal(HoldStatus.Settled, h.Status));
        var consumption = Assert.Single(await TransactionsOfAsync(approvedId));
        Assert.Equal("consumption", consumption.Type);
        foreach (var h in holds)
        {
            Assert.Equal(-h.Amount, consumption.Postings.Single(p => p.Account == h.Account).Amount);
        }

        var used = LedgerAccount.IdOf(Quota, quota[0].Account.Split('/')[1], "@used");
        Assert.Equal(quota.Sum(h => h.Amount), consumption.Postings.Single(p => p.Account == used).Amount);
        var (_, approved) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{approvedId}");
        Assert.All(approved["ledgerHolds"]!.AsArray(), l => Assert.Equal("settled", l!["status"]!.GetValue<string>()));

        // A second case on the same ground is withdrawn: its holds are released and nothing is posted for it.
        var (withdrawnId, _, second) = await SubmitAcrossAsync("Withdrawn twin", 0.01, 0.3);
        Assert.NotEmpty(second);
        var (ws, wbody) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Post, $"/cases/{withdrawnId}/withdraw", """{"reason":"merged into the first"}""");
        Assert.True(ws == HttpStatusCode.OK, wbody.ToJsonString());
        Assert.All(await server.Store.ListHoldsAsync(withdrawnId, Ct), h => Assert.Equal(HoldStatus.Released, h.Status));
        Assert.All(wbody["ledgerHolds"]!.AsArray(), l => Assert.Equal("released", l!["status"]!.GetValue<string>()));
        Assert.Empty(await TransactionsOfAsync(withdrawnId));
        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }

    [Fact]
    public async Task a_revision_that_shrinks_the_footprint_releases_the_difference_and_one_that_grows_it_holds_more()
    {
        var (id, _, first) = await SubmitAcrossAsync("Road realigned twice", 0.006, 0.4);
        Assert.NotEmpty(first);

        async Task<List<LedgerHold>> ReviseAsync(int revision, double half)
        {
            var (_, current) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{id}");
            var task = current["tasks"]!.AsArray().Select(t => t!.AsObject()).First(t => t["status"]!.GetValue<string>() == "open");
            var (ds, dbody) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), id, task["id"]!.GetValue<string>(), "request-changes", revision, "move it");
            Assert.True(ds == HttpStatusCode.OK, dbody.ToJsonString());
            var feature = Feature(await AcrossBeijingAndHebeiAsync(server.Client, half, 0.4), "public-service");
            var (rs, rbody) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Post, $"/cases/{id}/revisions",
                $$"""{"revision":{{revision}},"note":"resized","feature":{{feature}}}""");
            Assert.True(rs == HttpStatusCode.OK, rbody.ToJsonString());
            Assert.Equal(revision + 1, rbody["revision"]!.GetValue<int>());
            return [.. (await server.Store.ListHoldsAsync(id, Ct)).Where(h => h.Id.StartsWith($"{id}/r{revision + 1}/", StringComparison.Ordinal))];
        }

        var smaller = await ReviseAsync(1, 0.003);
        Assert.All((await server.Store.ListHoldsAsync(id, Ct)).Where(h => first.Any(f => f.Id == h.Id)), h => Assert.Equal(HoldStatus.Released, h.Status));
        Assert.NotEmpty(smaller);
        Assert.All(smaller, h => Assert.Equal(HoldStatus.Open, h.Status));
        Assert.True(smaller.Sum(h => h.Amount) < first.Sum(h => h.Amount));
        foreach (var h in smaller)
        {
            Assert.True(h.Amount <= first.Single(f => f.Account == h.Account).Amount, $"{h.Account}: {h.Amount} after shrinking");
        }

        var larger = await ReviseAsync(2, 0.008);
        Assert.All((await server.Store.ListHoldsAsync(id, Ct)).Where(h => smaller.Any(f => f.Id == h.Id)), h => Assert.Equal(HoldStatus.Released, h.Status));
        Assert.True(larger.Sum(h => h.Amount) > first.Sum(h => h.Amount));
        var open = (await server.Store.ListHoldsAsync(id, Ct)).Where(h => h.Status == HoldStatus.Open).ToList();
        Assert.Equal(larger.Select(h => h.Id).Order(), open.Select(h => h.Id).Order());
        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }

    [Fact]
    public async Task a_case_its_county_cannot_cover_is_flagged_its_approval_refused_with_the_balance_and_the_office_may_override_with_a_reason()
    {
        var counties = await CountiesAsync();
        var (probeId, _, probe) = await SubmitAcrossAsync("Probe", 0.005, 0.7);
        var target = probe.First(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)
            && counties[h.Account.Split('/')[2]].Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Hebei);
        var (w, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Post, $"/cases/{probeId}/withdraw", """{"reason":"probe"}""");
        Assert.Equal(HttpStatusCode.OK, w);

        // A proposed transfer holds all but half of what the case needs.
        var county = target.Account.Split('/')[2];
        var other = counties.Values.First(c => c.Id != county && c.Properties["provinceId"]!.GetValue<string>() == Jurisdictions.Hebei).Id;
        var available = (await server.Store.GetBalancesAsync(new LedgerQuery(Account: target.Account), Ct)).Single().Available;
        var (ts, tbody) = await SendAsync(await server.ClientAsAsync(TestAccounts.Admin), HttpMethod.Post, "/ledger/transfers",
            $$"""{"from":"{{county}}","to":"{{other}}","kind":"{{Quota}}","period":"{{target.Account.Split('/')[1]}}","amount":{{available - target.Amount / 2}},"terms":{"text":"test"} }""");
        Assert.True(ts == HttpStatusCode.Created, tbody.ToJsonString());

        var (id, opened, holds) = await SubmitAcrossAsync("Uncovered depot", 0.005, 0.7);
        Assert.Empty(holds);
        var shortfall = opened["ledgerShortfall"]!.AsObject();
        Assert.Equal(target.Account, shortfall["account"]!.GetValue<string>());
        Assert.Equal(target.Amount / 2, shortfall["available"]!.GetValue<long>());
        Assert.Equal(target.Amount, shortfall["needed"]!.GetValue<long>());
        Assert.Contains(opened["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "ledger-uncovered");
        var (_, inbox) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, "/cases?inbox=true");
        Assert.True(inbox["cases"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!["ledgerUncovered"]!.GetValue<bool>());

        // Every reviewer approves; the approval that would decide the case is refused, naming account, available and needed.
        var answers = await ApproveAllAsync(id);
        var (refusedStatus, refused) = answers[^1];
        Assert.Equal(HttpStatusCode.Conflict, refusedStatus);
        Assert.Equal(target.Account, refused["account"]!.GetValue<string>());
        Assert.True(refused["available"]!.GetValue<long>() < refused["needed"]!.GetValue<long>());
        Assert.Contains("override", refused["detail"]!.GetValue<string>());
        Assert.Empty(await TransactionsOfAsync(id));

        // Without a reason the office cannot override; with one, the case is approved and the shortfall comes from the pool.
        var office = await server.ClientAsAsync(TestAccounts.Office);
        var (noReason, _) = await SendAsync(office, HttpMethod.Post, $"/cases/{id}/override", """{"decision":"approve","reason":""}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason);
        var (os, obody) = await SendAsync(office, HttpMethod.Post, $"/cases/{id}/override", """{"decision":"approve","reason":"regional priority project"}""");
        Assert.True(os == HttpStatusCode.OK, obody.ToJsonString());
        Assert.Equal("approved", Status(obody));
        var posted = Assert.Single(await TransactionsOfAsync(id));
        Assert.Contains(posted.Postings, p => p.Account == LedgerAccount.IdOf(Quota, target.Account.Split('/')[1], "@pool") && p.Amount < 0);
        Assert.Equal(-(target.Amount / 2), posted.Postings.Single(p => p.Account == target.Account).Amount);
        Assert.True((await server.Store.GetBalancesAsync(new LedgerQuery(Account: target.Account), Ct)).Single().Available >= 0);
        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }

    [Fact]
    public Task fifty_concurrent_case_holds_and_transfers_draining_one_account_never_overspend_it_on_sqlite() =>
        LedgerRace.RunAsync(server.Client, server.ClientAsAsync, server.Store, 20);
}
