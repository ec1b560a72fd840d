using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Amendments;

/// <summary>What the amendment tests share: features found on the served map, change sets, and deciding every task of a case.</summary>
internal static class AmendmentRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpClient> FreshAsync(Uri baseAddress, HttpClient anonymous, string user)
    {
        var token = await TestAccounts.SignInAsync(anonymous, user);
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<Geometry> ProvinceAsync(HttpClient anonymous, string id)
    {
        using var doc = JsonDocument.Parse(await anonymous.GetStringAsync($"/collections/provinces/items/{id}", Ct));
        return GeoJsonGeometry.Read(doc.RootElement.GetProperty("geometry"))!;
    }

    /// <summary>Features of a layer inside a box, with their geometries.</summary>
    public static async Task<List<(string Id, Geometry Geometry, JsonObject Properties)>> ItemsAsync(HttpClient anonymous, string layer, Envelope box, int limit = 500)
    {
        var bbox = string.Create(CultureInfo.InvariantCulture, $"{box.MinX},{box.MinY},{box.MaxX},{box.MaxY}");
        using var doc = JsonDocument.Parse(await anonymous.GetStringAsync($"/collections/{layer}/items?bbox={bbox}&limit={limit}", Ct));
        return [.. doc.RootElement.GetProperty("features").EnumerateArray().Select(f => (f.GetProperty("id").ToString(), GeoJsonGeometry.Read(f.GetProperty("geometry"))!,
            JsonNode.Parse(f.GetProperty("properties").GetRawText())!.AsObject()))];
    }

    /// <summary>A feature of a layer that lies wholly inside a province.</summary>
    public static async Task<(string Id, Geometry Geometry, JsonObject Properties)> FeatureInAsync(HttpClient anonymous, string layer, Geometry province, int skip = 0)
    {
        var center = province.InteriorPoint.Coordinate;
        foreach (var half in new[] { 0.3, 0.6, 1.2, 2.5 })
        {
            var found = (await ItemsAsync(anonymous, layer, new Envelope(center.X - half, center.X + half, center.Y - half, center.Y + half)))
                .Where(f => province.Contains(f.Geometry)).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
            if (found.Count > skip)
            {
                return found[skip];
            }
        }

        throw new InvalidOperationException($"no feature of {layer} lies inside the province");
    }

    /// <summary>The geometry moved east in steps until it is in the province and clear of every feature of the layer (and of the red line).</summary>
    public static async Task<Geometry> FreeSpotAsync(HttpClient anonymous, string layer, Geometry geometry, Geometry province)
    {
        for (var step = 1; step < 200; step++)
        {
            var moved = geometry.Copy();
            var dx = step * 0.013;
            moved.Apply(new NetTopologySuite.Geometries.Utilities.AffineTransformation().Translate(dx, -dx / 3));
            moved.GeometryChanged();
            if (!province.Contains(moved))
            {
                continue;
            }

            var around = moved.EnvelopeInternal.Copy();
            around.ExpandBy(0.002);
            if ((await ItemsAsync(anonymous, layer, around, 50)).Count == 0 && (await ItemsAsync(anonymous, "ecological-redline", around, 50)).Count == 0)
            {
                return moved;
            }
        }

        throw new InvalidOperationException("no free spot found");
    }

    public static string GeoJson(Geometry g)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(w, g);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Propose(string baseVersion, string title, string effectiveFrom, params string[] changes) =>
        $$"""{"baseVersion":"{{baseVersion}}","title":"{{title}}","rationale":"test rationale","effectiveFrom":"{{effectiveFrom}}","changes":[{{string.Join(",", changes)}}]}""";

    public static string Retire(string layer, string id) => $$"""{"op":"retire","layer":"{{layer}}","featureId":"{{id}}"}""";

    public static string Add(string layer, string id, Geometry g, JsonObject properties) =>
        $$$"""{"op":"add","layer":"{{{layer}}}","featureId":"{{{id}}}","feature":{"type":"Feature","properties":{{{properties.ToJsonString()}}},"geometry":{{{GeoJson(g)}}}}}""";

    /// <summary>Decides every open task of a case with the test reviewer for it; returns the status and body of each decision, in order.</summary>
    public static async Task<List<(HttpStatusCode Status, JsonObject Body)>> DecideAllAsync(string caseId, Func<string, Task<HttpClient>> clientAs)
    {
        var office = await clientAs(TestAccounts.Office);
        var (_, @case) = await SendAsync(office, HttpMethod.Get, $"/cases/{caseId}");
        var results = new List<(HttpStatusCode, JsonObject)>();
        foreach (var task in @case["tasks"]!.AsArray().Select(t => t!.AsObject()).Where(t => t["current"]!.GetValue<bool>() && t["status"]!.GetValue<string>() == "open"))
        {
            results.Add(await DecideAsync(await clientAs(ReviewerFor(task)), caseId, task["id"]!.GetValue<string>(), "approve", 1, "fine"));
        }

        return results;
    }
}
