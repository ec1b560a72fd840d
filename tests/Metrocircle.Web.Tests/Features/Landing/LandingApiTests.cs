using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Landing;

public sealed class LandingApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_landing_page_links_the_api_conformance_and_data()
    {
        var json = await server.Client.GetStringAsync("/?f=json", Ct);
        using var doc = JsonDocument.Parse(json);
        var rels = doc.RootElement.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "self", "service-desc", "conformance", "data" }, rels);
        Assert.Contains("现代化首都都市圈", doc.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_browser_asking_for_html_gets_the_web_map()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await server.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task declares_core_geojson_and_openapi_conformance()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/conformance", Ct));
        var classes = doc.RootElement.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30", classes);
    }

    [Fact]
    public async Task the_api_document_is_openapi_3_0_and_describes_the_items_endpoint()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/api", Ct));
        Assert.StartsWith("3.0", doc.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/collections/{collectionId}/items", out _));
        Assert.True(paths.TryGetProperty("/collections/{collectionId}/items/{featureId}", out _));
    }

    [Fact]
    public async Task an_unknown_path_is_a_problem_not_a_blank_404()
    {
        using var response = await server.Client.GetAsync("/no/such/thing", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task the_seed_import_report_is_published_to_signed_in_users()
    {
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/import-reports", Ct)).StatusCode);
        using var doc = JsonDocument.Parse(await (await server.ClientAsAsync(TestAccounts.Admin)).GetStringAsync("/import-reports", Ct));
        var text = doc.RootElement[0].GetProperty("text").GetString()!;
        Assert.Contains("patched", text, StringComparison.Ordinal);
        Assert.Contains("蓟州区", text, StringComparison.Ordinal);
        Assert.Matches(@"repaired \d{3}", text);
    }
}
