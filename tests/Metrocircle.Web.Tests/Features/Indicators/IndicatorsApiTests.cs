using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Indicators;

public sealed class IndicatorsApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string ContentType, JsonObject Body)> Send(HttpMethod method, string path, string? body = null, string mediaType = "text/csv")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }

        using var response = await (await server.ClientAsAsync(TestAccounts.Office)).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task a_csv_with_bad_rows_is_refused_as_problem_json_listing_every_row_and_changes_nothing()
    {
        // Only indicators no other test of this server writes, so that tests running beside this one cannot move the count.
        async Task<int> Untouched() => (await server.Store.GetObservationsAsync("central-districts-population", Ct)).Count
            + (await server.Store.GetObservationsAsync("beijing-ecological-control-share", Ct)).Count;
        var before = await Untouched();
        var (status, type, body) = await Send(HttpMethod.Post, "/indicators/observations", """
            indicator,scope,year,value,unit,source
            central-districts-population,beijing-central,2021,10990000,persons,yearbook
            central-districts-population,beijing-central,2022,10980000,persons,yearbook
            central-districts-population,beijing-central,2022,10970000,persons,yearbook
            central-districts-population,nowhere,2023,10960000,persons,yearbook
            central-districts-population,beijing-central,2023,1.2e7,persons,yearbook
            beijing-ecological-control-share,beijing,2023,101,%,bureau
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("Invalid observations", body["title"]!.GetValue<string>());
        var rows = body["rows"]!.AsArray().Select(r => (r!["line"]!.GetValue<int>(), r["problem"]!.GetValue<string>())).ToList();
        Assert.Equal([4, 5, 7], rows.Select(r => r.Item1));
        Assert.Contains("already on line 3", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("unknown scope \"nowhere\"", rows[1].Item2, StringComparison.Ordinal);
        Assert.Contains("above the maximum of 100", rows[2].Item2, StringComparison.Ordinal);
        Assert.Equal(before, await Untouched());
    }

    [Fact]
    public async Task imported_observations_give_a_series_an_evaluation_with_its_reason_and_a_warning()
    {
        // Construction land is the indicator no shipped figure and no other test of this server writes. Rising 25 km² a
        // year from 2,600 km², it would pass the 2,760 km² cap in 2026.
        var json = new JsonArray([.. Enumerable.Range(2019, 5).Select(y => (JsonNode)new JsonObject
        {
            ["indicator"] = "beijing-construction-land", ["scope"] = Jurisdictions.Beijing, ["year"] = y, ["value"] = 2600 + ((y - 2019) * 25),
            ["unit"] = "km²", ["source"] = "constructed test series",
        })]);
        var (status, _, imported) = await Send(HttpMethod.Post, "/indicators/observations", json.ToJsonString(), "application/json");
        Assert.True(status == HttpStatusCode.OK, imported.ToJsonString());
        Assert.Equal(5, imported["imported"]!.GetValue<int>());

        var (_, _, indicator) = await Send(HttpMethod.Get, "/indicators/beijing-construction-land");
        var series = Assert.Single(indicator["series"]!.AsArray());
        Assert.Equal(Jurisdictions.Beijing, series!["scope"]!.GetValue<string>());
        Assert.Equal(5, series["points"]!.AsArray().Count);
        Assert.Equal(2760, indicator["targets"]![0]!["value"]!.GetValue<double>());
        var evaluation = Assert.Single(indicator["evaluations"]!.AsArray())!;
        Assert.Equal("off-track", evaluation["status"]!.GetValue<string>());
        Assert.Equal(2026, evaluation["crossingYear"]!.GetValue<int>());
        Assert.Equal(2035, evaluation["milestone"]!.GetValue<int>());
        Assert.Contains("projected to exceed the cap of 2,760 km² in 2026", evaluation["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var (_, _, warnings) = await Send(HttpMethod.Get, "/indicators/warnings?jurisdiction=110000");
        Assert.Contains(warnings["warnings"]!.AsArray(), w => w!["indicator"]!.GetValue<string>() == "beijing-construction-land");
        var (_, _, tianjin) = await Send(HttpMethod.Get, "/indicators/warnings?jurisdiction=120000");
        Assert.Empty(tianjin["warnings"]!.AsArray());

        // The same years again with one corrected figure: replaced, and said so.
        var (_, _, again) = await Send(HttpMethod.Post, "/indicators/observations",
            "indicator,scope,year,value,unit,source\nbeijing-construction-land,beijing,2023,2690,km²,revised\n");
        Assert.Equal(0, again["added"]!.GetValue<int>());
        Assert.Equal(2700, again["replaced"]![0]!["previousValue"]!.GetValue<double>());
    }

    [Fact]
    public async Task an_indicator_names_its_scopes_and_says_which_jurisdictions_contain_them()
    {
        var (status, _, central) = await Send(HttpMethod.Get, "/indicators/central-districts-population");
        Assert.Equal(HttpStatusCode.OK, status);
        var scope = Assert.Single(central["scopes"]!.AsArray(), s => s!["id"]!.GetValue<string>() == "beijing-central")!;
        Assert.Equal("Central districts of Beijing", scope["nameEn"]!.GetValue<string>());
        Assert.Equal([Jurisdictions.Beijing], scope["within"]!.AsArray().Select(w => w!.GetValue<string>()));

        var (_, _, population) = await Send(HttpMethod.Get, "/indicators/beijing-resident-population");
        var beijing = Assert.Single(population["scopes"]!.AsArray(), s => s!["id"]!.GetValue<string>() == Jurisdictions.Beijing)!;
        Assert.Equal("Beijing", beijing["nameEn"]!.GetValue<string>());
        Assert.Empty(beijing["within"]!.AsArray());
    }

    [Fact]
    public async Task the_catalogue_lists_every_indicator_with_its_sourced_targets_and_evaluations()
    {
        var (status, _, body) = await Send(HttpMethod.Get, "/indicators");
        Assert.Equal(HttpStatusCode.OK, status);
        var items = body["indicators"]!.AsArray().Select(i => i!.AsObject()).ToDictionary(i => i["id"]!.GetValue<string>());
        Assert.Contains("beijing-rail-length", items.Keys);
        var rail = items["beijing-rail-length"];
        Assert.Equal("target", rail["direction"]!.GetValue<string>());
        Assert.Equal(2500, rail["targets"]![0]!["value"]!.GetValue<double>());
        Assert.Single(rail["evaluations"]!.AsArray());
        Assert.Empty(items["redline-share"]["targets"]!.AsArray());
        Assert.Equal("area-share", items["redline-share"]["computed"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_catalogue_gives_each_indicator_its_role_and_each_role_its_progress()
    {
        var (status, _, body) = await Send(HttpMethod.Get, "/indicators");
        Assert.Equal(HttpStatusCode.OK, status);
        var roles = body["roles"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["capital-functions", "world-class-cluster", "civilisation", "collaborative-governance", "beautiful-china"], roles.Select(r => r["id"]!.GetValue<string>()));
        Assert.All(roles, r => Assert.False(string.IsNullOrWhiteSpace(r["nameZh"]!.GetValue<string>())));

        var indicators = body["indicators"]!.AsArray().Select(i => i!.AsObject()).ToList();
        foreach (var role in roles)
        {
            var id = role["id"]!.GetValue<string>();
            var own = indicators.Where(i => i["role"]?.GetValue<string>() == id).ToList();
            Assert.Equal(own.Select(i => i["id"]!.GetValue<string>()).Order(), role["indicators"]!.AsArray().Select(x => x!.GetValue<string>()).Order());

            // Each indicator counts once, by the worst status among its evaluations; none without targets is counted apart.
            string Worst(JsonObject i)
            {
                var statuses = i["evaluations"]!.AsArray().Select(e => e!["status"]!.GetValue<string>()).ToList();
                return statuses.Count == 0 ? "none" : new[] { "off-track", "at-risk", "on-track", "insufficient" }.First(statuses.Contains);
            }

            var worst = own.Select(Worst).ToList();
            Assert.Equal(worst.Count(w => w == "on-track"), role["onTrack"]!.GetValue<int>());
            Assert.Equal(worst.Count(w => w == "at-risk"), role["atRisk"]!.GetValue<int>());
            Assert.Equal(worst.Count(w => w == "off-track"), role["offTrack"]!.GetValue<int>());
            Assert.Equal(worst.Count(w => w == "insufficient"), role["insufficient"]!.GetValue<int>());
            Assert.Equal(worst.Count(w => w == "none"), role["withoutTarget"]!.GetValue<int>());
            Assert.Equal(role["tasks"]!.AsArray().Count, role["tasksDone"]!.GetValue<int>() + role["tasksOverdue"]!.GetValue<int>() + role["tasksOnTrack"]!.GetValue<int>());
        }

        Assert.Contains("redline-share", roles.Single(r => r["id"]!.GetValue<string>() == "beautiful-china")["indicators"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["heritage-protection"], roles.Single(r => r["id"]!.GetValue<string>() == "civilisation")["tasks"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(8, roles.Sum(r => r["tasks"]!.AsArray().Count));
    }

    [Fact]
    public async Task a_computed_indicator_has_a_value_for_every_county_of_the_version_in_force()
    {
        var (status, _, body) = await Send(HttpMethod.Get, "/indicators/redline-share");
        Assert.Equal(HttpStatusCode.OK, status);
        var values = body["computedValues"]!.AsArray();
        Assert.Equal(200, values.Count);
        Assert.All(values, v => Assert.InRange(v!["value"]!.GetValue<double>(), 0, 100));
        Assert.Contains(values, v => v!["value"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task an_unknown_indicator_is_a_problem_naming_the_known_ones()
    {
        var (status, type, body) = await Send(HttpMethod.Get, "/indicators/gdp");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("beijing-rail-length", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
