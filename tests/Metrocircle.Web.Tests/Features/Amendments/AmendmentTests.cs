using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Amendments;

/// <summary>
/// Amendments end to end over HTTP, on a server of its own whose clock the tests move through the public notice: a red
/// line retired and farmland taken without compensation are blocked at approval with the balance sheet; farmland moved
/// with compensation passes notice, its comment is moderated and answered, every task approves, and the amended
/// version is published while the base version stays as it was.
/// </summary>
public sealed class AmendmentTests(TimeTravelServer fixture) : IClassFixture<TimeTravelServer>
{
    private const string Farmland = "permanent-farmland";

    private SeededServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpClient> As(string user) => FreshAsync(Server.BaseAddress, Server.Client, user);

    private async Task<string> BaseAsync() => (await Server.Store.GetCurrentVersionAsync(Ct))!.Id;

    private async Task<(int Versions, long Audit)> CountsAsync()
    {
        long audit = 0;
        await foreach (var _ in Server.Store.ReadAuditAsync(Ct))
        {
            audit++;
        }

        return ((await Server.Store.GetVersionsAsync((await Server.Store.GetCurrentVersionAsync(Ct))!.PlanId, Ct)).Count, audit);
    }

    [Fact]
    public async Task farmland_moved_with_compensation_passes_notice_and_comments_and_publishes_while_unbalanced_amendments_are_blocked_with_the_sheet()
    {
        try
        {
            await AmendmentScenario.RunAsync(Server.Client, As, Server.Clock, Server.Store, second: null);
        }
        finally
        {
            Server.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task bad_amendments_and_comments_are_clear_problems_and_write_nothing()
    {
        var anonymous = Server.Client;
        var proposer = await As(TestAccounts.TianjinReviewer);
        var baseVersion = (await Server.Store.GetVersionInForceAsync(DateOnly.FromDateTime(DateTime.UtcNow), Ct))!.Id;
        var beijing = await ProvinceAsync(anonymous, Jurisdictions.Beijing);
        var parcel = await FeatureInAsync(anonymous, Farmland, beijing);
        var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(45)).ToString("yyyy-MM-dd");
        var proponentClient = await As(TestAccounts.Proponent);
        const string bowTie = """{"op":"add","layer":"permanent-farmland","featureId":"bow","feature":{"type":"Feature","properties":{"countyId":"x"},"geometry":{"type":"Polygon","coordinates":[[[116,39],[116.01,39.01],[116.01,39],[116,39.01],[116,39]]]}}}""";
        var before = await CountsAsync();
        foreach (var (body, status, words) in new (string, HttpStatusCode, string)[]
        {
            (Propose("no-such-version", "x", effective, Retire(Farmland, parcel.Id)), HttpStatusCode.NotFound, "baseVersion"),
            (Propose(baseVersion, "x", effective, Retire(Farmland, "no-such-parcel")), HttpStatusCode.NotFound, "changes[0].featureId"),
            (Propose(baseVersion, "x", effective, Retire("no-such-layer", "x")), HttpStatusCode.UnprocessableEntity, "changes[0].layer"),
            (Propose(baseVersion, "x", effective, bowTie), HttpStatusCode.UnprocessableEntity, "changes[0].feature.geometry"),
            (Propose(baseVersion, "x", effective, """{"op":"add","layer":"permanent-farmland","feature":{"type":"Feature","properties":{"countyId":"x"},"geometry":{"type":"Nope"}}}"""),
                HttpStatusCode.UnprocessableEntity, "changes[0].feature.geometry"),
            (Propose(baseVersion, "x", effective, """{"op":"move","layer":"permanent-farmland","featureId":"a"}"""), HttpStatusCode.UnprocessableEntity, "changes[0].op"),
            (Propose(baseVersion, "x", effective, Retire(Farmland, parcel.Id), Retire(Farmland, parcel.Id)), HttpStatusCode.UnprocessableEntity, "named twice"),
            (Propose(baseVersion, "x", "2020-01-01", Retire(Farmland, parcel.Id)), HttpStatusCode.UnprocessableEntity, "effectiveFrom"),
            (Propose(baseVersion, "", effective, Retire(Farmland, parcel.Id)), HttpStatusCode.UnprocessableEntity, "title"),
            (Propose(baseVersion, "x", effective), HttpStatusCode.UnprocessableEntity, "changes"),
            ("""{"baseVersion": 5""", HttpStatusCode.BadRequest, ""),
        })
        {
            var (got, problem) = await SendAsync(proposer, HttpMethod.Post, "/amendments", body);
            Assert.True(got == status, $"{body}: {(int)got} {problem.ToJsonString()}");
            Assert.Contains(words, problem["detail"]!.GetValue<string>());
        }

        var (proponent, _) = await SendAsync(proponentClient, HttpMethod.Post, "/amendments", Propose(baseVersion, "x", effective, Retire(Farmland, parcel.Id)));
        Assert.Equal(HttpStatusCode.Forbidden, proponent);
        var (anon, _) = await SendAsync(anonymous, HttpMethod.Post, "/amendments", Propose(baseVersion, "x", effective, Retire(Farmland, parcel.Id)));
        Assert.Equal(HttpStatusCode.Unauthorized, anon);
        Assert.Equal(before, await CountsAsync());

        // Comments: empty, too long, control characters, a bad geometry, an unknown amendment.
        var (created, amendment) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "For comments", effective, Retire(Farmland, parcel.Id)));
        Assert.Equal(HttpStatusCode.Created, created);
        var id = amendment["id"]!.GetValue<string>();
        var afterCreate = await CountsAsync();
        foreach (var (body, status) in new (string, HttpStatusCode)[]
        {
            ("""{"text":""}""", HttpStatusCode.UnprocessableEntity),
            ("""{"text":"   "}""", HttpStatusCode.UnprocessableEntity),
            ($$"""{"text":"{{new string('a', 4001)}}"}""", HttpStatusCode.UnprocessableEntity),
            ("""{"text":"bell \u0007"}""", HttpStatusCode.UnprocessableEntity),
            ("""{"text":"ok","geometry":{"type":"Point","coordinates":[500,0]}}""", HttpStatusCode.UnprocessableEntity),
            ("""{"text":"ok","geometry":{"type":"Nope"}}""", HttpStatusCode.UnprocessableEntity),
            ("""{"text": 5}""", HttpStatusCode.BadRequest),
        })
        {
            var (got, problem) = await SendAsync(anonymous, HttpMethod.Post, $"/amendments/{id}/comments", body);
            Assert.True(got == status, $"{body[..Math.Min(body.Length, 60)]}: {(int)got} {problem.ToJsonString()}");
        }

        var (unknown, _) = await SendAsync(anonymous, HttpMethod.Post, "/amendments/am-nope/comments", """{"text":"hello"}""");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(afterCreate, await CountsAsync());
    }
}
