using System.Net;
using System.Text.Json;
using Metrocircle.Core.Model;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>GET /collections/{id}/stats?by=: area and count per group feature (issue 15, item 3).</summary>
public sealed class CollectionStatsTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task sums_the_farmland_by_county_under_the_county_ids_agreeing_with_the_parcels_own_county_and_area()
    {
        using var response = await server.Client.GetAsync("/collections/permanent-farmland/stats?by=counties", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = doc.RootElement;
        var groups = root.GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("id").GetString()!, g => (Area: g.GetProperty("areaM2").GetDouble(), Count: g.GetProperty("count").GetInt64()));
        Assert.Equal(200, groups.Count);
        Assert.Contains(Jurisdictions.Zhuozhou, groups.Keys);

        // The generator records each parcel's county; the spatial assignment must agree with it for nearly every parcel.
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!;
        var settings = PlanSettings.FromFeature((await server.Store.GetFeatureAsync(version.Id, PlanSettings.LayerId, PlanSettings.FeatureId, Ct))!);
        var byAttribute = new Dictionary<string, long>();
        double total = 0;
        long features = 0;
        await foreach (var f in server.Store.StreamFeaturesAsync(version.Id, "permanent-farmland", Ct))
        {
            var county = f.Properties["countyId"]!.GetValue<string>();
            byAttribute[county] = byAttribute.GetValueOrDefault(county) + 1;
            total += settings.Projection.Area(f.Geometry!);
            features++;
        }

        Assert.True(features > 1000, $"{features} parcels");
        Assert.Equal(features, root.GetProperty("features").GetInt64());
        var agreeing = byAttribute.Sum(kv => Math.Min(kv.Value, groups.GetValueOrDefault(kv.Key).Count));
        Assert.True(agreeing >= features * 0.99, $"{agreeing} of {features} parcels in the county they name");
        var summed = groups.Values.Sum(g => g.Area) + root.GetProperty("unassigned").GetProperty("areaM2").GetDouble();
        Assert.Equal(total, summed, total * 1e-3);
        Assert.Equal(version.Id, root.GetProperty("version").GetString());

        // Asked again, the same answer (kept per version).
        Assert.Equal(doc.RootElement.GetRawText(), await server.Client.GetStringAsync("/collections/permanent-farmland/stats?by=counties", Ct));
    }

    [Theory]
    [InlineData("/collections/nope/stats?by=counties", HttpStatusCode.NotFound, "has no collection \"nope\"")]
    [InlineData("/collections/permanent-farmland/stats", HttpStatusCode.BadRequest, "by=")]
    [InlineData("/collections/permanent-farmland/stats?by=nope", HttpStatusCode.BadRequest, "has no group layer \"nope\"")]
    [InlineData("/collections/permanent-farmland/stats?by=corridors", HttpStatusCode.BadRequest, "Group layer \"corridors\" holds LineString features")]
    [InlineData("/collections/permanent-farmland/stats?by=counties&version=nope@9", HttpStatusCode.NotFound, "nope@9")]
    public async Task answers_a_bad_request_with_a_problem_naming_what_is_wrong(string path, HttpStatusCode status, string says)
    {
        var problem = await HttpAssertions.GetProblemAsync(server.Client, path, status);
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
