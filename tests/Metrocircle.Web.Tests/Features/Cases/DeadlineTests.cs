using System.Net;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>What happens as time passes: tokens expire, tasks become due soon, then overdue and escalated. On a server of its own, whose clock the tests move.</summary>
public sealed class DeadlineTests(TimeTravelServer fixture) : IClassFixture<TimeTravelServer>
{
    private SeededServer Server => fixture.Server;

    [Fact]
    public async Task an_expired_token_is_refused_saying_when_it_expired_and_an_overdue_task_escalates_to_the_office()
    {
        try
        {
            var proponent = await Server.ClientAsAsync(TestAccounts.Proponent);
            var (status, opened) = await SubmitAsync(proponent, "Slow review", Feature(await AcrossBeijingAndHebeiAsync(Server.Client), "public-service"));
            Assert.Equal(HttpStatusCode.Created, status);
            var id = opened["id"]!.GetValue<string>();
            var hebei = Task(opened, t => t["kind"]!.GetValue<string>() == "jurisdiction" && t["jurisdiction"]!.GetValue<string>() == Jurisdictions.Hebei);
            Assert.False(hebei["dueSoon"]!.GetValue<bool>());

            // 13 hours on, the 12-hour token has expired; nothing else changed.
            Server.Clock.Offset = TimeSpan.FromHours(13);
            var (expired, problem) = await SendAsync(proponent, HttpMethod.Get, $"/cases/{id}");
            Assert.Equal(HttpStatusCode.Unauthorized, expired);
            Assert.Contains("expired at", problem["detail"]!.GetValue<string>());

            // 16 days on, the 20-day jurisdiction tasks are within the 5-day reminder window.
            Server.Clock.Offset = TimeSpan.FromDays(16);
            var hebeiReviewer = await SignedIn(TestAccounts.HebeiReviewer);
            var (_, inbox) = await SendAsync(hebeiReviewer, HttpMethod.Get, "/cases?inbox=true");
            var line = inbox["cases"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
            Assert.True(line["tasksForYou"]![0]!["dueSoon"]!.GetValue<bool>());
            Assert.False(line["tasksForYou"]![0]!["overdue"]!.GetValue<bool>());

            // 21 days on they are overdue; escalation hands them to the coordination office, which may now decide them.
            Server.Clock.Offset = TimeSpan.FromDays(21);
            var office = await SignedIn(TestAccounts.Office);
            var (denied, _) = await SendAsync(await SignedIn(TestAccounts.HebeiReviewer), HttpMethod.Post, "/cases/escalations");
            Assert.Equal(HttpStatusCode.Forbidden, denied);
            var (ran, escalated) = await SendAsync(office, HttpMethod.Post, "/cases/escalations");
            Assert.Equal(HttpStatusCode.OK, ran);
            Assert.Contains(id, escalated["escalated"]!.AsArray().Select(x => x!.GetValue<string>()));
            var (_, again) = await SendAsync(office, HttpMethod.Post, "/cases/escalations");
            Assert.DoesNotContain(id, again["escalated"]!.AsArray().Select(x => x!.GetValue<string>()));

            var (_, @case) = await SendAsync(office, HttpMethod.Get, $"/cases/{id}");
            var escalatedHebei = Task(@case, t => t["id"]!.GetValue<string>() == hebei["id"]!.GetValue<string>());
            Assert.True(escalatedHebei["escalated"]!.GetValue<bool>());
            Assert.True(escalatedHebei["youMayDecide"]!.GetValue<bool>());
            Assert.Contains(@case["timeline"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "escalated");
            var (_, officeInbox) = await SendAsync(office, HttpMethod.Get, "/cases?inbox=true");
            Assert.Contains(officeInbox["cases"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
            var (decided, _) = await DecideAsync(office, id, hebei["id"]!.GetValue<string>(), "approve", 1, "decided on escalation");
            Assert.Equal(HttpStatusCode.OK, decided);
        }
        finally
        {
            Server.Clock.Offset = TimeSpan.Zero;
        }
    }

    private async Task<HttpClient> SignedIn(string userName)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestAccounts.SignInAsync(Server.Client, userName));
        return client;
    }
}
