using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary>
/// Issue 13: a real <c>metrocircle serve</c> killed with SIGKILL right after the final approvals of land-quota transfers
/// are sent, so that the kill lands around their posting. Afterwards <c>ledger verify</c> passes and each transfer is
/// posted whole (case approved, one transaction of its postings, hold settled) or not at all (case open, no
/// transaction, hold open); an acknowledged approval is always posted.
/// </summary>
public sealed partial class LedgerKillTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private const int Transfers = 4;
    private const string Password = "kill-test-password-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task issue_13_a_transfer_killed_at_its_posting_is_posted_whole_or_not_at_all_and_the_ledger_verifies()
    {
        var store = seeded.Files;
        var server = await ServerProcess.StartAsync(store.Store);
        var proposed = new List<(string Case, string Task, long Revision, HttpClient Decider, string From, string To, long Amount)>();
        var acknowledged = new HashSet<string>();
        try
        {
            using var admin = await server.SignInFirstAdminAsync();
            var accounts = new Accounts(server, admin);
            var office = await accounts.ClientAsync("kill-office", "coordination-office", null, null);
            using var balances = await office.GetAsync(new Uri("/ledger/balances", UriKind.Relative), Ct);
            var rich = (await balances.Content.ReadFromJsonAsync<JsonObject>(Ct))!["balances"]!.AsArray()
                .Select(b => b!.AsObject())
                .Where(b => b["role"]!.GetValue<string>() == "jurisdiction" && b["available"]!.GetValue<long>() >= 1_000_000)
                .GroupBy(b => (b["kind"]!.GetValue<string>(), b["period"]!.GetValue<string>()))
                .OrderByDescending(g => g.Count())
                .First()
                .ToList();
            Assert.True(rich.Count >= 2 * Transfers, "the seeded ledger has too few jurisdiction accounts with funds");

            for (var i = 0; i < Transfers; i++)
            {
                var (from, to) = (rich[2 * i], rich[(2 * i) + 1]);
                var amount = 1_000 + i;
                using var response = await admin.PostAsJsonAsync("/ledger/transfers", new
                {
                    from = from["jurisdiction"]!.GetValue<string>(), to = to["jurisdiction"]!.GetValue<string>(),
                    kind = from["kind"]!.GetValue<string>(), period = from["period"]!.GetValue<string>(), amount, title = "kill test transfer (synthetic)",
                }, Ct);
                var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
                Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
                var caseId = body["caseId"]!.GetValue<string>();
                var revision = body["case"]!["revision"]!.GetValue<long>();
                var tasks = body["case"]!["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
                foreach (var task in tasks[..^1])
                {
                    var (status, detail) = await DecideAsync(await accounts.DeciderAsync(task), caseId, task["id"]!.GetValue<string>(), revision);
                    Assert.True(status == HttpStatusCode.OK, detail);
                }

                proposed.Add((caseId, tasks[^1]["id"]!.GetValue<string>(), revision, await accounts.DeciderAsync(tasks[^1]),
                    from["account"]!.GetValue<string>(), to["account"]!.GetValue<string>(), amount));
            }

            // The final approvals go out together; the kill follows at once or a few milliseconds later.
            var finals = proposed.Select(p => Task.Run(() => DecideAsync(p.Decider, p.Case, p.Task, p.Revision), Ct)).ToList();
            await Task.Delay(Random.Shared.Next(0, 60), Ct);
            server.Kill();
            foreach (var (p, final) in proposed.Zip(finals))
            {
                try
                {
                    if ((await final).Status == HttpStatusCode.OK)
                    {
                        acknowledged.Add(p.Case);
                    }
                }
                catch (HttpRequestException)
                {
                    // Cut by the kill: never acknowledged.
                }
            }
        }
        finally
        {
            server.Kill();
        }

        var (verify, verified, broken) = await store.RunAsync("ledger", "verify", "--store", store.Store);
        Assert.True(verify == 0, broken);
        Assert.Contains("ledger intact", verified, StringComparison.Ordinal);
        var (audit, _, auditError) = await store.RunAsync("audit-log", "verify", "--store", store.Store);
        Assert.True(audit == 0, auditError);

        await using var reopened = new SqlitePlanStore(store.StorePath);
        var transactions = await reopened.ListTransactionsAsync(null, 0, 10_000, Ct);
        var posted = 0;
        foreach (var p in proposed)
        {
            var mine = transactions.Where(t => t.CaseId == p.Case).ToList();
            var hold = Assert.Single(await reopened.ListHoldsAsync(p.Case, Ct));
            var status = (await reopened.GetCaseAsync(p.Case, Ct))!.File.Status;
            if (mine.Count == 0)
            {
                Assert.Equal(HoldStatus.Open, hold.Status);
                Assert.NotEqual(CaseStatus.Approved, status);
                Assert.DoesNotContain(p.Case, acknowledged);
            }
            else
            {
                var tx = Assert.Single(mine);
                Assert.Equal(new[] { (p.From, -p.Amount), (p.To, p.Amount) }, tx.Postings.Select(x => (x.Account, x.Amount)));
                Assert.Equal(HoldStatus.Settled, hold.Status);
                Assert.Equal(CaseStatus.Approved, status);
                posted++;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"kill at posting: {posted} of {Transfers} transfers posted, {acknowledged.Count} acknowledged");
    }

    private static async Task<(HttpStatusCode Status, string Detail)> DecideAsync(HttpClient client, string caseId, string taskId, long revision)
    {
        using var response = await client.PostAsJsonAsync($"/cases/{caseId}/tasks/{taskId}/decision", new { decision = "approve", reason = "kill test", revision }, CancellationToken.None);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(CancellationToken.None));
    }

    /// <summary>Accounts made by the administrator, each signed in with its own client; one reviewer per province and department.</summary>
    private sealed class Accounts(ServerProcess server, HttpClient admin)
    {
        private readonly Dictionary<string, HttpClient> _clients = [];

        public Task<HttpClient> DeciderAsync(JsonObject task) => task["kind"]!.GetValue<string>() == "coordination"
            ? ClientAsync("kill-office", "coordination-office", null, null)
            : ClientAsync($"kill-{task["jurisdiction"]!.GetValue<string>()}-{task["department"]?.GetValue<string>() ?? "development-reform"}", "reviewer",
                task["jurisdiction"]!.GetValue<string>(), task["department"]?.GetValue<string>() ?? "development-reform");

        public async Task<HttpClient> ClientAsync(string name, string role, string? jurisdiction, string? department)
        {
            if (!_clients.TryGetValue(name, out var client))
            {
                using var added = await admin.PostAsJsonAsync("/users", new { userName = name, displayName = name, role, jurisdiction, department }, Ct);
                var body = (await added.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
                Assert.True(added.IsSuccessStatusCode, body.ToJsonString());
                client = await server.SignInAsync(name, body["password"]!.GetValue<string>());
                _clients[name] = client;
            }

            return client;
        }
    }

    /// <summary><c>dotnet metrocircle.dll serve</c> as a child process on a free loopback port.</summary>
    private sealed partial class ServerProcess(Process process, Uri address, StringBuilder output)
    {
        public static async Task<ServerProcess> StartAsync(string store)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var address = new Uri($"http://127.0.0.1:{port}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "metrocircle.dll"), "serve", "--urls", address.ToString(), "--store", store })
            {
                start.ArgumentList.Add(a);
            }

            var output = new StringBuilder();
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new ServerProcess(process, address, output);

            // Starting takes seconds on a quiet machine and minutes on a busy one.
            for (var i = 0; i < 6000 && !server.Printed.Contains("is serving on", StringComparison.Ordinal); i++)
            {
                Assert.False(process.HasExited, $"serve stopped early: {server.Printed}");
                await Task.Delay(100, Ct);
            }

            Assert.Contains("is serving on", server.Printed, StringComparison.Ordinal);
            return server;
        }

        private string Printed
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public async Task<HttpClient> SignInFirstAdminAsync()
        {
            var oneTime = OneTimePassword().Match(Printed).Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(oneTime), $"no one-time password printed: {Printed}");
            return await SignInAsync("admin", oneTime);
        }

        /// <summary>Signs in with a one-time password, sets <see cref="Password"/>, and signs in again.</summary>
        public async Task<HttpClient> SignInAsync(string name, string oneTime)
        {
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, name, oneTime));
            using var changed = await client.PostAsJsonAsync("/auth/password", new { currentPassword = oneTime, newPassword = Password }, Ct);
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync(Ct));
            client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(client, name, Password));
            return client;
        }

        private static async Task<string> TokenAsync(HttpClient client, string name, string password)
        {
            using var response = await client.PostAsJsonAsync("/auth/sign-in", new { userName = name, password }, Ct);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            return body["token"]!.GetValue<string>();
        }

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        [GeneratedRegex("one-time password: ([A-Za-z0-9]+)")]
        private static partial Regex OneTimePassword();
    }
}
