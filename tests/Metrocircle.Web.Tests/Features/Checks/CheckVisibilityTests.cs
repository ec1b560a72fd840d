using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Checks;

/// <summary>
/// Issue 11: a stored check is read by the proponent who made it, reviewers of a province it touches, the office and
/// administrators; everyone else gets the same 404 as for an id that was never stored.
/// </summary>
public sealed class CheckVisibilityTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A small square in central Beijing, checked by <see cref="TestAccounts.Proponent"/>.</summary>
    private async Task<string> BeijingCheckAsync()
    {
        const string feature = """{"type":"Feature","properties":{"category":"rd-campus"},"geometry":{"type":"Polygon","coordinates":[[[116.398,39.898],[116.402,39.898],[116.402,39.902],[116.398,39.902],[116.398,39.898]]]}}""";
        using var content = new StringContent(feature, Encoding.UTF8, "application/geo+json");
        using var response = await (await server.ClientAsAsync(TestAccounts.Proponent)).PostAsync("/checks", content, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal([Jurisdictions.Beijing], body["provinces"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        return body["id"]!.GetValue<string>();
    }

    private async Task<HttpStatusCode[]> ReadAsync(HttpClient client, string id)
    {
        using var check = await client.GetAsync($"/checks/{id}", Ct);
        using var report = await client.GetAsync($"/checks/{id}/report", Ct);
        if (check.StatusCode == HttpStatusCode.NotFound)
        {
            // Hidden is indistinguishable from absent.
            using var absent = await client.GetAsync("/checks/chk-never-stored", Ct);
            var (hidden, never) = (JsonNode.Parse(await check.Content.ReadAsStringAsync(Ct))!, JsonNode.Parse(await absent.Content.ReadAsStringAsync(Ct))!);
            Assert.Equal((never["title"]!.GetValue<string>(), never["detail"]!.GetValue<string>().Replace("chk-never-stored", id, StringComparison.Ordinal)),
                (hidden["title"]!.GetValue<string>(), hidden["detail"]!.GetValue<string>()));
        }

        return [check.StatusCode, report.StatusCode];
    }

    private async Task<HttpStatusCode> ReadAsAsync(string userName, string id)
    {
        var answers = await ReadAsync(await server.ClientAsAsync(userName), id);
        Assert.Equal(answers[0], answers[1]);
        return answers[0];
    }

    [Fact]
    public async Task issue_11_a_check_is_read_by_its_proponent_reviewers_of_its_province_the_office_and_administrators_only()
    {
        var id = await BeijingCheckAsync();

        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.Proponent, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.BeijingReviewer, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.BeijingNaturalResources, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.Office, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.Admin, id));

        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.HebeiReviewer, id));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.TianjinReviewer, id));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.OtherProponent, id));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], await ReadAsync(server.Client, id));
    }

    [Fact]
    public async Task issue_11_a_check_without_an_owner_is_not_readable_by_holding_its_id()
    {
        // As checks were stored before accounts existed (anonymous) and as the CLI stores them: no submittedBy.
        var made = JsonNode.Parse(await (await server.ClientAsAsync(TestAccounts.Proponent)).GetStringAsync($"/checks/{await BeijingCheckAsync()}", Ct))!.AsObject();
        var id = CheckDocument.NewId();
        made["id"] = id;
        made.Remove("submittedBy");
        await server.Store.PutDocumentAsync(CheckDocument.Kind, id, made.ToJsonString(), Ct);

        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.Proponent, id));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.OtherProponent, id));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsAsync(TestAccounts.HebeiReviewer, id));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], await ReadAsync(server.Client, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.BeijingReviewer, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.Office, id));
        Assert.Equal(HttpStatusCode.OK, await ReadAsAsync(TestAccounts.Admin, id));
    }
}
