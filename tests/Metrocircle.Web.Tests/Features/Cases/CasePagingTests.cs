using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>Issue 11: the office's and administrators' case lists come a page at a time, by key, filtered in SQL.</summary>
public sealed class CasePagingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A host of its own holding five cases: even ones in Beijing alone, odd ones across Beijing and Hebei (with a coordination task).</summary>
    private static async Task<LightServer> WithCasesAsync()
    {
        var server = await LightServer.StartAsync(SeededServer.Unlimited);
        for (var i = 0; i < 5; i++)
        {
            string[] provinces = i % 2 == 0 ? [Jurisdictions.Beijing] : [Jurisdictions.Beijing, Jurisdictions.Hebei];
            var verdict = new Verdict("aligned", "plan@1", "2026.1", "sha256:x", "housing", "Housing", 10, [],
                [.. provinces.Select(p => new ShareOfPlace("provinces", p, p, null, 1, 1.0 / provinces.Length))], [], [], [], [], []);
            var file = CaseWorkflow.Open($"case-p{i}", "Paged project " + i, new Actor(TestAccounts.Proponent, Role.Proponent),
                new CheckedSubmission("chk-p" + i, verdict, JsonNode.Parse("""{"type":"Point","coordinates":[116.4,39.9]}""")!, null), ApprovalRules.Default, T0.AddMinutes(i)).File!;
            await server.Store.CreateCaseAsync(file, [], TestContext.Current.CancellationToken);
        }

        return server;
    }

    private static async Task<HttpClient> AsAsync(LightServer server, string userName)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(server.Client(), userName));
        return client;
    }

    private static IEnumerable<string> Ids(JsonObject list) => list["cases"]!.AsArray().Select(c => c!["id"]!.GetValue<string>());

    [Theory]
    [InlineData(TestAccounts.Office)]
    [InlineData(TestAccounts.Admin)]
    public async Task issue_11_the_region_wide_case_list_comes_a_page_at_a_time(string userName)
    {
        await using var server = await WithCasesAsync();
        using var client = await AsAsync(server, userName);

        var seen = new List<string>();
        var url = "/cases?limit=2";
        for (var pages = 1; ; pages++)
        {
            var (status, page) = await SendAsync(client, HttpMethod.Get, url);
            Assert.True(status == HttpStatusCode.OK, page.ToJsonString());
            Assert.True(page["numberReturned"]!.GetValue<int>() <= 2);
            seen.AddRange(Ids(page));
            if (page["next"]?.GetValue<string>() is not { } next)
            {
                Assert.Equal(3, pages);
                break;
            }

            url = "/cases?limit=2&after=" + Uri.EscapeDataString(next);
        }

        Assert.Equal(["case-p4", "case-p3", "case-p2", "case-p1", "case-p0"], seen);
    }

    [Fact]
    public async Task issue_11_the_office_inbox_holds_only_cases_with_a_task_for_the_office()
    {
        await using var server = await WithCasesAsync();
        using var office = await AsAsync(server, TestAccounts.Office);

        var (_, inbox) = await SendAsync(office, HttpMethod.Get, "/cases?inbox=true&limit=1");
        Assert.Equal(["case-p3"], Ids(inbox));
        var (_, rest) = await SendAsync(office, HttpMethod.Get, "/cases?inbox=true&after=" + Uri.EscapeDataString(inbox["next"]!.GetValue<string>()));

        Assert.Equal(["case-p1"], Ids(rest));
        Assert.Null(rest["next"]);
    }

    [Theory]
    [InlineData("/cases?limit=0", "limit")]
    [InlineData("/cases?limit=501", "limit")]
    [InlineData("/cases?after=not-a-cursor", "after")]
    [InlineData("/cases?after=MTIzfA", "after")]
    public async Task a_bad_limit_or_cursor_is_a_400_naming_the_parameter(string url, string parameter)
    {
        await using var server = await LightServer.StartAsync(SecuritySettings.Default);
        using var office = await AsAsync(server, TestAccounts.Office);

        var (status, problem) = await SendAsync(office, HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(parameter, problem["parameter"]!.GetValue<string>());
    }
}
