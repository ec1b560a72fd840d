using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Tests.Features.Cases;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Mismatch;

/// <summary>
/// Stored cases in <c>GET /mismatch</c> (rules M8–M10): submitted over HTTP in two counties of Chengde, which no other
/// test submits to, so that the quota demand there is these cases' holds alone.
/// </summary>
public sealed class MismatchCasesTests(SeededServer server)
{
    private const string Quota = "new-construction-land";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Interior points of the first two counties of Chengde (by id).</summary>
    private async Task<List<(string Id, double Lon, double Lat)>> ChengdeCountiesAsync()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/counties/items?limit=1000", Ct));
        return [.. doc.RootElement.GetProperty("features").EnumerateArray()
            .Where(f => f.GetProperty("properties").TryGetProperty("cityId", out var city) && city.GetString() == Jurisdictions.Chengde)
            .Select(f => (Id: f.GetProperty("id").GetString()!, Point: GeoJsonGeometry.Read(f.GetProperty("geometry"))!.InteriorPoint))
            .OrderBy(c => c.Id, StringComparer.Ordinal).Take(2)
            .Select(c => (c.Id, c.Point.X, c.Point.Y))];
    }

    private async Task<string> SubmitAtAsync(string title, string category, double lon, double lat, double half)
    {
        var (status, body) = await CaseRequests.SubmitAsync(await server.ClientAsAsync(TestAccounts.Proponent), title, Feature(Square(lon, lat, half), category));
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return body["id"]!.GetValue<string>();
    }

    [Fact]
    public void the_analysis_reads_uncovered_cases_by_the_words_the_ledger_writes_in_their_timeline()
    {
        Assert.Equal(CaseHolds.Uncovered, MismatchFeeds.UncoveredAction);
        Assert.Equal(CaseHolds.Covered, MismatchFeeds.CoveredAction);
    }

    [Fact]
    public async Task an_industrial_case_outside_every_park_and_large_housing_far_from_stations_are_findings_and_their_holds_are_the_quota_demand()
    {
        var counties = await ChengdeCountiesAsync();
        Assert.Equal(2, counties.Count);
        var (industryCounty, lon1, lat1) = counties[0];
        var (housingCounty, lon2, lat2) = counties[1];
        // About 1.7 km × 2.2 km of manufacturing and 0.5 km × 0.7 km (over 10 ha) of housing, far from Tianjin's stations and the parks.
        var industry = await SubmitAtAsync("Cement works", "general-manufacturing", lon1, lat1, 0.01);
        var housing = await SubmitAtAsync("Hillside estate", "housing", lon2, lat2, 0.003);

        var industryHolds = (await server.Store.ListHoldsAsync(industry, Ct)).Where(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)).ToList();
        var housingHolds = (await server.Store.ListHoldsAsync(housing, Ct)).Where(h => h.Account.StartsWith(Quota + "/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(industryHolds);
        Assert.NotEmpty(housingHolds);
        var period = industryHolds[0].Account.Split('/')[1];
        var year = int.Parse(period[..4], CultureInfo.InvariantCulture);

        var client = await server.ClientAsAsync(TestAccounts.Office);
        var body = await client.GetFromJsonAsync<JsonElement>($"/mismatch?year={year}", Ct);
        var findings = body.GetProperty("findings").EnumerateArray().ToList();
        List<string> Places(JsonElement f) => [.. f.GetProperty("places").EnumerateArray().Select(p => p.GetString()!)];

        var outside = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "industry-outside-belts" && Places(f).Contains(industry));
        Assert.Equal([industry, industryCounty], Places(outside));
        var far = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "housing-far-from-rail" && Places(f).Contains(housing));
        Assert.Equal([housing, housingCounty], Places(far));
        Assert.True(far.GetProperty("value").GetDouble() > far.GetProperty("threshold").GetDouble());
        Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() == "housing-far-from-rail" && Places(f).Contains(industry));

        // The quota figures: demand in each county is the case's open hold there; left is the account's balance.
        var quota = body.GetProperty("quota");
        Assert.Equal(Quota, quota.GetProperty("kind").GetString());
        Assert.Equal(period, quota.GetProperty("period").GetString());
        var places = quota.GetProperty("places").EnumerateArray().ToDictionary(p => p.GetProperty("jurisdiction").GetString()!);
        var balances = (await server.Store.GetBalancesAsync(new LedgerQuery(Kind: Quota, Period: period), Ct)).ToDictionary(b => b.Account.Id);
        foreach (var (county, holds) in new[] { (industryCounty, industryHolds), (housingCounty, housingHolds) })
        {
            Assert.Equal(holds.Where(h => h.Account.EndsWith("/" + county, StringComparison.Ordinal)).Sum(h => h.Amount), places[county].GetProperty("demandM2").GetDouble());
            Assert.Equal(balances[LedgerAccount.IdOf(Quota, period, county)].Balance, places[county].GetProperty("remainingM2").GetDouble());
        }
    }
}
