using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collaboration;

/// <summary>
/// The tasks API over the seeded default dataset. Progress written here stays in the shared store, so each test writes
/// to tasks the others only read loosely: the undated public-services and linkage tasks take progress; the dated
/// innovation-triangle and Line 22 tasks are never written to, so their warnings are stable.
/// </summary>
public sealed class CollaborationApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonNode Body, string? MediaType)> GetAsync(string user, string path)
    {
        var client = await server.ClientAsAsync(user);
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body, string? MediaType, Uri? Location)> PostAsync(string user, string taskId, string json)
    {
        var client = await server.ClientAsAsync(user);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/tasks/{taskId}/progress", content, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!, response.Content.Headers.ContentType?.MediaType, response.Headers.Location);
    }

    private async Task<int> TimelineCountAsync(string taskId) =>
        (await GetAsync(TestAccounts.Office, $"/tasks/{taskId}")).Body["timeline"]!.AsArray().Count;

    [Fact]
    public async Task lists_every_task_with_its_status_and_filters_by_dimension_and_jurisdiction()
    {
        var (status, body, _) = await GetAsync(TestAccounts.Proponent, "/tasks?asOf=2027-03-01");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2027-03-01", body["asOf"]!.GetValue<string>());
        var tasks = body["tasks"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!);
        Assert.Contains("innovation-triangle", tasks.Keys);
        Assert.Equal("upcoming", tasks["innovation-triangle"]["milestones"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("indicative", tasks["innovation-triangle"]["milestones"]![0]!["dueCertainty"]!.GetValue<string>());

        var transport = (await GetAsync(TestAccounts.Proponent, "/tasks?dimension=transport")).Body["tasks"]!.AsArray();
        Assert.Equal(["tianjin-commuting-capacity", "tongzhou-north-three-rail"], transport.Select(t => t!["id"]!.GetValue<string>()).Order());

        // Langfang supports two tasks; Hebei, its province, is involved in those and in the ones it supports itself.
        var langfang = (await GetAsync(TestAccounts.Proponent, "/tasks?jurisdiction=131000")).Body["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["plain-new-towns-linkage", "tongzhou-north-three-rail"], langfang.Order());
        var hebei = (await GetAsync(TestAccounts.Proponent, "/tasks?jurisdiction=130000")).Body["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        Assert.Superset(langfang.ToHashSet(), hebei.ToHashSet());
        Assert.DoesNotContain("tianjin-commuting-capacity", hebei);

        var overdue = (await GetAsync(TestAccounts.Proponent, "/tasks?status=overdue&asOf=2031-01-15")).Body["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>());
        Assert.Contains("innovation-triangle", overdue);
    }

    [Theory]
    [InlineData("/tasks?dimension=housing", "dimension", "dimension \"housing\" is not one of innovation, industry")]
    [InlineData("/tasks?status=late", "status", "status \"late\" is not one of on-track, overdue, done")]
    [InlineData("/tasks?jurisdiction=atlantis", "jurisdiction", "has no province or city \"atlantis\"")]
    [InlineData("/tasks/warnings?asOf=tomorrow", "asOf", "asOf \"tomorrow\" is not a date yyyy-MM-dd")]
    public async Task a_bad_filter_is_a_problem_naming_the_parameter(string path, string parameter, string detail)
    {
        var (status, body, mediaType) = await GetAsync(TestAccounts.Proponent, path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(parameter, body["parameter"]!.GetValue<string>());
        Assert.Contains(detail, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task one_task_shows_its_places_indicators_articles_and_milestones()
    {
        var (status, task, _) = await GetAsync(TestAccounts.Proponent, "/tasks/tongzhou-north-three-rail?asOf=2027-01-05");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("transport", Jurisdictions.Beijing), (task["dimension"]!.GetValue<string>(), task["lead"]!.GetValue<string>()));
        var place = task["places"]!.AsArray().Select(p => p!).Single(p => p["featureId"]!.GetValue<string>() == "tongzhou-north-three");
        Assert.EndsWith("/collections/key-areas/items/tongzhou-north-three", place["href"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/indicators/beijing-rail-length", task["indicators"]![0]!["href"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(task["articles"]!.AsArray());
        var milestone = task["milestones"]![0]!;
        Assert.Equal(("overdue", 5), (milestone["status"]!.GetValue<string>(), milestone["daysOverdue"]!.GetValue<int>()));
        Assert.Equal("overdue", task["status"]!.GetValue<string>());

        // The place a task links to is there to be fetched.
        using var feature = await server.Client.GetAsync("/collections/key-areas/items/tongzhou-north-three", Ct);
        Assert.Equal(HttpStatusCode.OK, feature.StatusCode);
    }

    [Fact]
    public async Task an_unknown_task_is_a_404_problem_listing_the_tasks()
    {
        var (status, body, mediaType) = await GetAsync(TestAccounts.Proponent, "/tasks/moon-base");
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (status, mediaType));
        Assert.Contains("has no task \"moon-base\"", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("innovation-triangle", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var post = await PostAsync(TestAccounts.Office, "moon-base", """{ "status": "in-progress", "note": "x" }""");
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
    }

    [Fact]
    public async Task warnings_list_overdue_milestones_the_most_recently_due_first_and_filter_by_jurisdiction()
    {
        var (status, body, _) = await GetAsync(TestAccounts.Proponent, "/tasks/warnings?asOf=2031-01-15");
        Assert.Equal(HttpStatusCode.OK, status);
        var warnings = body["warnings"]!.AsArray().Select(w => w!).ToList();
        var triangle = warnings.FindIndex(w => w["task"]!.GetValue<string>() == "innovation-triangle");
        var line22 = warnings.FindIndex(w => w["task"]!.GetValue<string>() == "tongzhou-north-three-rail");
        Assert.True(triangle >= 0 && line22 > triangle, string.Join(", ", warnings.Select(w => w["task"])));
        Assert.Equal(("2030-12-31", 15), (warnings[triangle]["due"]!.GetValue<string>(), warnings[triangle]["daysOverdue"]!.GetValue<int>()));
        Assert.Contains("(indicative date)", warnings[triangle]["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Tianjin supports the triangle but has nothing to do with Line 22.
        var tianjin = (await GetAsync(TestAccounts.Proponent, "/tasks/warnings?asOf=2031-01-15&jurisdiction=120000")).Body["warnings"]!.AsArray().Select(w => w!["task"]!.GetValue<string>());
        Assert.Contains("innovation-triangle", tianjin);
        Assert.DoesNotContain("tongzhou-north-three-rail", tianjin);
        Assert.Empty((await GetAsync(TestAccounts.Proponent, "/tasks/warnings?asOf=2026-06-01")).Body["warnings"]!.AsArray());
    }

    [Fact]
    public async Task a_supporting_province_reports_progress_with_evidence_which_shows_in_the_timeline_and_the_audit_log()
    {
        var before = await TimelineCountAsync("cross-boundary-public-services");
        var (status, update, _, location) = await PostAsync(TestAccounts.HebeiReviewer, "cross-boundary-public-services", """
            { "milestone": "health", "at": "2026-10-01", "status": "in-progress", "percent": 30,
              "note": "Chaoyang Hospital supports Yanda Hospital", "evidence": ["https://heb.hebei.com.cn/system/2024/02/28/101283089.shtml", "joint agreement of 1 Oct"] }
            """);
        Assert.True(status == HttpStatusCode.Created, update.ToJsonString());
        Assert.EndsWith("/tasks/cross-boundary-public-services", location!.ToString(), StringComparison.Ordinal);
        Assert.Equal((TestAccounts.HebeiReviewer, "health", 30), (update["actor"]!.GetValue<string>(), update["milestone"]!.GetValue<string>(), update["percent"]!.GetValue<int>()));

        var (_, task, _) = await GetAsync(TestAccounts.Proponent, "/tasks/cross-boundary-public-services");
        Assert.Equal(before + 1, task["timeline"]!.AsArray().Count);
        var last = task["timeline"]!.AsArray().Select(u => u!).Single(u => u["sequence"]!.GetValue<long>() == update["sequence"]!.GetValue<long>());
        Assert.Equal(["https://heb.hebei.com.cn/system/2024/02/28/101283089.shtml", "joint agreement of 1 Oct"], last["evidence"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("in-progress", task["milestones"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "health")!["status"]!.GetValue<string>());

        var audit = new List<Core.Audit.AuditEntry>();
        await foreach (var entry in server.Store.ReadAuditAsync(Ct))
        {
            audit.Add(entry);
        }

        var recorded = audit.Last(e => e.Action == "task.progress" && e.Subject == "cross-boundary-public-services");
        Assert.Equal(TestAccounts.HebeiReviewer, recorded.Actor);
        Assert.Equal(update["sequence"]!.GetValue<long>(), JsonNode.Parse(recorded.Details)!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_province_reviewer_reports_for_a_task_its_city_supports_but_not_for_one_it_has_no_part_in()
    {
        // Langfang and Baoding, cities of Hebei, support the linkage; Hebei's reviewer acts for them.
        var linkage = await PostAsync(TestAccounts.HebeiReviewer, "plain-new-towns-linkage", """{ "status": "in-progress", "note": "Gu'an park talks" }""");
        Assert.Equal(HttpStatusCode.Created, linkage.Status);

        var before = await TimelineCountAsync("tianjin-commuting-capacity");
        var (status, problem, mediaType, _) = await PostAsync(TestAccounts.HebeiReviewer, "tianjin-commuting-capacity", """{ "status": "in-progress", "note": "not ours" }""");
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (status, mediaType));
        Assert.Contains("does not act for 120000 (lead) or 110000 (supporting)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await TimelineCountAsync("tianjin-commuting-capacity"));

        // The coordination office acts for the whole region.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(TestAccounts.Office, "tianjin-commuting-capacity", """{ "milestone": "stations", "status": "blocked", "note": "land for Wuqing station undecided" }""")).Status);
    }

    [Fact]
    public async Task an_update_that_means_nothing_for_its_task_is_a_422_naming_each_field_and_stores_nothing()
    {
        var before = await TimelineCountAsync("plain-new-towns-linkage");
        var (status, problem, mediaType, _) = await PostAsync(TestAccounts.BeijingReviewer, "plain-new-towns-linkage",
            """{ "milestone": "moon", "at": "2099-01-01", "status": "in-progress", "percent": 140, "note": "  " }""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "application/problem+json"), (status, mediaType));
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["at", "milestone", "note", "percent"], errors.Select(e => e.Key).Order());
        Assert.Contains("has no milestone \"moon\"; its milestones are linkage-2035", errors["milestone"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("percent 140 is outside 0–100", errors["percent"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("at 2099-01-01 is in the future", errors["at"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await TimelineCountAsync("plain-new-towns-linkage"));
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("""{ "note": "x" }""", "status")]
    [InlineData("""{ "status": "finished", "note": "x" }""", "status")]
    [InlineData("""{ "status": "done", "note": "x", "percent": "most" }""", "percent")]
    [InlineData("""{ "status": "done", "note": "x", "at": "1 May" }""", "at")]
    [InlineData("""{ "status": "done", "note": "x", "evidence": [1] }""", "evidence[0]")]
    [InlineData("""{ "status": "done", "note": "x", "progress": 5 }""", "progress")]
    public async Task a_body_of_the_wrong_shape_is_a_400_naming_the_field(string body, string field)
    {
        var (status, problem, mediaType, _) = await PostAsync(TestAccounts.Office, "plain-new-towns-linkage", body);
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (status, mediaType));
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }
}
