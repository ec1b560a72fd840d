using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Versions;

/// <summary>
/// <c>version=</c> and <c>asOf=</c> on every read of the seeded plan, which has one version: the right version when
/// named, and for each bad input a problem+json that says what was wrong and with which parameter.
/// </summary>
public sealed class PlanSelectionTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Seeded = "capital-circle-2023-2035@2026-02-03";

    /// <summary>One path per kind of plan read.</summary>
    public static TheoryData<string> Reads => new()
    {
        "/?f=json",
        "/collections",
        "/collections/ecological-redline",
        "/collections/ecological-redline/items",
        "/collections/rules/items",
        "/collections/ecological-redline/tiles",
        "/collections/ecological-redline/tiles/WebMercatorQuad",
        "/collections/ecological-redline/tiles/WebMercatorQuad/tilejson.json",
        "/collections/ecological-redline/tiles/WebMercatorQuad/0/0/0",
        "/categories",
    };

    private static string With(string path, string query) => $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{query}";

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task every_read_answers_for_the_version_named_and_for_the_day_it_came_into_force(string path)
    {
        foreach (var query in new[] { $"version={Uri.EscapeDataString(Seeded)}", "asOf=2026-02-03", "asOf=2030-01-01" })
        {
            using var response = await server.Client.GetAsync(With(path, query), Ct);
            // A tile at zoom 0 may hold no feature after generalisation: 204 is a good answer too.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{With(path, query)}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task every_read_refuses_a_bad_version_or_date_saying_which_parameter_and_why(string path)
    {
        foreach (var (query, status, parameter, words) in new (string, HttpStatusCode, string?, string)[]
        {
            ($"version={Seeded}&asOf=2026-03-01", HttpStatusCode.BadRequest, "version", "not both"),
            ("asOf=2026-13-01", HttpStatusCode.BadRequest, "asOf", "YYYY-MM-DD"),
            ("asOf=yesterday", HttpStatusCode.BadRequest, "asOf", "\"yesterday\""),
            ("version=", HttpStatusCode.BadRequest, "version", "empty"),
            ("version=nope@1", HttpStatusCode.NotFound, null, "\"nope@1\""),
            ("asOf=1999-12-31", HttpStatusCode.NotFound, null, "took effect on 2026-02-03"),
        })
        {
            var problem = await HttpAssertions.GetProblemAsync(server.Client, With(path, query), status);
            Assert.Contains(words, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            if (parameter is not null)
            {
                Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            }
        }
    }

    [Fact]
    public async Task a_check_is_given_against_the_version_named_and_a_day_before_the_plan_is_refused_storing_nothing()
    {
        var client = await server.ClientAsAsync(TestAccounts.Proponent);
        const string footprint = """{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.39,39.89],[116.41,39.89],[116.41,39.91],[116.39,39.91],[116.39,39.89]]]},"properties":{"category":"housing"}}""";

        using (var content = new StringContent(footprint, Encoding.UTF8, "application/geo+json"))
        using (var response = await client.PostAsync($"/checks?version={Uri.EscapeDataString(Seeded)}", content, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(Seeded, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["planVersion"]!.GetValue<string>());
        }

        foreach (var (query, status) in new[] { ("asOf=2000-01-01", HttpStatusCode.NotFound), ("asOf=01/02/2026", HttpStatusCode.BadRequest), ("version=ghost", HttpStatusCode.NotFound) })
        {
            using var content = new StringContent(footprint, Encoding.UTF8, "application/geo+json");
            using var response = await client.PostAsync($"/checks?{query}", content, Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(response.Headers.Location);
        }
    }

    [Fact]
    public async Task indicators_read_the_catalogue_of_the_version_named()
    {
        var client = await server.ClientAsAsync(TestAccounts.Office);
        var list = JsonNode.Parse(await client.GetStringAsync($"/indicators?asOf=2026-06-01", Ct))!;
        Assert.Equal(Seeded, list["planVersion"]!.GetValue<string>());
        using var response = await client.GetAsync("/indicators?asOf=2001-01-01", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task the_seeded_plan_is_listed_as_one_seed_version_in_force()
    {
        var versions = JsonNode.Parse(await server.Client.GetStringAsync("/versions", Ct))!["versions"]!.AsArray();
        var seed = Assert.Single(versions)!;
        Assert.Equal((Seeded, "seed", true, 1), (seed["id"]!.GetValue<string>(), seed["source"]!.GetValue<string>(), seed["inForce"]!.GetValue<bool>(), seed["sequence"]!.GetValue<int>()));
        Assert.Contains(seed["layers"]!.AsArray(), l => l!["id"]!.GetValue<string>() == "ecological-redline" && l["added"]!.GetValue<int>() > 0);
    }
}
