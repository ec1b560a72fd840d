using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Features.Collections;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>
/// Fifty requests at once against one county's quota over HTTP: case submissions (each holding what its footprint
/// takes) and transfers out of the county, with room for ten of them. Exactly ten win; the account never goes below
/// zero; a losing transfer gets a 409 with the balance, a losing case opens flagged with the shortfall. The same body
/// runs on SQLite and on PostGIS.
/// </summary>
internal static class LedgerRace
{
    private const string Quota = "new-construction-land";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task RunAsync(HttpClient anonymous, Func<string, Task<HttpClient>> clientAs, IPlanStore store, int countyIndex)
    {
        var ledger = (ILedgerStore)store;
        var version = (await store.GetCurrentVersionAsync(Ct))!.Id;
        var hebei = new List<PlanFeature>();
        await foreach (var c in store.StreamFeaturesAsync(version, "counties", Ct))
        {
            if (c.Properties["provinceId"]?.GetValue<string>() == Jurisdictions.Hebei)
            {
                hebei.Add(c);
            }
        }

        hebei.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        var proponent = await clientAs(TestAccounts.Proponent);
        var admin = await clientAs(TestAccounts.Admin);

        // A small square inside a county, away from the boundary tests, that takes construction land of that county only.
        string? feature = null;
        LedgerHold? probe = null;
        PlanFeature? county = null;
        foreach (var candidate in hebei.Skip(countyIndex).Take(15))
        {
            var at = candidate.Geometry!.InteriorPoint.Coordinate;
            var square = Feature(Square(at.X, at.Y, 0.002), "public-service");
            var (status, body) = await SubmitAsync(proponent, "Race probe", square);
            Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
            var id = body["id"]!.GetValue<string>();
            var holds = await ledger.ListHoldsAsync(id, Ct);
            await SendAsync(proponent, HttpMethod.Post, $"/cases/{id}/withdraw", """{"reason":"probe"}""");
            var quota = holds.Where(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)).ToList();
            if (holds.Count == 1 && quota.Count == 1 && quota[0].Account.EndsWith("/" + candidate.Id, StringComparison.Ordinal) && body["ledgerShortfall"] is null)
            {
                (feature, probe, county) = (square, quota[0], candidate);
                break;
            }
        }

        Assert.True(probe is not null, "no Hebei county among those tried takes construction land at its interior point");
        var amount = probe.Amount;
        var period = probe.Account.Split('/')[1];
        var other = hebei.First(c => c.Id != county!.Id).Id;
        string Transfer(long m2) => $$"""{"from":"{{county!.Id}}","to":"{{other}}","kind":"{{Quota}}","period":"{{period}}","amount":{{m2}},"terms":{"text":"race"} }""";

        // A proposed transfer holds all but room for ten and a half takings.
        var available = (await ledger.GetBalancesAsync(new LedgerQuery(Account: probe.Account), Ct)).Single().Available;
        var room = 10 * amount + amount / 2;
        var (ps, pbody) = await SendAsync(admin, HttpMethod.Post, "/ledger/transfers", Transfer(available - room));
        Assert.True(ps == HttpStatusCode.Created, pbody.ToJsonString());

        var cases = Enumerable.Range(0, 40).Select(i => SubmitAsync(proponent, $"Race case {i}", feature!)).ToList();
        var transfers = Enumerable.Range(0, 10).Select(_ => SendAsync(admin, HttpMethod.Post, "/ledger/transfers", Transfer(amount))).ToList();
        var caseResults = await System.Threading.Tasks.Task.WhenAll(cases);
        var transferResults = await System.Threading.Tasks.Task.WhenAll(transfers);

        Assert.All(caseResults, r => Assert.True(r.Status == HttpStatusCode.Created, r.Body.ToJsonString()));
        var covered = caseResults.Count(r => r.Body["ledgerShortfall"] is null);
        Assert.All(caseResults.Where(r => r.Body["ledgerShortfall"] is not null), r =>
        {
            var shortfall = r.Body["ledgerShortfall"]!.AsObject();
            Assert.Equal(probe.Account, shortfall["account"]!.GetValue<string>());
            Assert.True(shortfall["available"]!.GetValue<long>() < shortfall["needed"]!.GetValue<long>(), shortfall.ToJsonString());
        });
        var transferred = transferResults.Count(r => r.Status == HttpStatusCode.Created);
        Assert.All(transferResults.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.True(r.Body["available"]!.GetValue<long>() < amount, r.Body.ToJsonString());
        });

        Assert.Equal(10, covered + transferred);
        var after = (await ledger.GetBalancesAsync(new LedgerQuery(Account: probe.Account), Ct)).Single();
        Assert.Equal(room - 10 * amount, after.Available);
        Assert.True(after.Available >= 0 && after.Held <= after.Balance);
        Assert.Null((await LedgerVerifier.VerifyAsync(ledger, Ct)).FirstBreak);
    }
}

/// <summary>The race on PostgreSQL + PostGIS, where the writers are real concurrent transactions.</summary>
public sealed class PostgisLedgerRaceTests(PostgisServer postgis) : IClassFixture<PostgisServer>
{
    [Fact]
    public Task fifty_concurrent_case_holds_and_transfers_draining_one_account_never_overspend_it_on_postgis()
    {
        var server = postgis.Require();
        return LedgerRace.RunAsync(server.Client, server.ClientAsAsync, server.Store, 20);
    }
}
