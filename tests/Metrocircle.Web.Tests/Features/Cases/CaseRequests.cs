using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>Requests the case tests share: footprints from the served boundaries, submissions and decisions.</summary>
internal static class CaseRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Square(double lon, double lat, double half) => string.Create(CultureInfo.InvariantCulture,
        $"[[[{lon - half},{lat - half}],[{lon + half},{lat - half}],[{lon + half},{lat + half}],[{lon - half},{lat + half}],[{lon - half},{lat - half}]]]");

    public static string Feature(string ring, string category) =>
        $$$"""{"type":"Feature","properties":{"category":"{{{category}}}"},"geometry":{"type":"Polygon","coordinates":{{{ring}}}}}""";

    /// <summary>
    /// A square centred on the Beijing–Hebei boundary, found from the served provinces, <paramref name="along"/> of the
    /// way along it. The default is small (about 0.35 km²): every case there holds land quota of the counties on both
    /// sides, and the tests that submit there share those accounts, so a test that drains quota takes its own site.
    /// </summary>
    public static async Task<string> AcrossBeijingAndHebeiAsync(HttpClient anonymous, double half = 0.003, double along = 0.5)
    {
        using var doc = JsonDocument.Parse(await anonymous.GetStringAsync("/collections/provinces/items", Ct));
        var shapes = doc.RootElement.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => GeoJsonGeometry.Read(f.GetProperty("geometry"))!);
        var border = shapes[Jurisdictions.Beijing].Boundary.Intersection(shapes[Jurisdictions.Hebei].Buffer(0.001)).Coordinates;
        var on = border[Math.Clamp((int)(border.Length * along), 0, border.Length - 1)];
        return Square(on.X, on.Y, half);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpClient client, HttpMethod method, string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? []);
    }

    public static Task<(HttpStatusCode Status, JsonObject Body)> SubmitAsync(HttpClient proponent, string title, string feature) =>
        SendAsync(proponent, HttpMethod.Post, "/cases", $$"""{"title":"{{title}}","note":"test","feature":{{feature}}}""");

    public static Task<(HttpStatusCode Status, JsonObject Body)> DecideAsync(HttpClient reviewer, string caseId, string taskId, string decision, int revision, string? reason = null) =>
        SendAsync(reviewer, HttpMethod.Post, $"/cases/{caseId}/tasks/{taskId}/decision",
            JsonSerializer.Serialize(new { decision, reason, revision }));

    public static JsonObject Task(JsonObject @case, Func<JsonObject, bool> match) =>
        @case["tasks"]!.AsArray().Select(t => t!.AsObject()).Single(t => t["current"]!.GetValue<bool>() && match(t));

    public static string Status(JsonObject @case) => @case["status"]!.GetValue<string>();

    /// <summary>The reviewer account that decides a task in the test accounts.</summary>
    public static string ReviewerFor(JsonObject task) => (task["kind"]!.GetValue<string>(), task["jurisdiction"]?.GetValue<string>()) switch
    {
        ("coordination", _) => TestAccounts.Office,
        ("department", null) when task["level"]?.GetValue<string>() == "national" => TestAccounts.NationalNaturalResources,
        ("department", { } below) when task["level"]?.GetValue<string>() is "county" or "city" => TestAccounts.NaturalResourcesOf(below),
        ("jurisdiction", Jurisdictions.Beijing) => TestAccounts.BeijingReviewer,
        ("jurisdiction", Jurisdictions.Hebei) => TestAccounts.HebeiReviewer,
        ("department", Jurisdictions.Beijing) => TestAccounts.BeijingNaturalResources,
        ("department", Jurisdictions.Hebei) => TestAccounts.HebeiNaturalResources,
        var other => throw new InvalidOperationException($"no test reviewer for {other}"),
    };

    /// <summary>
    /// Audit entries about one subject (a case id). Other tests append to the same log at the same time, so "nothing
    /// changed" is judged on the entries about the case under test, not on the whole log.
    /// </summary>
    public static async Task<long> AuditCountAsync(SeededServer server, string subject)
    {
        long n = 0;
        await foreach (var e in server.Store.ReadAuditAsync(Ct))
        {
            n += e.Subject == subject ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Opens a case across the Beijing–Hebei boundary and sends six identical decisions per task at once: exactly one
    /// wins each task, the others are told who decided it, and the case ends approved with every decision kept.
    /// </summary>
    public static async Task ParallelDecisionsAsync(HttpClient anonymous, Func<string, Task<HttpClient>> clientAs)
    {
        var (status, opened) = await SubmitAsync(await clientAs(TestAccounts.Proponent), "Contested interchange", Feature(await AcrossBeijingAndHebeiAsync(anonymous), "public-service"));
        Assert.True(status == HttpStatusCode.Created, opened.ToJsonString());
        var id = opened["id"]!.GetValue<string>();
        var tasks = opened["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var task in tasks)
        {
            clients[task["id"]!.GetValue<string>()] = await clientAs(ReviewerFor(task));
        }

        var requests = tasks.SelectMany(t => Enumerable.Range(0, 6).Select(_ => t["id"]!.GetValue<string>())).ToList();
        var results = await System.Threading.Tasks.Task.WhenAll(requests.Select(taskId => DecideAsync(clients[taskId], id, taskId, "approve", 1, "parallel")));
        foreach (var group in requests.Zip(results).GroupBy(x => x.First))
        {
            Assert.Equal(1, group.Count(x => x.Second.Status == HttpStatusCode.OK));
            Assert.All(group.Where(x => x.Second.Status != HttpStatusCode.OK), x =>
            {
                Assert.Equal(HttpStatusCode.Conflict, x.Second.Status);
                Assert.Matches("already decided|approved and closed", x.Second.Body["detail"]!.GetValue<string>());
            });
        }

        var (_, final) = await SendAsync(clients.Values.First(), HttpMethod.Get, $"/cases/{id}");
        Assert.Equal("approved", Status(final));
        Assert.Equal(tasks.Count, final["decisions"]!.AsArray().Count);
        Assert.Equal(1 + tasks.Count, final["version"]!.GetValue<long>());
        Assert.Equal(tasks.Select(t => t["id"]!.GetValue<string>()).Order(), final["decisions"]!.AsArray().Select(d => d!["taskId"]!.GetValue<string>()).Order());
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body, Ct);
}
