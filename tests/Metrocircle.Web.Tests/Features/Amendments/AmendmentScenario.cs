using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Amendments.AmendmentRequests;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Amendments;

/// <summary>
/// The amendment loop end to end over HTTP, the same on SQLite and on PostGIS: a red line retired and farmland taken
/// without compensation are blocked at approval with the balance sheet (and the office may override only what the
/// rules allow); farmland moved with compensation passes notice, its comment is moderated and answered, every task
/// approves, and on its effective date the amended version is in force (on a second instance too, when given) while
/// the base version stays readable as it was.
/// </summary>
internal static class AmendmentScenario
{
    private const string Farmland = "permanent-farmland";
    private const string RedLine = "ecological-redline";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task RunAsync(HttpClient anonymous, Func<string, Task<HttpClient>> @as, ShiftedClock clock, IPlanStore store, HttpClient? second)
    {
        var hebei = await ProvinceAsync(anonymous, Jurisdictions.Hebei);
        var baseVersion = (await store.GetCurrentVersionAsync(Ct))!.Id;
        var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(45)).ToString("yyyy-MM-dd");
        var proposer = await @as(TestAccounts.TianjinReviewer);

        // 1. Retiring a red-line patch: the sheet says the province loses red line, naming the feature; no override possible.
        var redLine = await FeatureInAsync(anonymous, RedLine, hebei);
        var (s1, redAmendment) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "Shrink the red line", effective, Retire(RedLine, redLine.Id)));
        Assert.True(s1 == HttpStatusCode.Created, redAmendment.ToJsonString());
        Assert.False(redAmendment["balance"]!["ok"]!.GetValue<bool>());
        var redLineLine = redAmendment["balance"]!["rules"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == "B1-redline-no-decrease" && l["province"]?.GetValue<string>() == Jurisdictions.Hebei)!;
        Assert.False(redLineLine["ok"]!.GetValue<bool>());
        Assert.Contains($"{RedLine}/{redLine.Id}", redLineLine["features"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.True(redLineLine["before"]!.GetValue<double>() > redLineLine["after"]!.GetValue<double>());
        Assert.Equal("public-notice", redAmendment["status"]!.GetValue<string>());
        Assert.NotNull(redAmendment["caseId"]);

        // Impact: a stored check on that patch stops failing the red-line rule; one far away is not even re-checked.
        var proponent = await @as(TestAccounts.Proponent);
        var at = redLine.Geometry.InteriorPoint.Coordinate;
        var (k1, onPatch) = await SendAsync(proponent, HttpMethod.Post, "/checks", Feature(Square(at.X, at.Y, 0.0005), "housing"));
        Assert.True(k1 == HttpStatusCode.Created || k1 == HttpStatusCode.OK, onPatch.ToJsonString());
        Assert.Equal("not-aligned", onPatch["verdict"]!.GetValue<string>());
        var beijing = (await ProvinceAsync(anonymous, Jurisdictions.Beijing)).InteriorPoint.Coordinate;
        var (_, farAway) = await SendAsync(proponent, HttpMethod.Post, "/checks", Feature(Square(beijing.X, beijing.Y, 0.001), "housing"));
        var (i1, impact) = await SendAsync(await @as(TestAccounts.Office), HttpMethod.Get, $"/amendments/{redAmendment["id"]!.GetValue<string>()}/impact");
        Assert.True(i1 == HttpStatusCode.OK, impact.ToJsonString());
        var changed = impact["checks"]!.AsArray().Single(c => c!["checkId"]!.GetValue<string>() == onPatch["id"]!.GetValue<string>())!;
        Assert.Equal("not-aligned", changed["verdictBefore"]!.GetValue<string>());
        Assert.NotEqual("not-aligned", changed["verdictAfter"]!.GetValue<string>());
        Assert.DoesNotContain(impact["checks"]!.AsArray(), c => c!["checkId"]!.GetValue<string>() == farAway["id"]!.GetValue<string>());
        Assert.True(impact["unchangedWithoutRecheck"]!.GetValue<int>() >= 1);
        Assert.Contains(impact["areas"]!.AsArray(), a => a!["layer"]!.GetValue<string>() == RedLine && a["removedM2"]!.GetValue<double>() > 0);
        var (_, publicImpact) = await SendAsync(anonymous, HttpMethod.Get, $"/amendments/{redAmendment["id"]!.GetValue<string>()}/impact");
        Assert.Empty(publicImpact["checks"]!.AsArray());
        Assert.True(publicImpact["checksChanged"]!.GetValue<int>() >= 1);

        // 2. Farmland taken without compensation: blocked (the office could override this rule).
        var parcel = await FeatureInAsync(anonymous, Farmland, hebei);
        var (s2, uncompensated) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "Take farmland", effective, Retire(Farmland, parcel.Id)));
        Assert.True(s2 == HttpStatusCode.Created, uncompensated.ToJsonString());
        Assert.False(uncompensated["balance"]!["ok"]!.GetValue<bool>());
        Assert.Contains(uncompensated["balance"]!["rules"]!.AsArray(), l => l!["id"]!.GetValue<string>() == "B2-farmland-compensate" && !l["ok"]!.GetValue<bool>());

        // 3. The same parcel moved to a free spot in the same province: balanced.
        var spot = await FreeSpotAsync(anonymous, Farmland, parcel.Geometry, hebei);
        var (s3, moved) = await SendAsync(proposer, HttpMethod.Post, "/amendments", Propose(baseVersion, "Move farmland", effective,
            Retire(Farmland, parcel.Id), Add(Farmland, parcel.Id + "-moved", spot, new JsonObject { ["countyId"] = parcel.Properties["countyId"]!.GetValue<string>() })));
        Assert.True(s3 == HttpStatusCode.Created, moved.ToJsonString());
        Assert.True(moved["balance"]!["ok"]!.GetValue<bool>(), moved["balance"]!.ToJsonString());
        var movedId = moved["id"]!.GetValue<string>();
        var movedCase = moved["caseId"]!.GetValue<string>();

        // Anyone may comment during notice; the comment waits for moderation and is not shown to the public yet.
        var (c1, commented) = await SendAsync(anonymous, HttpMethod.Post, $"/amendments/{movedId}/comments", """{"text":"Is the new parcel as fertile?","geometry":{"type":"Point","coordinates":[116.0,39.0]}}""");
        Assert.True(c1 == HttpStatusCode.OK, commented.ToJsonString());
        var (_, publicView) = await SendAsync(anonymous, HttpMethod.Get, $"/amendments/{movedId}");
        Assert.Empty(publicView["comments"]!.AsArray());
        Assert.Equal(1, publicView["unansweredComments"]!.GetValue<int>());

        // Every task approves during notice: the last approval waits for the notice to end.
        var early = await DecideAllAsync(movedCase, @as);
        Assert.All(early.SkipLast(1), r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.Conflict, early[^1].Status);
        Assert.Contains("public notice until", early[^1].Body["detail"]!.GetValue<string>());

        // After the notice: still refused while the comment has no answer.
        clock.Offset = TimeSpan.FromDays(31);
        var (_, inReview) = await SendAsync(anonymous, HttpMethod.Get, $"/amendments/{movedId}");
        Assert.Equal("review", inReview["status"]!.GetValue<string>());
        var (late, _) = await SendAsync(anonymous, HttpMethod.Post, $"/amendments/{movedId}/comments", """{"text":"too late"}""");
        Assert.Equal(HttpStatusCode.Conflict, late);
        var unanswered = await DecideAllAsync(movedCase, @as);
        Assert.Equal(HttpStatusCode.Conflict, unanswered.Single().Status);
        Assert.Contains("without an answer", unanswered.Single().Body["detail"]!.GetValue<string>());

        // The blocked ones: every task approves but the last decision is refused with the balance sheet.
        foreach (var blocked in new[] { redAmendment, uncompensated })
        {
            var results = await DecideAllAsync(blocked["caseId"]!.GetValue<string>(), @as);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, results[^1].Status);
            Assert.Equal("Balance rules not met", results[^1].Body["title"]!.GetValue<string>());
            Assert.False(results[^1].Body["balance"]!["ok"]!.GetValue<bool>());
        }

        // The office shows the comment, the proposer answers it, and the last approval publishes the amendment.
        var office = await @as(TestAccounts.Office);
        var (m, _) = await SendAsync(office, HttpMethod.Post, $"/amendments/{movedId}/comments/c1/moderation", """{"decision":"show"}""");
        Assert.Equal(HttpStatusCode.OK, m);
        var (notYours, _) = await SendAsync(await @as(TestAccounts.HebeiReviewer), HttpMethod.Post, $"/amendments/{movedId}/comments/c1/answer", """{"answer":"no"}""");
        Assert.Equal(HttpStatusCode.Forbidden, notYours);
        var (a, _) = await SendAsync(await @as(TestAccounts.TianjinReviewer), HttpMethod.Post, $"/amendments/{movedId}/comments/c1/answer", """{"answer":"Same soil class."}""");
        Assert.Equal(HttpStatusCode.OK, a);
        var final = await DecideAllAsync(movedCase, @as);
        Assert.True(final.Single().Status == HttpStatusCode.OK, final.Single().Body.ToJsonString());

        var (_, approved) = await SendAsync(anonymous, HttpMethod.Get, $"/amendments/{movedId}");
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        var published = approved["publishedVersion"]!.GetValue<string>();
        Assert.Single(approved["comments"]!.AsArray());
        var record = await store.GetVersionRecordAsync(published, Ct);
        Assert.Equal((VersionSource.Amendment, movedId), (record!.Source, record.AmendmentId));
        Assert.Equal(DateOnly.Parse(effective, System.Globalization.CultureInfo.InvariantCulture), record.Version.EffectiveFrom);
        Assert.Equal([new Core.Model.LayerChangeCount(Farmland, 1, 0, 1)], record.Changes);
        Assert.Null(await store.GetFeatureAsync(published, Farmland, parcel.Id, Ct));
        Assert.NotNull(await store.GetFeatureAsync(published, Farmland, parcel.Id + "-moved", Ct));
        Assert.NotNull(await store.GetFeatureAsync(baseVersion, Farmland, parcel.Id, Ct));

        // The land ledger moved with the farmland, in the approval's transaction: the parcel's county used compensation
        // credits for what it lost, the county of the new spot gained credits for what it got.
        var ledgerTx = (await ((ILedgerStore)store).ListTransactionsAsync(null, 0, 100_000, Ct)).Where(t => t.CaseId == movedCase).ToList();
        var countyOfParcel = parcel.Properties["countyId"]!.GetValue<string>();
        using (var countyDoc = JsonDocument.Parse(await anonymous.GetStringAsync($"/collections/counties/items/{countyOfParcel}", Ct)))
        {
            if (!GeoJsonGeometry.Read(countyDoc.RootElement.GetProperty("geometry"))!.Contains(spot))
            {
                var moveTx = Assert.Single(ledgerTx);
                Assert.Equal("amendment", moveTx.Type);
                Assert.Contains(moveTx.Postings, posting => posting.Account.StartsWith("farmland-compensation/", StringComparison.Ordinal) && posting.Account.EndsWith("/" + countyOfParcel, StringComparison.Ordinal) && posting.Amount < 0);
                Assert.Contains(moveTx.Postings, posting => posting.Account.StartsWith("farmland-compensation/", StringComparison.Ordinal) && posting.Account.EndsWith("/@used", StringComparison.Ordinal) && posting.Amount > 0);
                Assert.Contains(moveTx.Postings, posting => posting.Account.StartsWith("farmland-compensation/", StringComparison.Ordinal) && posting.Account.EndsWith("/@grant", StringComparison.Ordinal) && posting.Amount < 0);
            }
        }

        Assert.Null((await Core.Ledger.LedgerVerifier.VerifyAsync((ILedgerStore)store, Ct)).FirstBreak);

        // The office may override a rule that allows it, but not the red line; and an override cannot publish a
        // change set whose feature was retired since its base (the parcel moved above): 409 naming it.
        var overrideRedLine = await SendAsync(office, HttpMethod.Post, $"/cases/{redAmendment["caseId"]!.GetValue<string>()}/override",
            """{"decision":"approve","reason":"urgent"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overrideRedLine.Status);
        Assert.Contains("allow no override", overrideRedLine.Body["detail"]!.GetValue<string>());
        var overrideFarmland = await SendAsync(office, HttpMethod.Post, $"/cases/{uncompensated["caseId"]!.GetValue<string>()}/override",
            """{"decision":"approve","reason":"compensated by the county next year"}""");
        Assert.Equal(HttpStatusCode.Conflict, overrideFarmland.Status);
        Assert.Contains($"{Farmland}/{parcel.Id}", overrideFarmland.Body["features"]!.AsArray().Select(f => f!.GetValue<string>()));

        // Every state change is in the audit log.
        var actions = new List<string>();
        await foreach (var e in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            if (e.Subject == movedId || e.Subject == published)
            {
                actions.Add(e.Action);
            }
        }

        Assert.Equal(["amendment.proposed", "amendment.commented", "amendment.comment-moderated", "amendment.comment-answered", "amendment.approved", "plan.version.published"], actions);

        // An amendment proposed on the old base whose feature moved since is refused as stale, naming it.
        var (stale, staleBody) = await SendAsync(await @as(TestAccounts.TianjinReviewer), HttpMethod.Post, "/amendments", Propose(baseVersion, "Late", effective, Retire(Farmland, parcel.Id)));
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Contains($"{Farmland}/{parcel.Id}", staleBody["detail"]!.GetValue<string>());

        // On its effective date the amended plan is in force, on every instance sharing the store.
        clock.Offset = TimeSpan.FromDays(46);
        foreach (var client in second is null ? [anonymous] : new[] { anonymous, second })
        {
            var watch = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var after = await client.GetAsync($"/collections/{Farmland}/items/{parcel.Id}", Ct);
                status = after.StatusCode;
                if (status != HttpStatusCode.NotFound)
                {
                    await System.Threading.Tasks.Task.Delay(50, Ct);
                }
            }
            while (status != HttpStatusCode.NotFound && watch.Elapsed < TimeSpan.FromSeconds(10));

            Assert.Equal(HttpStatusCode.NotFound, status);
            using var moved2 = await client.GetAsync($"/collections/{Farmland}/items/{parcel.Id}-moved", Ct);
            Assert.Equal(HttpStatusCode.OK, moved2.StatusCode);
            using var old = await client.GetAsync($"/collections/{Farmland}/items/{parcel.Id}?version={Uri.EscapeDataString(baseVersion)}", Ct);
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            var (_, inForce) = await SendAsync(client, HttpMethod.Get, $"/amendments/{movedId}");
            Assert.Equal("in-force", inForce["status"]!.GetValue<string>());
        }
    }
}
