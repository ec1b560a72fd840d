using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Tests.Features.Amendments;
using Metrocircle.Web.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>
/// Department tasks routed below and above the province, over HTTP with the default dataset's approval rules: a site
/// outside the urban development boundary goes to the natural-resources bureau of its county (and its city may decide
/// for it); a footprint on permanent basic farmland goes to the national reviewers as well.
/// </summary>
public sealed class JurisdictionLevelRoutingTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Farmland = "permanent-farmland";
    private const string UrbanBoundary = "urban-boundary";

    private async Task<HttpClient> ReviewerBoundToAsync(string userName, string jurisdiction)
    {
        // Added to the store as an account made before ids were codes would be: bound to whatever id it was given.
        if (await server.Store.GetAccountAsync(userName, Ct) is null)
        {
            var account = TestAccounts.Make(userName, Role.Reviewer, jurisdiction, "natural-resources");
            await server.Store.AddAccountAsync(account, new AuditRecord("test-fixture", "account.added", userName, "{}"), Ct);
        }

        return await server.ClientAsAsync(userName);
    }

    private async Task<Geometry> ItemAsync(string collection, string id)
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync($"/collections/{collection}/items/{id}", Ct));
        return GeoJsonGeometry.Read(doc.RootElement.GetProperty("geometry"))!;
    }

    /// <summary>A 400 m square inside the county, clear of its urban development boundary, found by walking a grid over the county.</summary>
    private async Task<Geometry> RuralSiteInAsync(Geometry county)
    {
        var env = county.EnvelopeInternal;
        var urban = (await AmendmentRequests.ItemsAsync(server.Client, UrbanBoundary, env)).Select(f => f.Geometry).ToList();
        for (var y = env.MinY + 0.01; y < env.MaxY; y += 0.01)
        {
            for (var x = env.MinX + 0.01; x < env.MaxX; x += 0.01)
            {
                var site = Square(x, y, 0.002);
                if (county.Contains(site) && urban.All(u => !u.Intersects(site)))
                {
                    return site;
                }
            }
        }

        throw new InvalidOperationException("no rural site in the county");
    }

    private static string Ring(Geometry g) => "[[" + string.Join(",", g.Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"[{c.X},{c.Y}]"))) + "]]";

    [Fact]
    public async Task a_hebei_county_reviewer_receives_and_decides_the_task_for_a_site_in_their_county()
    {
        // The county is named by its former id: the item answers under its code.
        using (var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/counties/items/baoding-21", Ct)))
        {
            Assert.Equal(Jurisdictions.Zhuozhou, doc.RootElement.GetProperty("id").GetString());
        }

        var site = await RuralSiteInAsync(await ItemAsync("counties", Jurisdictions.Zhuozhou));
        var (status, opened) = await SubmitAsync(await server.ClientAsAsync(TestAccounts.Proponent), "Village clinic in Zhuozhou", Feature(Ring(site), "public-service"));
        Assert.True(status == HttpStatusCode.Created, opened.ToJsonString());
        var id = opened["id"]!.GetValue<string>();
        var task = Task(opened, t => t["level"]!.GetValue<string>() == "county");
        Assert.Equal(Jurisdictions.Zhuozhou, task["jurisdiction"]!.GetValue<string>());
        Assert.Equal("natural-resources", task["department"]!.GetValue<string>());
        Assert.Equal(Jurisdictions.Baoding, task["parentJurisdiction"]!.GetValue<string>());
        Assert.Contains(task["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("R3-urban-boundary", StringComparison.Ordinal));
        Assert.DoesNotContain(opened["tasks"]!.AsArray(), t => t!["kind"]!.GetValue<string>() == "department" && t["jurisdiction"]?.GetValue<string>() == Jurisdictions.Hebei
            && t["reasons"]!.AsArray().Any(r => r!.GetValue<string>().StartsWith("R3-urban-boundary", StringComparison.Ordinal)));

        // The county's reviewer, bound to the county's former id, has it in their inbox and decides it.
        var county = await ReviewerBoundToAsync("t-zhuozhou-nr", "baoding-21");
        var (_, inbox) = await SendAsync(county, HttpMethod.Get, "/cases?inbox=true");
        Assert.Contains(inbox["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        Assert.Equal(Jurisdictions.Zhuozhou, inbox["as"]!["jurisdiction"]!.GetValue<string>());

        // Another city's reviewer does not even see the case; the county's own city does (the rule lets it decide), but the county decides first.
        var (unseen, _) = await DecideAsync(await ReviewerBoundToAsync("t-langfang-nr", Jurisdictions.Langfang), id, task["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.NotFound, unseen);
        var (_, cityInbox) = await SendAsync(await ReviewerBoundToAsync("t-baoding-nr", Jurisdictions.Baoding), HttpMethod.Get, "/cases?inbox=true");
        Assert.Contains(cityInbox["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);

        var (decided, body) = await DecideAsync(county, id, task["id"]!.GetValue<string>(), "approve", 1, "site checked on the ground");
        Assert.True(decided == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("approved", Task(body, t => t["id"]!.GetValue<string>() == task["id"]!.GetValue<string>())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_national_reviewer_receives_and_decides_the_task_of_a_case_taking_permanent_farmland()
    {
        var hebei = await AmendmentRequests.ProvinceAsync(server.Client, Jurisdictions.Hebei);
        var (_, parcel, _) = await AmendmentRequests.FeatureInAsync(server.Client, Farmland, hebei);
        var inside = parcel.InteriorPoint.Coordinate;
        var site = Square(inside.X, inside.Y, 0.0005);
        var (status, opened) = await SubmitAsync(await server.ClientAsAsync(TestAccounts.Proponent), "Road depot on farmland", Feature(Ring(site), "public-service"));
        Assert.True(status == HttpStatusCode.Created, opened.ToJsonString());
        var id = opened["id"]!.GetValue<string>();
        var task = Task(opened, t => t["level"]!.GetValue<string>() == "national");
        Assert.Null(task["jurisdiction"]);
        Assert.Equal("natural-resources", task["department"]!.GetValue<string>());

        // The province's natural-resources reviewer cannot decide the national task.
        var (refused, problem) = await DecideAsync(await server.ClientAsAsync(TestAccounts.HebeiNaturalResources), id, task["id"]!.GetValue<string>(), "approve", 1);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("national reviewers", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var national = await server.ClientAsAsync(TestAccounts.NationalNaturalResources);
        var (_, inbox) = await SendAsync(national, HttpMethod.Get, "/cases?inbox=true");
        var line = inbox["cases"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
        Assert.Single(line["tasksForYou"]!.AsArray());
        var (decided, body) = await DecideAsync(national, id, task["id"]!.GetValue<string>(), "reject", 1, "permanent basic farmland may not be taken for this project type");
        Assert.True(decided == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("rejected", Status(body));
    }

    private static Geometry Square(double x, double y, double half) => GeoJsonGeometry.Factory.CreatePolygon(
    [
        new Coordinate(x - half, y - half), new Coordinate(x + half, y - half), new Coordinate(x + half, y + half),
        new Coordinate(x - half, y + half), new Coordinate(x - half, y - half),
    ]);
}
