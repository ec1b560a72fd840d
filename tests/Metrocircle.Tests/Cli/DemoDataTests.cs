using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web;
using Metrocircle.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Metrocircle.Tests.Cli;

/// <summary><c>seed --demo</c>: synthetic accounts for each role and level, cases in four states and checks, once; nothing of it without the flag.</summary>
public sealed partial class DemoDataTests(SeededStore plain) : IClassFixture<SeededStore>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task seed_with_demo_adds_marked_accounts_cases_and_checks_once_and_a_printed_password_signs_in()
    {
        using var files = new StoreFixture();
        var (code, output, error) = await files.RunAsync("seed", "--demo", "--store", files.Store, "--dataset", Metrocircle.Testing.TestPaths.Dataset());
        Assert.True(code == 0, error);
        var printed = PasswordLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        await using (var store = new SqlitePlanStore(files.StorePath))
        {
            var version = (await store.GetCurrentVersionAsync(Ct))!;
            var provinces = await IdsAsync(store, version.Id, "provinces");
            var cities = await IdsAsync(store, version.Id, "cities");
            var counties = await IdsAsync(store, version.Id, "counties");

            var accounts = (await ((IAccountStore)store).ListAccountsAsync(Ct)).Where(a => a.UserName.StartsWith("demo-", StringComparison.Ordinal)).ToList();
            Assert.Equal(accounts.Select(a => a.UserName).Order(), printed.Keys.Order());
            Assert.All(accounts, a => Assert.Contains("synthetic", a.DisplayName, StringComparison.Ordinal));
            Assert.All(accounts, a => Assert.True(a.MustChangePassword && !a.Disabled));

            // Every role; a reviewer for each province; one bound to a city and one to a county, each of the plan.
            Assert.Equal(Roles.All.Order(), accounts.Select(a => a.Role).Distinct().Order());
            var reviewers = accounts.Where(a => a.Role == Role.Reviewer).ToList();
            Assert.Equal(provinces.Order(), reviewers.Select(r => r.Jurisdiction!).Where(provinces.Contains).Order());
            Assert.Contains(reviewers, r => cities.Contains(r.Jurisdiction!));
            Assert.Contains(reviewers, r => counties.Contains(r.Jurisdiction!));
            Assert.All(reviewers, r => Assert.False(string.IsNullOrEmpty(r.Department)));

            // Cases in four states, each by a demo proponent and marked; one under review has exactly one decision.
            var cases = new List<CaseFile>();
            foreach (var proponent in accounts.Where(a => a.Role == Role.Proponent))
            {
                cases.AddRange((await store.ListCasesAsync(new CaseQuery(Proponent: proponent.UserName), Ct)).Select(c => c.File));
            }

            Assert.Equal(4, cases.Count);
            Assert.All(cases, c => Assert.Contains("synthetic", c.Title, StringComparison.Ordinal));
            Assert.Contains(cases, c => c.Status == CaseStatus.UnderReview && c.Decisions.Count == 0);
            Assert.Contains(cases, c => c.Status == CaseStatus.UnderReview && c.Decisions.Count == 1);
            Assert.Contains(cases, c => c.Status == CaseStatus.Approved);
            Assert.Contains(cases, c => c.Status == CaseStatus.Rejected);
            Assert.All(cases.SelectMany(c => c.Decisions), d => Assert.StartsWith("demo-", d.Actor, StringComparison.Ordinal));

            // Through the ledger's case path (issue 13): the case awaiting review holds new construction land, the approved
            // one has posted its holds as consumption, the rejected one has released any it had.
            const string Quota = "new-construction-land/";
            var awaiting = cases.Single(c => c.Status == CaseStatus.UnderReview && c.Decisions.Count == 0);
            Assert.Contains(await store.ListHoldsAsync(awaiting.Id, Ct), h => h.Account.StartsWith(Quota, StringComparison.Ordinal) && h.Status == HoldStatus.Open && h.Amount > 0);
            var approved = cases.Single(c => c.Status == CaseStatus.Approved);
            var settled = (await store.ListHoldsAsync(approved.Id, Ct)).Where(h => h.Account.StartsWith(Quota, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(settled);
            Assert.All(settled, h => Assert.Equal(HoldStatus.Settled, h.Status));
            var consumption = Assert.Single(await store.ListTransactionsAsync(null, 0, 10_000, Ct), t => t.CaseId == approved.Id);
            Assert.Equal(-settled.Sum(h => h.Amount), consumption.Postings.Where(p => p.Account.StartsWith(Quota, StringComparison.Ordinal) && !p.Account.EndsWith("/@used", StringComparison.Ordinal)).Sum(p => p.Amount));
            Assert.DoesNotContain(await store.ListHoldsAsync(cases.Single(c => c.Status == CaseStatus.Rejected).Id, Ct), h => h.Status == HoldStatus.Open);
            Assert.Null((await LedgerVerifier.VerifyAsync(store, Ct)).FirstBreak);

            // The checks of the cases and three more, all marked synthetic in their attributes.
            var demoChecks = 0;
            await foreach (var (_, json) in store.StreamDocumentsAsync(CheckDocument.Kind, Ct))
            {
                var attributes = JsonNode.Parse(json)!["attributes"];
                Assert.True(attributes?["synthetic"]?.GetValue<bool>() == true, json[..Math.Min(300, json.Length)]);
                demoChecks++;
            }

            Assert.Equal(cases.Count + 3, demoChecks);
        }

        // Every change went through the audit log, whose chain holds.
        var export = Path.Combine(files.Folder, "audit.jsonl");
        Assert.Equal(0, (await files.RunAsync("audit-log", "export", "--out", export, "--store", files.Store)).Code);
        var audit = await File.ReadAllTextAsync(export, Ct);
        Assert.Equal(printed.Count, Regex.Matches(audit, "\"action\":\"account.added\"").Count);
        Assert.Equal(4, Regex.Matches(audit, "\"action\":\"case.submitted\"").Count);
        Assert.Equal(0, (await files.RunAsync("audit-log", "verify", "--store", files.Store)).Code);

        // A second run adds nothing and prints no password.
        (code, var again, error) = await files.RunAsync("seed", "--demo", "--store", files.Store);
        Assert.True(code == 0, error);
        Assert.Empty(PasswordLine().Matches(again));
        foreach (var password in printed.Values)
        {
            Assert.DoesNotContain(password, again, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await files.RunAsync("audit-log", "export", "--out", export, "--store", files.Store)).Code);
        Assert.Equal(audit.Length, (await File.ReadAllTextAsync(export, Ct)).Length);

        // A printed one-time password signs in to a server over the store (and must then be changed).
        var proponentName = printed.Keys.First(k => k.Contains("proponent", StringComparison.Ordinal));
        await using var host = new SqlitePlanStore(files.StorePath);
        await using var app = MetrocircleWebApp.Build(host, new WebHostSettings(["http://127.0.0.1:0"]));
        await app.StartAsync(Ct);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            using var signIn = await http.PostAsJsonAsync("/auth/sign-in", new { userName = proponentName, password = printed[proponentName] }, Ct);
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.True((await signIn.Content.ReadFromJsonAsync<JsonObject>(Ct))!["account"]!["mustChangePassword"]!.GetValue<bool>());
        }
        finally
        {
            await app.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task without_demo_no_demo_account_case_or_check_exists()
    {
        await using var store = new SqlitePlanStore(plain.Files.StorePath);
        Assert.DoesNotContain(await ((IAccountStore)store).ListAccountsAsync(Ct), a => a.UserName.StartsWith("demo-", StringComparison.Ordinal));
        Assert.Empty(await store.ListCasesAsync(new CaseQuery(), Ct));
        await foreach (var (_, json) in store.StreamDocumentsAsync(CheckDocument.Kind, Ct))
        {
            Assert.DoesNotContain("synthetic", json, StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> IdsAsync(SqlitePlanStore store, string versionId, string layer)
    {
        var ids = new List<string>();
        await foreach (var f in store.StreamFeaturesAsync(versionId, layer, Ct))
        {
            ids.Add(f.Id);
        }

        return ids;
    }

    [GeneratedRegex(@"^\s+(demo-[a-z0-9._-]+)\s.*\s([A-Za-z2-9]{20})\s*$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();
}
