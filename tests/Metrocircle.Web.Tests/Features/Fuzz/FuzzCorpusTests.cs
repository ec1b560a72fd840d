using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Features.Cases;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Web.Tests.Features.Fuzz;

/// <summary>A server of its own, so that the row counts before and after the corpus see no other test's writes.</summary>
public sealed class FuzzServer : IAsyncLifetime
{
    public SeededServer Server { get; } = new();

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// For every endpoint that takes a body or a query, at least <see cref="PerEndpoint"/> generated malformed inputs
/// (broken JSON, impossible types, huge and non-finite numbers, deep nesting, invalid and degenerate geometries,
/// control characters, SQL and HTML fragments): every answer must be a 4xx problem+json, none a 5xx, and no table
/// of the store may gain or lose a row.
/// </summary>
public sealed class FuzzCorpusTests(FuzzServer fixture) : IClassFixture<FuzzServer>
{
    private const int PerEndpoint = 200;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Input(string Target, HttpMethod Method, string Url, string? Body, string? ContentType, HttpClient Client);

    [Fact]
    public async Task every_malformed_input_gets_a_4xx_problem_and_writes_nothing()
    {
        var server = fixture.Server;
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var office = await server.ClientAsAsync(TestAccounts.Office);
        var hebei = await server.ClientAsAsync(TestAccounts.HebeiReviewer);
        var admin = await server.ClientAsAsync(TestAccounts.Admin);
        var anonymous = server.Client;

        // One real case and task to aim the case commands at, made before the rows are counted.
        var square = await CaseRequests.AcrossBeijingAndHebeiAsync(anonymous);
        var (status, opened) = await CaseRequests.SubmitAsync(proponent, "Fuzz target", CaseRequests.Feature(square, "logistics"));
        Assert.Equal(HttpStatusCode.Created, status);
        var caseId = opened["id"]!.GetValue<string>();
        var taskId = CaseRequests.Task(opened, t => t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Hebei && t["kind"]!.GetValue<string>() == "jurisdiction")["id"]!.GetValue<string>();
        var collaborationTask = JsonNode.Parse(await office.GetStringAsync("/tasks", Ct))!["tasks"]![0]!["id"]!.GetValue<string>();

        var before = await RowCountsAsync(server.StorePath);
        var inputs = Corpus(proponent, office, hebei, admin, anonymous, caseId, taskId, collaborationTask).ToList();
        foreach (var group in inputs.GroupBy(i => i.Target))
        {
            Assert.True(group.Count() >= PerEndpoint, $"{group.Key}: only {group.Count()} inputs");
        }

        var failures = new List<string>();
        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (input, ct) =>
        {
            using var request = new HttpRequestMessage(input.Method, input.Url);
            if (input.Body is not null)
            {
                request.Content = new StringContent(input.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.ContentType ?? "application/json");
            }

            using var response = await input.Client.SendAsync(request, ct);
            var code = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            var text = await response.Content.ReadAsStringAsync(ct);

            // Kestrel itself refuses an over-long request line (414) or a control character in the path (400) before
            // any middleware runs, with an empty body; everything that reaches the application answers problem+json.
            var refusedByKestrel = code is 400 or 414 or 431 && type is null && text.Length == 0;
            if (code is < 400 or > 499 || (type != "application/problem+json" && !refusedByKestrel))
            {
                lock (failures)
                {
                    failures.Add($"{input.Target}: {code} {type} for {input.Method} {FuzzInputs.Utf8Describe(input.Url)} body {FuzzInputs.Utf8Describe(input.Body ?? "")} → {FuzzInputs.Utf8Describe(text)}");
                }
            }
        });

