using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>
/// The land ledger over HTTP on the shared seeded server (issue 13). The server's ledger is shared with other tests,
/// so each test works on counties of its own and compares balances before and after.
/// </summary>
public sealed class LedgerApiTests(SeededServer server)
{
    private const string Quota = "new-construction-land", Period = "2026-2030";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Counties of a province (by English name), ordered by id; which ones a test uses is its own choice.</summary>
    private async Task<List<PlanFeature>> CountiesOfAsync(string provinceNameEn)
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var provinces = new List<PlanFeature>();
        await foreach (var p in server.Store.StreamFeaturesAsync(version, "provinces", Ct))
        {
            provinces.Add(p);
        }

        var province = provinces.Single(p => p.Properties["nameEn"]?.GetValue<string>() == provinceNameEn).Id;
        var counties = new List<PlanFeature>();
        await foreach (var c in server.Store.StreamFeaturesAsync(version, "counties", Ct))
        {
            if (c.Properties["provinceId"]?.GetValue<string>() == province)
            {
                counties.Add(c);
            }
        }

        return [.. counties.OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static string Account(string county) => LedgerAccount.IdOf(Quota, Period, county);

    private async Task<JsonObject> BalanceAsync(string county)
    {
        var (status, body) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/ledger/balances?jurisdiction={county}&kind={Quota}&period={Period}");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["balances"]!.AsArray().Single()!.AsObject();
    }

    private static string Transfer(string from, string to, object amount, string kind = Quota, string period = Period) =>
        JsonSerializer.Serialize(new { from, to, kind, period, amount, terms = new { text = "price agreed by both sides", figures = new { priceYuan = 1_200_000 } } });

    [Fact]
    public async Task accounts_are_read_by_the_office_in_full_by_a_reviewer_for_their_own_province_and_not_by_the_public_or_a_proponent()
    {
        var (anonymous, _) = await SendAsync(server.Client, HttpMethod.Get, "/ledger/accounts");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        var (proponent, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, "/ledger/accounts");
        Assert.Equal(HttpStatusCode.Forbidden, proponent);

        var (s1, all) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, "/ledger/accounts");
        Assert.True(s1 == HttpStatusCode.OK, all.ToJsonString());
        Assert.True(all["synthetic"]!.GetValue<bool>());
        Assert.Equal("m2", all["unit"]!.GetValue<string>());
        var kinds = all["kinds"]!.AsArray().Count;
        var periods = all["periods"]!.AsArray().Count;
        var beijing = await CountiesOfAsync("Beijing");
        var hebei = await CountiesOfAsync("Hebei");
        var tianjin = await CountiesOfAsync("Tianjin");
        var counties = beijing.Count + hebei.Count + tianjin.Count;
        Assert.Equal(kinds * periods * (counties + 3), all["accounts"]!.AsArray().Count);

        var (s2, own) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, "/ledger/accounts");
        Assert.True(s2 == HttpStatusCode.OK, own.ToJsonString());
        var hebeiIds = hebei.Select(c => c.Id).ToHashSet();
        Assert.Equal(kinds * periods * hebei.Count, own["accounts"]!.AsArray().Count);
        Assert.All(own["accounts"]!.AsArray(), a => Assert.Contains(a!["jurisdiction"]!.GetValue<string>(), hebeiIds));

