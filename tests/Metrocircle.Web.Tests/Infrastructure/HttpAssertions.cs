using System.Net;
using System.Text.Json;

namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>Reading problem+json answers and OGC links, shared by the API tests.</summary>
internal static class HttpAssertions
{
    public static async Task<JsonElement> GetProblemAsync(HttpClient client, string path, HttpStatusCode status)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return doc.RootElement.Clone();
    }

    public static string? Link(JsonElement doc, string rel) =>
        doc.GetProperty("links").EnumerateArray().Where(l => l.GetProperty("rel").GetString() == rel).Select(l => l.GetProperty("href").GetString()).FirstOrDefault();
}