        var after = await RowCountsAsync(server.StorePath);
        var changed = before.Where(kv => after.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => $"{kv.Key}: {kv.Value} → {after.GetValueOrDefault(kv.Key)}").ToList();
        var byTarget = failures.GroupBy(f => f[..f.IndexOf(':', StringComparison.Ordinal)]).Select(g => $"{g.Key}: {g.Count()}, e.g.\n  " + string.Join("\n  ", g.Take(3)));
        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs.Count} inputs were not refused with a 4xx problem:\n" + string.Join('\n', byTarget));
        Assert.True(changed.Count == 0, "the corpus changed the store: " + string.Join("; ", changed));
    }

    private static IEnumerable<Input> Corpus(HttpClient proponent, HttpClient office, HttpClient hebei, HttpClient admin, HttpClient anonymous,
        string caseId, string taskId, string collaborationTask)
    {
        var polygon = JsonNode.Parse("""{"type":"Polygon","coordinates":[[[116.45,39.75],[116.5,39.75],[116.5,39.79],[116.45,39.79],[116.45,39.75]]]}""")!;
        JsonObject Feature() => new() { ["type"] = "Feature", ["properties"] = new JsonObject { ["category"] = "logistics" }, ["geometry"] = polygon.DeepClone() };

        IEnumerable<Input> Json(string target, HttpMethod method, string url, HttpClient client, JsonObject template, string[] typed, string[] constrained, string? geometry, int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < PerEndpoint; i++)
            {
                yield return new Input(target, method, url, FuzzInputs.Json(template, typed, constrained, geometry, random, i), "application/json", client);
            }
        }

        IEnumerable<Input> Query(string target, string path, HttpClient client, (string Name, string[] Bad)[] parameters, int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < PerEndpoint; i++)
            {
                var (name, bad) = parameters[random.Next(parameters.Length)];
                var value = i % 3 == 0 ? FuzzInputs.NastyValue(random) : bad[random.Next(bad.Length)];
                yield return new Input(target, HttpMethod.Get, $"{path}?{name}={Uri.EscapeDataString(value)}", null, null, client);
            }
        }

        IEnumerable<Input> Path(string target, HttpMethod method, Func<string, string> url, HttpClient client, int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < PerEndpoint; i++)
            {
                yield return new Input(target, method, url(FuzzInputs.NastySegment(random)), method == HttpMethod.Post ? "{}" : null, "application/json", client);
            }
        }

        var checkFeature = Feature();
        foreach (var input in Json("POST /checks", HttpMethod.Post, "/checks", proponent, checkFeature, ["type", "properties", "geometry", "properties.category"], ["type", "properties.category"], "geometry", 1))
        {
            yield return input;
        }

        var caseBody = new JsonObject { ["title"] = "Fuzz depot", ["feature"] = Feature() };
        foreach (var input in Json("POST /cases", HttpMethod.Post, "/cases", proponent, caseBody, ["title", "feature", "feature.properties", "feature.geometry"], ["feature.properties.category"], "feature.geometry", 2))
        {
            yield return input;
        }

        var decision = new JsonObject { ["decision"] = "approve", ["reason"] = "fuzz", ["revision"] = 1 };
        foreach (var input in Json("POST decision", HttpMethod.Post, $"/cases/{caseId}/tasks/{taskId}/decision", hebei, decision, ["decision", "reason", "revision"], ["decision"], null, 3))
        {
            yield return input;
        }

        var overrideBody = new JsonObject { ["decision"] = "approve", ["reason"] = "fuzz" };
        foreach (var input in Json("POST override", HttpMethod.Post, $"/cases/{caseId}/override", office, overrideBody, ["decision", "reason"], ["decision"], null, 4))
        {
            yield return input;
        }

        var revision = new JsonObject { ["revision"] = 1, ["note"] = "fuzz", ["feature"] = Feature() };
        foreach (var input in Json("POST revisions", HttpMethod.Post, $"/cases/{caseId}/revisions", proponent, revision, ["revision", "note", "feature"], ["feature.properties.category"], "feature.geometry", 5))
        {
            yield return input;
        }

        foreach (var input in Json("POST withdraw", HttpMethod.Post, $"/cases/{caseId}/withdraw", proponent, new JsonObject { ["reason"] = "fuzz" }, ["reason"], [], null, 6))
        {
            yield return input;
        }

        var signIn = new JsonObject { ["userName"] = TestAccounts.Proponent, ["password"] = "not the password of anyone" };
        foreach (var input in Json("POST /auth/sign-in", HttpMethod.Post, "/auth/sign-in", anonymous, signIn, ["userName", "password"], ["userName"], null, 7))
        {
            yield return input;
        }

        var password = new JsonObject { ["currentPassword"] = "not the current password", ["newPassword"] = "a new long password for fuzz" };
        foreach (var input in Json("POST /auth/password", HttpMethod.Post, "/auth/password", proponent, password, ["currentPassword", "newPassword"], [], null, 8))
        {
            yield return input;
        }

        foreach (var input in Json("POST /auth/tokens", HttpMethod.Post, "/auth/tokens", proponent, new JsonObject { ["days"] = 30 }, ["days"], [], null, 9))
        {
            yield return input;
        }

        var user = new JsonObject { ["userName"] = "fuzz-new", ["displayName"] = "Fuzz", ["role"] = "proponent" };
        foreach (var input in Json("POST /users", HttpMethod.Post, "/users", admin, user, ["userName", "displayName", "role"], ["userName", "role"], null, 10))
        {
            yield return input;
        }

        var progress = new JsonObject { ["status"] = "in-progress", ["percent"] = 40, ["note"] = "fuzz" };
        foreach (var input in Json("POST progress", HttpMethod.Post, $"/tasks/{collaborationTask}/progress", office, progress, ["status", "percent", "note"], ["status"], null, 11))
        {
            yield return input;
        }

        var observations = new Random(12);
        string[] badRows =
        [
            "no-such-indicator,beijing,2020,1,persons,https://example.org/s",
            "beijing-resident-population,nowhere,2020,1,persons,https://example.org/s",
            "beijing-resident-population,beijing,20200,1,persons,https://example.org/s",
            "beijing-resident-population,beijing,1800,1,persons,https://example.org/s",
            "beijing-resident-population,beijing,2020,NaN,persons,https://example.org/s",
            "beijing-resident-population,beijing,2020,-5,persons,https://example.org/s",
            "beijing-resident-population,beijing,2020,1e999,persons,https://example.org/s",
            "beijing-resident-population,beijing,2020,1,people,https://example.org/s",
            "beijing-resident-population,beijing,2020,1,persons,",
            "beijing-resident-population,beijing,2020",
            "\"beijing-resident-population,beijing,2020,1,persons,https://example.org/s",
            "beijing-resident-population,beijing,abc,1,persons,https://example.org/s",
        ];
        for (var i = 0; i < PerEndpoint; i++)
        {
            var header = i % 5 == 0 ? "indicator;scope;year;value;unit;source" : "indicator,scope,year,value,unit,source";
            var rows = Enumerable.Range(0, observations.Next(1, 4)).Select(_ => badRows[observations.Next(badRows.Length)]);
            var body = i % 7 == 0 ? header + "\n" + FuzzInputs.NastyValue(observations) : header + "\n" + string.Join("\n", rows);
            yield return new Input("POST observations", HttpMethod.Post, "/indicators/observations", body, "text/csv", office);
        }

        var attachments = new Random(13);
        string[] refusedTypes = ["application/x-msdownload", "application/zip", "application/octet-stream", "video/mp4", "text/html", "application/javascript"];
        for (var i = 0; i < PerEndpoint; i++)
        {
            var bytes = new string((char)attachments.Next('a', 'z'), attachments.Next(1, 2000));
            yield return new Input("POST attachments", HttpMethod.Post, $"/cases/{caseId}/attachments?name={Uri.EscapeDataString(FuzzInputs.NastyValue(attachments))}",
                bytes, refusedTypes[attachments.Next(refusedTypes.Length)], proponent);
        }

        foreach (var input in Query("GET items", "/collections/counties/items", anonymous,
        [
            ("bbox", ["1,2,3", "a,b,c,d", "NaN,0,1,1", "1e999,0,1,1", "0,0,1", "1,2,3,4,5", ",,,", "0,0,1,Infinity"]),
            ("limit", ["0", "-1", "10001", "abc", "1.5", "1e3", " 5", "99999999999"]),
            ("offset", ["-1", "abc", "1.5", "99999999999", "1e2"]),
            ("cursor", ["-1", "abc", "1.5", "99999999999999999999", "1e2", ""]),
            ("datetime", ["2020-13-01", "abc", "2020-02-30", "2020-01-01T25:00:00Z", "2020/2021/2022"]),
            ("bbox-crs", ["EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/3857", "CRS84"]),
        ], 14))
        {
            yield return input;
        }

        foreach (var input in Path("GET item", HttpMethod.Get, s => $"/collections/counties/items/{s}", anonymous, 15))
        {
            yield return input;
        }

        foreach (var input in Path("GET collection", HttpMethod.Get, s => $"/collections/{s}/items", anonymous, 16))
        {
            yield return input;
        }

        var tiles = new Random(17);
        string[] badNumbers = ["-1", "99999", "abc", "1e10", "99999999999", "1.5", "NaN", "%20", "0x10"];
        for (var i = 0; i < PerEndpoint; i++)
        {
            var z = i % 3 == 0 ? badNumbers[tiles.Next(badNumbers.Length)] : "8";
            var row = i % 3 == 1 ? badNumbers[tiles.Next(badNumbers.Length)] : "96";
            var col = i % 3 == 2 ? badNumbers[tiles.Next(badNumbers.Length)] : "99999";
            yield return new Input("GET tile", HttpMethod.Get, $"/collections/counties/tiles/WebMercatorQuad/{z}/{row}/{col}", null, null, anonymous);
        }

        foreach (var input in Path("GET check", HttpMethod.Get, s => $"/checks/{s}", proponent, 18))
        {
            yield return input;
        }

        foreach (var input in Path("POST disable", HttpMethod.Post, s => $"/users/{s}/disable", admin, 19))
        {
            yield return input;
        }

        foreach (var input in Query("GET indicators", "/indicators/warnings", office, [("jurisdiction", ["nowhere", "BEIJING ", "beijing;hebei"])], 20))
        {
            yield return input;
        }

        foreach (var input in Query("GET observation history", "/indicators/beijing-rail-length/observations/history", office,
            [("year", ["-1", "0", "1800", "3000", "abc", "1.5", "1e3", " 5", "99999999999", "2020;2021"])], 24))
        {
            yield return input;
        }

        foreach (var input in Query("GET tasks", "/tasks", office, [("status", ["late", "finished"]), ("jurisdiction", ["nowhere", "beijing,hebei"])], 21))
        {
            yield return input;
        }

        foreach (var input in Query("GET cases", "/cases", office, [("status", ["open", "APPROVED", "1"])], 22))
        {
            yield return input;
        }

        var years = new Random(23);
        string[] badYears = ["-1", "0", "99999", "1800", "3000"];
        for (var i = 0; i < PerEndpoint; i++)
        {
            yield return new Input("GET health-check", HttpMethod.Get, $"/health-check/{badYears[years.Next(badYears.Length)]}", null, null, office);
        }
    }

    private static async Task<Dictionary<string, long>> RowCountsAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync(Ct))!;
        }

        return counts;
    }
}
