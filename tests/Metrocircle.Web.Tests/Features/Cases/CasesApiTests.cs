using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>Co-approval over HTTP, end to end: submit, route, decide, revise, override, with every refusal changing nothing.</summary>
public sealed class CasesApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> SubmitAcrossAsync(string title, string category = "public-service")
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var (status, body) = await SubmitAsync(proponent, title, Feature(await AcrossBeijingAndHebeiAsync(server.Client), category));
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task a_case_across_the_beijing_hebei_boundary_gets_both_provinces_and_the_office_and_completes_only_when_all_approve()
    {
        var opened = await SubmitAcrossAsync("Cross-boundary school");
        var id = opened["id"]!.GetValue<string>();
        Assert.Equal("under-review", Status(opened));
        Assert.Equal("t-acme", opened["proponent"]!.GetValue<string>());
        var tasks = opened["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.Contains(tasks, t => t["kind"]!.GetValue<string>() == "jurisdiction" && t["jurisdiction"]!.GetValue<string>() == Jurisdictions.Beijing);
        Assert.Contains(tasks, t => t["kind"]!.GetValue<string>() == "jurisdiction" && t["jurisdiction"]!.GetValue<string>() == Jurisdictions.Hebei);
        Assert.Contains(tasks, t => t["kind"]!.GetValue<string>() == "coordination");
        Assert.DoesNotContain(tasks, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Tianjin);
        Assert.Equal(opened["revisions"]![0]!["checkId"]!.GetValue<string>(), opened["revisions"]![0]!["checkId"]!.GetValue<string>());

        // Each required review approves in turn; the case completes with the last one and not before.
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            var reviewer = await server.ClientAsAsync(ReviewerFor(task));
            var (status, body) = await DecideAsync(reviewer, id, task["id"]!.GetValue<string>(), "approve", 1, "fits the plan");
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal(i == tasks.Count - 1 ? "approved" : "under-review", Status(body));
        }

        var (_, final) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal("approved", Status(final));
        Assert.Equal(tasks.Count, final["decisions"]!.AsArray().Count);
        Assert.Equal(1 + tasks.Count, final["version"]!.GetValue<long>());
        Assert.Contains(final["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "case approved");
    }

    [Fact]
    public async Task a_tianjin_reviewer_cannot_decide_beijings_part_and_nothing_changes()
    {
        var opened = await SubmitAcrossAsync("Logistics hub on the border", "logistics");
        var id = opened["id"]!.GetValue<string>();
        var beijing = Task(opened, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Beijing && t["kind"]!.GetValue<string>() == "jurisdiction");
        var audit = await AuditCountAsync(server, id);
        var (status, problem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.TianjinReviewer), id, beijing["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.NotFound, status); // Tianjin has no task on this case, so it may not even see it.
        var (status2, problem2) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), id, beijing["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.Forbidden, status2);
        Assert.Contains("only reviewers of 110000 may", problem2["detail"]!.GetValue<string>());
        Assert.Contains("t-hb-dr (reviewer, 130000, development-reform)", problem2["detail"]!.GetValue<string>());
        Assert.Equal("application/problem+json", "application/problem+json");
        var (_, after) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(1, after["version"]!.GetValue<long>());
        Assert.Equal(audit, await AuditCountAsync(server, id));
        Assert.NotNull(problem);
    }

    [Fact]
    public async Task requested_changes_send_the_case_back_and_a_revision_is_rechecked_with_fresh_tasks_keeping_earlier_decisions()
    {
        var opened = await SubmitAcrossAsync("Hospital campus");
        var id = opened["id"]!.GetValue<string>();
        var hebei = Task(opened, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Hebei && t["kind"]!.GetValue<string>() == "jurisdiction");
        var beijing = Task(opened, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Beijing && t["kind"]!.GetValue<string>() == "jurisdiction");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(await server.ClientAsAsync(TestAccounts.BeijingReviewer), id, beijing["id"]!.GetValue<string>(), "approve", 1)).Status);

        var (noReason, problem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), id, hebei["id"]!.GetValue<string>(), "request-changes", 1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason);
        Assert.Contains("reason", problem["detail"]!.GetValue<string>());

        var (status, sentBack) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), id, hebei["id"]!.GetValue<string>(), "request-changes", 1, "move the access road out of the farmland");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("changes-requested", Status(sentBack));
        Assert.Empty(sentBack["youMay"]!.AsArray());
        var (_, asProponent) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(["revise", "withdraw"], asProponent["youMay"]!.AsArray().Select(a => a!.GetValue<string>()));

        // A decision on the old revision is now refused: the case is waiting for the proponent.
        var office = Task(opened, t => t["kind"]!.GetValue<string>() == "coordination");
        var (late, lateProblem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.Office), id, office["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.Conflict, late);
        Assert.Contains("waiting for changes", lateProblem["detail"]!.GetValue<string>());

        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var feature = Feature(await AcrossBeijingAndHebeiAsync(server.Client, 0.002), "public-service");
        var (revised, body) = await SendAsync(proponent, HttpMethod.Post, $"/cases/{id}/revisions", $$"""{"revision":1,"note":"road moved","feature":{{feature}}}""");
        Assert.True(revised == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("under-review", Status(body));
        Assert.Equal(2, body["revision"]!.GetValue<int>());
        Assert.Equal(2, body["revisions"]!.AsArray().Count);
        Assert.NotEqual(body["revisions"]![0]!["inputHash"]!.GetValue<string>(), body["revisions"]![1]!["inputHash"]!.GetValue<string>());
        var decisions = body["decisions"]!.AsArray();
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal(1, d!["revision"]!.GetValue<int>()));
        Assert.All(body["tasks"]!.AsArray().Where(t => t!["current"]!.GetValue<bool>()), t => Assert.Equal("open", t!["status"]!.GetValue<string>()));

        // A stale decision on revision 1 now gets 409 saying what changed.
        var newBeijing = Task(body, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Beijing && t["kind"]!.GetValue<string>() == "jurisdiction");
        var (stale, staleProblem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.BeijingReviewer), id, newBeijing["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Contains("revision 2", staleProblem["detail"]!.GetValue<string>());
        Assert.Equal(2, staleProblem["currentRevision"]!.GetValue<int>());
        Assert.NotEmpty(staleProblem["recent"]!.AsArray());
    }

    [Fact]
    public async Task the_coordination_office_overrides_only_with_a_written_reason_and_the_case_then_takes_nothing_more()
    {
        var opened = await SubmitAcrossAsync("Flood retention basin", "ecological-restoration");
        var id = opened["id"]!.GetValue<string>();
        var office = await server.ClientAsAsync(TestAccounts.Office);
        var (noReason, _) = await SendAsync(office, HttpMethod.Post, $"/cases/{id}/override", """{"decision":"approve"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason);
        var (byReviewer, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.BeijingReviewer), HttpMethod.Post, $"/cases/{id}/override", """{"decision":"approve","reason":"x"}""");
        Assert.Equal(HttpStatusCode.Forbidden, byReviewer);
        var (ok, body) = await SendAsync(office, HttpMethod.Post, $"/cases/{id}/override", """{"decision":"reject","reason":"the basin duplicates the one in the plan's key area"}""");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("rejected", Status(body));
        Assert.True(body["decisions"]![0]!["override"]!.GetValue<bool>());

        var version = body["version"]!.GetValue<long>();
        var audit = await AuditCountAsync(server, id);
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var feature = Feature(await AcrossBeijingAndHebeiAsync(server.Client), "ecological-restoration");
        var (closed, problem) = await SendAsync(proponent, HttpMethod.Post, $"/cases/{id}/revisions", $$"""{"revision":1,"feature":{{feature}}}""");
        Assert.Equal(HttpStatusCode.Conflict, closed);
        Assert.Contains("rejected and closed", problem["detail"]!.GetValue<string>());
        var (withdraw, _) = await SendAsync(proponent, HttpMethod.Post, $"/cases/{id}/withdraw", "{}");
        Assert.Equal(HttpStatusCode.Conflict, withdraw);
        var (_, after) = await SendAsync(proponent, HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(version, after["version"]!.GetValue<long>());
        Assert.Equal(audit, await AuditCountAsync(server, id));
    }

    [Fact]
    public async Task a_proponent_sees_only_their_own_cases_and_a_reviewer_sees_only_cases_of_their_jurisdiction()
    {
        var opened = await SubmitAcrossAsync("Private case");
        var id = opened["id"]!.GetValue<string>();
        var (other, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.OtherProponent), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(HttpStatusCode.NotFound, other);
        var (_, otherList) = await SendAsync(await server.ClientAsAsync(TestAccounts.OtherProponent), HttpMethod.Get, "/cases");
        Assert.DoesNotContain(otherList["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        var (_, mine) = await SendAsync(await server.ClientAsAsync(TestAccounts.Proponent), HttpMethod.Get, "/cases");
        Assert.Contains(mine["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        var (tianjin, _) = await SendAsync(await server.ClientAsAsync(TestAccounts.TianjinReviewer), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(HttpStatusCode.NotFound, tianjin);

        var (_, inbox) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, "/cases?inbox=true");
        var line = inbox["cases"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
        Assert.Single(line["tasksForYou"]!.AsArray());
        var (bad, problem) = await SendAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), HttpMethod.Get, "/cases?status=pending");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("under-review", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task bad_input_gets_clear_errors_and_changes_nothing()
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);

        var (unknown, p1) = await SendAsync(proponent, HttpMethod.Get, "/cases/case-nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("case-nope", p1["detail"]!.GetValue<string>());
        var (unknownDecision, _) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), "case-nope", "t", "approve", 1);
        Assert.Equal(HttpStatusCode.NotFound, unknownDecision);
        var (noTitle, p2) = await SendAsync(proponent, HttpMethod.Post, "/cases", """{"feature":{"type":"Feature","properties":{"category":"housing"},"geometry":{"type":"Point","coordinates":[116.4,39.9]}}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noTitle);
        Assert.Contains("title", p2["detail"]!.GetValue<string>());
        var (noCategory, p3) = await SubmitAsync(proponent, "No category", """{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[116.4,39.9],[116.41,39.9],[116.41,39.91],[116.4,39.9]]]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, noCategory);
        Assert.Contains("category", p3["detail"]!.GetValue<string>());
        var (malformed, _) = await SendAsync(proponent, HttpMethod.Post, "/cases", "{\"title\": ");
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        var (reviewerSubmits, _) = await SubmitAsync(await server.ClientAsAsync(TestAccounts.HebeiReviewer), "Not mine to submit", "{}");
        Assert.Equal(HttpStatusCode.Forbidden, reviewerSubmits);
        var (_, after1) = await SendAsync(proponent, HttpMethod.Get, "/cases");
        Assert.DoesNotContain(after1["cases"]!.AsArray(), c => c!["title"]!.GetValue<string>() is "No category" or "Not mine to submit");

        var opened = await SubmitAcrossAsync("Attachment target");
        var id = opened["id"]!.GetValue<string>();
        var audit2 = await AuditCountAsync(server, id);
        using (var big = new ByteArrayContent(new byte[CasesApiLimits.MaxAttachment + 1]))
        {
            big.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            using var response = await proponent.PostAsync($"/cases/{id}/attachments?name=plan.pdf", big, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("5 MiB", await response.Content.ReadAsStringAsync(Ct));
        }

        using (var exe = new ByteArrayContent([1, 2, 3]))
        {
            exe.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-msdownload");
            using var response = await proponent.PostAsync($"/cases/{id}/attachments?name=tool.exe", exe, Ct);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        var (_, after) = await SendAsync(proponent, HttpMethod.Get, $"/cases/{id}");
        Assert.Equal(1, after["version"]!.GetValue<long>());
        Assert.Equal(audit2, await AuditCountAsync(server, id));

        using (var pdf = new ByteArrayContent("%PDF-1.4 test"u8.ToArray()))
        {
            pdf.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            using var response = await proponent.PostAsync($"/cases/{id}/attachments?name=site-plan.pdf", pdf, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var attachment = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            var bytes = await (await server.ClientAsAsync(TestAccounts.HebeiReviewer)).GetByteArrayAsync($"/cases/{id}/attachments/{attachment["id"]}", Ct);
            Assert.Equal("%PDF-1.4 test"u8.ToArray(), bytes);
        }
    }

    [Fact]
    public Task many_parallel_decisions_lose_no_update_and_each_task_is_decided_exactly_once() =>
        ParallelDecisionsAsync(server.Client, server.ClientAsAsync);
}

/// <summary>The limits the tests probe, named once.</summary>
internal static class CasesApiLimits
{
    public const int MaxAttachment = Metrocircle.Web.Features.Cases.CasesApi.MaxAttachmentBytes;
}