        var (s3, totals) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, $"/ledger/balances?kind={Quota}&period={Period}");
        Assert.True(s3 == HttpStatusCode.OK, totals.ToJsonString());
        var total = totals["totals"]!.AsArray().Single()!;
        Assert.Equal(1_500_000_000, total["granted"]!.GetValue<long>());
        Assert.Equal(total["granted"]!.GetValue<long>(), total["pool"]!.GetValue<long>() + total["jurisdictions"]!.GetValue<long>() + total["used"]!.GetValue<long>());
        Assert.All(totals["balances"]!.AsArray(), b => Assert.Contains(b!["jurisdiction"]!.GetValue<string>(), hebeiIds));
        var (s4, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, $"/ledger/balances?jurisdiction={beijing[0].Id}");
        Assert.Equal(HttpStatusCode.Forbidden, s4);
    }

    [Theory]
    [InlineData("kind=gold", "Unknown kind")]
    [InlineData("period=2099-2100", "Unknown period")]
    [InlineData("jurisdiction=nowhere", "Unknown jurisdiction")]
    [InlineData("asOf=yesterday", "Invalid date")]
    public async Task a_balance_query_naming_what_is_not_there_is_a_problem_saying_which_parameter(string query, string title)
    {
        var (status, body) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, "/ledger/balances?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(title, body["title"]!.GetValue<string>());
        Assert.Equal(query.Split('=')[0], body["parameter"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_bad_transfer_is_refused_with_a_problem_and_holds_and_posts_nothing()
    {
        var hebei = await CountiesOfAsync("Hebei");
        var (from, to) = (hebei[1].Id, hebei[2].Id);
        var before = await BalanceAsync(from);
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        (string Body, string Field)[] bad =
        [
            (Transfer(from, to, 100, kind: "gold"), "kind"),
            (Transfer(from, to, 100, period: "2099-2100"), "period"),
            (Transfer("nowhere", to, 100), "from"),
            (Transfer(from, from, 100), "to"),
            (Transfer(from, to, -5), "amount"),
            (Transfer(from, to, 0), "amount"),
            (Transfer(from, to, "100"), "amount"),
            (Transfer(from, to, 1.5), "amount"),
        ];
        foreach (var (json, field) in bad)
        {
            var (status, body) = await SendAsync(admin, HttpMethod.Post, "/ledger/transfers", json);
            Assert.True(status == HttpStatusCode.UnprocessableEntity, json + " → " + body.ToJsonString());
            Assert.StartsWith(field + ":", body["detail"]!.GetValue<string>());
        }

        var (tooMuch, refused) = await SendAsync(admin, HttpMethod.Post, "/ledger/transfers", Transfer(from, to, before["available"]!.GetValue<long>() + 1));
        Assert.Equal(HttpStatusCode.Conflict, tooMuch);
        Assert.Equal(before["available"]!.GetValue<long>(), refused["available"]!.GetValue<long>());

        var (notTheirs, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.BeijingReviewer), HttpMethod.Post, "/ledger/transfers", Transfer(from, to, 1));
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs);
        Assert.Equal(before.ToJsonString(), (await BalanceAsync(from)).ToJsonString());
    }

    [Fact]
    public async Task a_transfer_from_beijing_to_hebei_needs_both_sides_their_natural_resources_departments_and_the_office_and_is_posted_on_approval()
    {
        var from = (await CountiesOfAsync("Beijing"))[3].Id;
        var to = (await CountiesOfAsync("Hebei"))[3].Id;
        var (fromBefore, toBefore) = (await BalanceAsync(from), await BalanceAsync(to));
        const long amount = 12_345;
        var (s, proposed) = await SendAsync(await server.ClientAsAsync(TestAccounts.Admin), HttpMethod.Post, "/ledger/transfers", Transfer(from, to, amount));
        Assert.True(s == HttpStatusCode.Created, proposed.ToJsonString());
        var caseId = proposed["caseId"]!.GetValue<string>();
        var tasks = proposed["case"]!["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.Equal(new[] { "coordination/", $"department/{Jurisdictions.Beijing}", $"department/{Jurisdictions.Hebei}", $"jurisdiction/{Jurisdictions.Beijing}", $"jurisdiction/{Jurisdictions.Hebei}" }.Order(StringComparer.Ordinal),
            tasks.Select(t => $"{t["kind"]!.GetValue<string>()}/{t["jurisdiction"]?.GetValue<string>()}").Order(StringComparer.Ordinal));
        Assert.All(tasks.Where(t => t["kind"]!.GetValue<string>() == "department"), t => Assert.Equal("natural-resources", t["department"]!.GetValue<string>()));

        // Held, not yet moved.
        var held = await BalanceAsync(from);
        Assert.Equal(fromBefore["balance"]!.GetValue<long>(), held["balance"]!.GetValue<long>());
        Assert.Equal(fromBefore["available"]!.GetValue<long>() - amount, held["available"]!.GetValue<long>());

        // A Hebei reviewer may not approve Beijing's side.
        var beijingTask = tasks.Single(t => t["kind"]!.GetValue<string>() == "jurisdiction" && t["jurisdiction"]!.GetValue<string>() == Jurisdictions.Beijing);
        var (wrong, problem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), caseId, beijingTask["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.Forbidden, wrong);
        Assert.NotNull(problem["detail"]);

        foreach (var task in tasks)
        {
            var (status, body) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "approve", 1, "agreed");
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        }

        var (_, closed) = await SendAsync(await server.ClientAsAsync(TestAccounts.Office), HttpMethod.Get, $"/cases/{caseId}");
        Assert.Equal("approved", Status(closed));
        var (fromAfter, toAfter) = (await BalanceAsync(from), await BalanceAsync(to));
        Assert.Equal(fromBefore["balance"]!.GetValue<long>() - amount, fromAfter["balance"]!.GetValue<long>());
        Assert.Equal(fromBefore["available"]!.GetValue<long>() - amount, fromAfter["available"]!.GetValue<long>());
        Assert.Equal(toBefore["balance"]!.GetValue<long>() + amount, toAfter["balance"]!.GetValue<long>());

        var (_, history) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, $"/ledger/transactions?account={Uri.EscapeDataString(Account(to))}");
        var posted = history["items"]!.AsArray().Last()!;
        Assert.Equal(caseId, posted["caseId"]!.GetValue<string>());
        Assert.Equal(1_200_000, posted["terms"]!["figures"]!["priceYuan"]!.GetValue<long>());
        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }

    [Fact]
    public async Task a_rejected_transfer_releases_its_hold_and_posts_nothing()
    {
        var hebei = await CountiesOfAsync("Hebei");
        var (from, to) = (hebei[5].Id, hebei[6].Id);
        var before = await BalanceAsync(from);
        var (_, proposed) = await SendAsync(await server.ClientAsAsync(TestAccounts.Admin), HttpMethod.Post, "/ledger/transfers", Transfer(from, to, 1_000));
        var caseId = proposed["caseId"]!.GetValue<string>();
        var task = proposed["case"]!["tasks"]!.AsArray().Select(t => t!.AsObject()).First(t => t["kind"]!.GetValue<string>() == "jurisdiction");
        var (status, body) = await DecideAsync(await server.ClientAsAsync(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "reject", 1, "price too low");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(before.ToJsonString(), (await BalanceAsync(from)).ToJsonString());
        Assert.Equal(HoldStatus.Released, (await server.Store.ListHoldsAsync(caseId, Ct)).Single().Status);
    }

    [Fact]
    public async Task fifty_concurrent_transfers_draining_one_account_never_overspend_it_and_the_losers_are_told_the_balance()
    {
        var hebei = await CountiesOfAsync("Hebei");
        var (from, to) = (hebei[8].Id, hebei[9].Id);
        var available = (await BalanceAsync(from))["available"]!.GetValue<long>();
        var amount = available / 20;
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var results = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SendAsync(admin, HttpMethod.Post, "/ledger/transfers", Transfer(from, to, amount))));
        Assert.Equal(20, results.Count(r => r.Status == HttpStatusCode.Created));
        var losers = results.Where(r => r.Status != HttpStatusCode.Created).ToList();
        Assert.All(losers, r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.True(r.Body["available"]!.GetValue<long>() < amount);
        });
        var after = await BalanceAsync(from);
        Assert.Equal(available - 20 * amount, after["available"]!.GetValue<long>());
        Assert.True(after["available"]!.GetValue<long>() >= 0);
        Assert.Null((await LedgerVerifier.VerifyAsync(server.Store, Ct)).FirstBreak);
    }
}
