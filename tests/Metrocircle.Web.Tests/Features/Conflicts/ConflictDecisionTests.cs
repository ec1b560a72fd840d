using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Conflicts;

/// <summary>
/// Issue 14: the coordination office accepts a patch with a reason (audited, idempotent), nobody else may; an
/// amendment's impact report lists the patches it would resolve. A server of its own: decisions change statuses
/// that the shared server's tests read.
/// </summary>
public sealed class ConflictDecisionTests(TimeTravelServer fixture) : IClassFixture<TimeTravelServer>
{
    private SeededServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpClient> As(string user) => FreshAsync(Server.BaseAddress, Server.Client, user);

    private async Task<List<JsonObject>> ConflictsAsync(string query = "")
    {
        var (status, body) = await SendAsync(Server.Client, HttpMethod.Get, "/conflicts" + query);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return [.. body["conflicts"]!.AsArray().Select(c => c!.AsObject())];
    }

    private static string Reason(string text) => new JsonObject { ["reason"] = text }.ToJsonString();

    private async Task<List<string>> AuditSubjectsAsync(string action)
    {
        var subjects = new List<string>();
        await foreach (var e in Server.Store.ReadAuditAsync(Ct))
        {
            if (e.Action == action)
            {
                subjects.Add(e.Subject);
            }
        }

        return subjects;
    }

    [Fact]
    public async Task the_office_accepts_a_patch_with_a_reason_once_and_audited_and_revoking_opens_it_again()
    {
        var patches = await ConflictsAsync("?status=open");
        var id = (string)patches[0]["id"]!;
        var office = await As(TestAccounts.Office);

        var (created, accepted) = await SendAsync(office, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("  kept until the 2030 revision  "));
        var (again, same) = await SendAsync(office, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("another reason"));

        Assert.True(created == HttpStatusCode.Created, accepted.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(("kept until the 2030 revision", TestAccounts.Office), ((string)same["reason"]!, (string)same["acceptedBy"]!));
        var listed = Assert.Single(await ConflictsAsync("?status=accepted"));
        Assert.Equal((id, "kept until the 2030 revision"), ((string)listed["id"]!, (string)listed["properties"]!["reason"]!));
        Assert.DoesNotContain(await ConflictsAsync("?status=open"), c => (string)c["id"]! == id);
        Assert.Single(await AuditSubjectsAsync("conflict.accepted"), s => s == id);

        var (revoked, _) = await SendAsync(office, HttpMethod.Delete, $"/conflicts/{id}/acceptance");
        var (revokedAgain, problem) = await SendAsync(office, HttpMethod.Delete, $"/conflicts/{id}/acceptance");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (revoked, revokedAgain));
        Assert.Contains("not accepted", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty(await ConflictsAsync("?status=accepted"));
        Assert.Single(await AuditSubjectsAsync("conflict.acceptance-revoked"), s => s == id);
    }

    [Fact]
    public async Task two_concurrent_acceptances_of_one_patch_record_one_and_answer_both_with_it()
    {
        var id = (string)(await ConflictsAsync("?status=open"))[^1]["id"]!;
        var first = await As(TestAccounts.Office);
        var second = await As(TestAccounts.Office);
        try
        {
            var answers = await System.Threading.Tasks.Task.WhenAll(SendAsync(first, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("first")),
                SendAsync(second, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("second")));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], answers.Select(a => a.Status).Order());
            Assert.Single(answers.Select(a => (string)a.Body["reason"]!).Distinct());
            Assert.Single(await AuditSubjectsAsync("conflict.accepted"), s => s == id);
        }
        finally
        {
            await SendAsync(first, HttpMethod.Delete, $"/conflicts/{id}/acceptance");
        }
    }

    [Fact]
    public async Task only_the_office_may_accept_and_a_missing_reason_or_unknown_patch_is_a_problem_that_writes_nothing()
    {
        var id = (string)(await ConflictsAsync("?status=open"))[0]["id"]!;
        var office = await As(TestAccounts.Office);

        var (reviewer, byReviewer) = await SendAsync(await As(TestAccounts.BeijingReviewer), HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("r"));
        var (admin, _) = await SendAsync(await As(TestAccounts.Admin), HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("r"));
        var (anonymous, _) = await SendAsync(Server.Client, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("r"));
        var (empty, noReason) = await SendAsync(office, HttpMethod.Post, $"/conflicts/{id}/acceptance", Reason("   "));
        var (missing, _) = await SendAsync(office, HttpMethod.Post, $"/conflicts/{id}/acceptance", "{}");
        var (unknown, notFound) = await SendAsync(office, HttpMethod.Post, "/conflicts/cp-00000000000000000000/acceptance", Reason("r"));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized), (reviewer, admin, anonymous));
        Assert.Contains("coordination office", (string)byReviewer["detail"]!, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, "reason"), (empty, missing, (string)noReason["parameter"]!));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("cp-00000000000000000000", (string)notFound["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(await ConflictsAsync(), c => (string)c["properties"]!["status"]! == "accepted" && (string)c["id"]! == id);
    }

    [Fact]
    public async Task an_unknown_status_filter_is_a_problem_naming_the_statuses()
    {
        var (status, problem) = await SendAsync(Server.Client, HttpMethod.Get, "/conflicts?status=closed");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("open, exempt, resolved, accepted", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_amendments_impact_report_lists_the_patches_it_would_resolve()
    {
        var patch = (await ConflictsAsync())[0];
        var (layer, feature) = ((string)patch["properties"]!["layerB"]!, (string)patch["properties"]!["featureB"]!);
        var expected = (await ConflictsAsync()).Where(c => ((string)c["properties"]!["layerA"]! == layer && (string)c["properties"]!["featureA"]! == feature)
            || ((string)c["properties"]!["layerB"]! == layer && (string)c["properties"]!["featureB"]! == feature)).Select(c => (string)c["id"]!).Order().ToList();
        var baseVersion = (await Server.Store.GetCurrentVersionAsync(Ct))!.Id;
        var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(45)).ToString("yyyy-MM-dd");
        var (proposed, amendment) = await SendAsync(await As(TestAccounts.TianjinReviewer), HttpMethod.Post, "/amendments",
            Propose(baseVersion, "Retire the feature of a conflict patch", effective, Retire(layer, feature)));
        Assert.True(proposed == HttpStatusCode.Created, amendment.ToJsonString());

        var (status, impact) = await SendAsync(Server.Client, HttpMethod.Get, $"/amendments/{(string)amendment["id"]!}/impact");

        Assert.True(status == HttpStatusCode.OK, impact.ToJsonString());
        Assert.Equal(expected, impact["conflicts"]!["resolved"]!.AsArray().Select(c => (string)c!["id"]!).Order());
        Assert.Empty(impact["conflicts"]!["created"]!.AsArray());
    }
}
