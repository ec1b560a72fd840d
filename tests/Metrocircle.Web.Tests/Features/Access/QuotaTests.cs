using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>Issue 11: quotas per account, as settings: attachments (count and bytes) per case, stored checks per 24 hours.</summary>
public sealed class QuotaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> AsAsync(LightServer server, string userName)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(server.Client(), userName));
        return client;
    }

    private static async Task OpenCaseAsync(LightServer server, string id)
    {
        var verdict = new Verdict("aligned", "plan@1", "2026.1", "sha256:x", "housing", "Housing", 10, [],
            [new ShareOfPlace("provinces", Jurisdictions.Beijing, "Beijing", null, 10, 1)], [], [], [], [], []);
        var file = CaseWorkflow.Open(id, "Quota project", new Actor(TestAccounts.Proponent, Role.Proponent),
            new CheckedSubmission("chk-" + id, verdict, JsonNode.Parse("""{"type":"Point","coordinates":[116.4,39.9]}""")!, null), ApprovalRules.Default, DateTimeOffset.UtcNow).File!;
        await server.Store.CreateCaseAsync(file, [], Ct);
    }

    private static async Task<(HttpStatusCode Status, string Body)> AttachAsync(HttpClient client, string caseId, int bytes)
    {
        using var content = new ByteArrayContent(new byte[bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await client.PostAsync($"/cases/{caseId}/attachments?name=note.txt", content, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task issue_11_one_account_attaches_at_most_the_set_number_of_files_to_a_case()
    {
        await using var server = await LightServer.StartAsync(SeededServer.Unlimited with { AttachmentsPerCase = 2 });
        await OpenCaseAsync(server, "case-q1");
        using var proponent = await AsAsync(server, TestAccounts.Proponent);

        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(proponent, "case-q1", 10)).Status);
        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(proponent, "case-q1", 10)).Status);
        var (status, body) = await AttachAsync(proponent, "case-q1", 10);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("t-acme has attached 2 files to case case-q1, the most one account may (METROCIRCLE_ATTACHMENTS_PER_CASE)", body, StringComparison.Ordinal);
        using var office = await AsAsync(server, TestAccounts.Office);
        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(office, "case-q1", 10)).Status);
        var (_, stored) = await Cases.CaseRequests.SendAsync(office, HttpMethod.Get, "/cases/case-q1");
        Assert.Equal(3, stored["attachments"]!.AsArray().Count);
    }

    [Fact]
    public async Task issue_11_one_account_attaches_at_most_the_set_bytes_to_a_case()
    {
        await using var server = await LightServer.StartAsync(SeededServer.Unlimited with { AttachmentBytesPerCase = 100 });
        await OpenCaseAsync(server, "case-q2");
        using var proponent = await AsAsync(server, TestAccounts.Proponent);

        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(proponent, "case-q2", 60)).Status);
        var (status, body) = await AttachAsync(proponent, "case-q2", 60);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("(METROCIRCLE_ATTACHMENT_MIB_PER_CASE)", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await AttachAsync(proponent, "case-q2", 40)).Status);
    }

    [Fact]
    public async Task issue_11_an_account_that_stored_its_daily_checks_is_refused_and_others_are_not()
    {
        await using var server = await LightServer.StartAsync(SeededServer.Unlimited with { ChecksPerDay = 2 });
        for (var i = 0; i < 2; i++)
        {
            await server.Store.AppendAuditAsync(TestAccounts.Proponent, ProjectCheck.AuditAction, $"chk-{i}", "{}", Ct);
        }

        const string feature = """{"type":"Feature","properties":{"category":"housing"},"geometry":{"type":"Point","coordinates":[116.4,39.9]}}""";
        using var full = await (await AsAsync(server, TestAccounts.Proponent)).PostAsync("/checks", new StringContent(feature, System.Text.Encoding.UTF8, "application/geo+json"), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.Contains("t-acme has stored 2 checks in the last 24 hours", await full.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Another account passes the quota (this host holds no plan, so its check stops there, with 503).
        using var other = await (await AsAsync(server, TestAccounts.OtherProponent)).PostAsync("/checks", new StringContent(feature, System.Text.Encoding.UTF8, "application/geo+json"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
    }
}
