using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Web.Tests.Features.Checks;

public sealed class ChecksApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Square(double lon, double lat, double half) => FormattableString.Invariant(
        $"[[[{lon - half},{lat - half}],[{lon + half},{lat - half}],[{lon + half},{lat + half}],[{lon - half},{lat + half}],[{lon - half},{lat - half}]]]");

    private static string Feature(string coordinates, string? category, string type = "Polygon", string extra = "")
    {
        var properties = (category is null ? "" : $"\"category\":\"{category}\"") + extra;
        return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"" + type + "\",\"coordinates\":" + coordinates + "},\"properties\":{" + properties + "}}";
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> Post(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/geo+json");
        using var response = await (await server.ClientAsAsync(TestAccounts.Proponent)).PostAsync("/checks", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>
    /// A proponent of this test alone: other tests post checks to the same server at the same time, so what this one
    /// stored is told by who submitted it, not by counting every check in the database.
    /// </summary>
    private async Task<(string Name, HttpClient Client)> OwnProponentAsync()
    {
        var name = "t-chk-" + Guid.NewGuid().ToString("N")[..12];
        await server.Store.AddAccountAsync(new Account(name, name, Role.Proponent, null, null, PasswordHasher.Hash(TestAccounts.Password, 1_000), false, false, DateTimeOffset.UtcNow),
            new AuditRecord("test-fixture", "account.added", name, "{}"), Ct);
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestAccounts.SignInAsync(server.Client, name));
        return (name, client);
    }

    /// <summary>Check documents submitted by <paramref name="userName"/> and audit entries of checks by them.</summary>
    private async Task<(long Documents, long AuditEntries)> StoredChecksBy(string userName)
    {
        await using var connection = new SqliteConnection($"Data Source={server.StorePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM document WHERE kind = 'check' AND json_extract(body, '$.submittedBy') = $u),
                   (SELECT count(*) FROM audit_log WHERE action = 'check.submitted' AND actor = $u)
            """;
        command.Parameters.AddWithValue("$u", userName);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>A point well inside the first red-line patch of the seeded plan.</summary>
    private async Task<(string Id, double Lon, double Lat)> RedLinePatch()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/ecological-redline/items?limit=1", Ct));
        var feature = doc.RootElement.GetProperty("features")[0];
        var geometry = GeoJsonGeometry.Read(feature.GetProperty("geometry"))!;
        var inside = geometry.InteriorPoint;
        return (feature.GetProperty("id").GetString()!, inside.X, inside.Y);
    }

    [Fact]
    public async Task lists_the_category_catalogue()
    {
        var categories = await server.Client.GetFromJsonAsync<JsonArray>("/categories", Ct);
        Assert.Equal(11, categories!.Count);
        Assert.Contains(categories, c => c!["id"]!.GetValue<string>() == "general-manufacturing" && c["nameZh"]!.GetValue<string>() == "一般制造业");
        Assert.Contains(categories, c => c!["id"]!.GetValue<string>() == "housing" && c["landUseCodes"]!.AsArray().Select(x => x!.GetValue<string>()).SequenceEqual(["0701"]));
    }

    [Fact]
    public async Task housing_on_a_red_line_patch_is_not_aligned_and_the_overlap_names_the_patch()
    {
        var (id, lon, lat) = await RedLinePatch();
        var (status, verdict) = await Post(Feature(Square(lon, lat, 0.0005), "housing"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("not-aligned", verdict["verdict"]!.GetValue<string>());
        var overlap = verdict["overlaps"]!.AsArray().Single(o => o!["layer"]!.GetValue<string>() == "ecological-redline");
        Assert.Contains(id, overlap!["featureIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.True(overlap["areaHa"]!.GetValue<double>() > 0);
        Assert.StartsWith("sha256:", verdict["inputHash"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("capital-circle-2023-2035@2026-02-03", verdict["planVersion"]!.GetValue<string>());
        Assert.Contains(verdict["rules"]!.AsArray(), r => r!["id"]!.GetValue<string>() == "R1-redline" && r["outcome"]!.GetValue<string>() == "fail");
    }

    [Fact]
    public async Task a_land_use_code_is_accepted_as_the_category_it_names()
    {
        var (status, verdict) = await Post(Feature(Square(116.4, 39.9, 0.001), "0701"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("housing", verdict["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_ambiguous_land_use_code_is_refused_listing_the_categories_that_carry_it()
    {
        var (status, problem) = await Post(Feature(Square(116.4, 39.9, 0.001), "1001"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("advanced-manufacturing", detail, StringComparison.Ordinal);
        Assert.Contains("general-manufacturing", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task housing_on_permanent_farmland_is_not_aligned_and_an_energy_project_there_needs_national_approval()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/permanent-farmland/items?limit=1", Ct));
        var inside = GeoJsonGeometry.Read(doc.RootElement.GetProperty("features")[0].GetProperty("geometry"))!.InteriorPoint;

        var (status, housing) = await Post(Feature(Square(inside.X, inside.Y, 0.0002), "housing"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("not-aligned", housing["verdict"]!.GetValue<string>());
        Assert.Contains(housing["rules"]!.AsArray(), r => r!["id"]!.GetValue<string>() == "R2b-farmland-not-allowed" && r["outcome"]!.GetValue<string>() == "fail");

        var (_, energy) = await Post(Feature(Square(inside.X, inside.Y, 0.0002), "energy"));
        var farmland = energy["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "R2-farmland")!;
        Assert.Equal("needs-approval", farmland["outcome"]!.GetValue<string>());
        Assert.Equal("national", farmland["evidence"]!["approvalLevel"]!.GetValue<string>());
        Assert.StartsWith("Conditional: needs national approval.", farmland["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_site_across_the_beijing_hebei_boundary_needs_co_approval_of_both_provinces()
    {
        // A square centred on a point of the Beijing–Hebei boundary, found from the served provinces.
        using var provincesDoc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/provinces/items", Ct));
        var shapes = provincesDoc.RootElement.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => GeoJsonGeometry.Read(f.GetProperty("geometry"))!);
        var border = shapes[Jurisdictions.Beijing].Boundary.Intersection(shapes[Jurisdictions.Hebei].Buffer(0.001)).Coordinates;
        var on = border[border.Length / 2];
        var (status, verdict) = await Post(Feature(Square(on.X, on.Y, 0.01), "public-service"));
        Assert.Equal(HttpStatusCode.Created, status);
        var provinces = verdict["provinces"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(Jurisdictions.Beijing, provinces);
        Assert.Contains(Jurisdictions.Hebei, provinces);
        // The source outlines leave slivers of no-county along some borders, so shares may sum to a little under 1.
        Assert.InRange(verdict["jurisdictions"]!.AsArray().Sum(j => j!["share"]!.GetValue<double>()), 0.95, 1.000001);
        Assert.Contains(verdict["rules"]!.AsArray(), r => r!["id"]!.GetValue<string>() == "R5-cross-province" && r["outcome"]!.GetValue<string>() == "needs-approval");
        Assert.Contains(verdict["approvals"]!.AsArray(), a => a!["authority"]!.GetValue<string>().StartsWith("Regional coordination office", StringComparison.Ordinal));
        Assert.Contains(verdict["circles"]!.AsArray(), c => c!["id"]!.GetValue<string>() == "industrial");
    }

    [Fact]
    public async Task a_stored_check_reads_back_the_same_and_renders_a_report_with_a_map()
    {
        var (_, verdict) = await Post(Feature(Square(116.4, 39.9, 0.002), "rd-campus", extra: ",\"investment\":1200,\"proponent\":\"Test Co.\""));
        var id = verdict["id"]!.GetValue<string>();
        var stored = JsonNode.Parse(await (await server.ClientAsAsync(TestAccounts.Proponent)).GetStringAsync($"/checks/{id}", Ct))!.AsObject();
        Assert.True(JsonNode.DeepEquals(verdict, stored));
        Assert.Equal(1200, stored["attributes"]!["investment"]!.GetValue<int>());
        var html = await (await server.ClientAsAsync(TestAccounts.Proponent)).GetStringAsync($"/checks/{id}/report", Ct);
        Assert.Contains("id=\"verdict\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"map\"", html, StringComparison.Ordinal);
        Assert.Contains("R4-capital-core-manufacturing", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_check_is_stored_with_its_audit_entry_naming_who_submitted_it()
    {
        var (proponent, client) = await OwnProponentAsync();
        using (client)
        {
            using var content = new StringContent(Feature(Square(116.47, 39.77, 0.01), "logistics"), Encoding.UTF8, "application/geo+json");
            using var response = await client.PostAsync("/checks", content, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal((1, 1), await StoredChecksBy(proponent));
    }

    [Fact]
    public async Task the_same_footprint_gets_the_same_verdict_and_hash_twice()
    {
        var body = Feature(Square(116.7, 39.6, 0.01), "logistics");
        var (_, first) = await Post(body);
        var (_, second) = await Post(body);
        Assert.NotEqual(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        foreach (var field in new[] { "verdict", "inputHash", "planVersion", "rulesVersion", "jurisdictions", "overlaps", "rules", "approvals" })
        {
            Assert.True(JsonNode.DeepEquals(first[field], second[field]), $"{field} differs");
        }
    }

    [Fact]
    public async Task a_point_site_with_a_buffer_is_checked_as_a_disc()
    {
        var (status, verdict) = await Post(Feature("[116.4,39.9]", "public-service", "Point", ",\"bufferM\":200"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.InRange(verdict["areaHa"]!.GetValue<double>(), 12.2, 12.7);
    }

    public static TheoryData<string, int, string> BadBodies() => new()
    {
        { Feature("[[[116.2,39.2],[116.3,39.3],[116.3,39.2],[116.2,39.3],[116.2,39.2]]]", "housing"), 422, "Invalid footprint" },
        { Feature("[]", "housing"), 422, "Empty geometry" },
        { Feature(Square(10, 10, 0.01), "housing"), 422, "Outside the plan area" },
        { Feature(Square(450000, 4400000, 100), "housing"), 422, "Coordinates are not longitude/latitude" },
        { Feature(Square(116.4, 39.9, 0.01), "casino"), 422, "Unknown category" },
        { Feature(Square(116.4, 39.9, 0.01), "0901"), 422, "Unknown category" },
        { Feature(Square(116.4, 39.9, 0.01), "1001"), 400, "Ambiguous category code" },
        { Feature(Square(116.4, 39.9, 0.01), null), 400, "Missing category" },
        { "{\"type\":\"Feature\",\"geometry\":", 400, "Malformed JSON" },
        { "{\"type\":\"FeatureCollection\",\"features\":[]}", 400, "Not a GeoJSON Feature" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task rejects_a_bad_footprint_with_a_problem_and_stores_nothing(string body, int status, string title)
    {
        var (proponent, client) = await OwnProponentAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/checks", content, Ct);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(title, problem["title"]!.GetValue<string>());
        Assert.Equal((0, 0), await StoredChecksBy(proponent));
        client.Dispose();
    }

    [Fact]
    public async Task a_self_intersecting_footprint_is_located_in_the_problem()
    {
        using var content = new StringContent(Feature("[[[116.2,39.2],[116.3,39.3],[116.3,39.2],[116.2,39.3],[116.2,39.2]]]", "housing"), Encoding.UTF8, "application/json");
        using var response = await (await server.ClientAsAsync(TestAccounts.Proponent)).PostAsync("/checks", content, Ct);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Contains("116.25 39.25", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(116.25, problem["location"]![0]!.GetValue<double>(), 1e-9);
    }

    [Fact]
    public async Task too_many_vertices_or_too_large_a_body_is_413()
    {
        var points = Enumerable.Range(0, 20_010).Select(i =>
        {
            var a = 2 * Math.PI * i / 20_010;
            return string.Create(CultureInfo.InvariantCulture, $"[{116.4 + (0.01 * Math.Cos(a))},{39.9 + (0.01 * Math.Sin(a))}]");
        }).ToList();
        var (status, _) = await Post(Feature($"[[{string.Join(",", points)},{points[0]}]]", "housing"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);

        var (bigStatus, problem) = await Post(Feature(Square(116.4, 39.9, 0.01), "housing", extra: $",\"notes\":\"{new string('x', 3 * 1024 * 1024)}\""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigStatus);
        Assert.Equal("Body too large", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_unknown_check_is_a_404_problem()
    {
        using var response = await (await server.ClientAsAsync(TestAccounts.Proponent)).GetAsync("/checks/chk-nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
