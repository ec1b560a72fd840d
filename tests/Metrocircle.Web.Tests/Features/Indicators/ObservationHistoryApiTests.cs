using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Indicators;

public sealed class ObservationHistoryApiTests(SeededServer server)
{
    // The one indicator no shipped figure and no other test of this server writes, and a year no one else uses.
    private const string Indicator = "plain-new-towns-added-residents";
    private const int Year = 1990;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string ContentType, JsonObject Body)> Send(string user, HttpMethod method, string path, string? csv = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (csv is not null)
        {
            request.Content = new StringContent(csv, Encoding.UTF8, "text/csv");
        }

        using var response = await (await server.ClientAsAsync(user)).SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", JsonNode.Parse(text)!.AsObject());
    }

    private async Task<string> ProvinceAsync(string nameEn)
    {
        var (_, _, provinces) = await Send(TestAccounts.Office, HttpMethod.Get, "/collections/provinces/items?limit=100");
        return provinces["features"]!.AsArray().Single(f => f!["properties"]!["nameEn"]!.GetValue<string>() == nameEn)!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task issue_11_a_corrected_observation_keeps_the_old_value_readable_with_who_replaced_it_and_when()
    {
        var beijing = await ProvinceAsync("Beijing");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (first, _, _) = await Send(TestAccounts.Office, HttpMethod.Post, "/indicators/observations",
            $"indicator,scope,year,value,unit,source\n{Indicator},{beijing},{Year},1000,persons,first count\n");
        Assert.Equal(HttpStatusCode.OK, first);
        var (second, _, corrected) = await Send(TestAccounts.BeijingReviewer, HttpMethod.Post, "/indicators/observations",
            $"indicator,scope,year,value,unit,source\n{Indicator},{beijing},{Year},1200,persons,corrected count\n");
        Assert.True(second == HttpStatusCode.OK, corrected.ToJsonString());

        // Read by someone who neither imported: the proponent may read indicators like anyone signed in.
        var (status, type, body) = await Send(TestAccounts.Proponent, HttpMethod.Get, $"/indicators/{Indicator}/observations/history?scope={beijing}&year={Year}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        var history = body["history"]!.AsArray().Select(h => h!.AsObject()).ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal([1000.0, 1200.0], history.Select(h => h["value"]!.GetValue<double>()));
        Assert.Equal(["first count", "corrected count"], history.Select(h => h["source"]!.GetValue<string>()));
        Assert.Equal([TestAccounts.Office, TestAccounts.BeijingReviewer], history.Select(h => h["importedBy"]!.GetValue<string>()));
        Assert.Equal(TestAccounts.BeijingReviewer, history[0]["replacedBy"]!.GetValue<string>());
        Assert.InRange(history[0]["replacedAt"]!.GetValue<DateTimeOffset>(), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Null(history[1]["replacedAt"]);
        Assert.Equal([false, true], history.Select(h => h["current"]!.GetValue<bool>()));

        // The indicator read still shows the current value only.
        var (_, _, indicator) = await Send(TestAccounts.Proponent, HttpMethod.Get, $"/indicators/{Indicator}");
        var point = indicator["series"]!.AsArray().Single(s => s!["scope"]!.GetValue<string>() == beijing)!["points"]!.AsArray().Single(p => p!["year"]!.GetValue<int>() == Year)!;
        Assert.Equal(1200, point["value"]!.GetValue<double>());
    }

    [Fact]
    public async Task bad_history_reads_are_problems_saying_what_is_wrong()
    {
        var (unknown, type, body) = await Send(TestAccounts.Office, HttpMethod.Get, "/indicators/gdp/observations/history");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("application/problem+json", type);
        Assert.Contains(Indicator, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var (early, earlyType, earlyBody) = await Send(TestAccounts.Office, HttpMethod.Get, $"/indicators/{Indicator}/observations/history?year=1200");
        Assert.Equal(HttpStatusCode.BadRequest, early);
        Assert.Equal("application/problem+json", earlyType);
        Assert.Contains("1200 is outside", earlyBody["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var (none, _, empty) = await Send(TestAccounts.Office, HttpMethod.Get, $"/indicators/{Indicator}/observations/history?scope=nowhere");
        Assert.Equal(HttpStatusCode.OK, none);
        Assert.Empty(empty["history"]!.AsArray());
    }
}
