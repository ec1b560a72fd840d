using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Metrocircle.Tests.Cli;

/// <summary>The first start of <c>metrocircle serve</c> on an empty store: seeded, and one administrator with a one-time password printed once.</summary>
public sealed partial class ServeFirstStartTests
{
    [Fact]
    public async Task an_empty_store_gets_one_administrator_whose_one_time_password_must_be_changed_and_is_never_printed_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new StoreFixture();
        var first = await StartAsync(files, ct);
        string password;
        try
        {
            password = OneTimePassword().Match(first.Output.ToString()).Groups[1].Value;
            Assert.Equal(20, password.Length);
            using var http = new HttpClient { BaseAddress = first.Address };
            using var signIn = await http.PostAsJsonAsync("/auth/sign-in", new { userName = "admin", password }, ct);
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            var body = await signIn.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.True(body!["account"]!["mustChangePassword"]!.GetValue<bool>());
            http.DefaultRequestHeaders.Authorization = new("Bearer", body["token"]!.GetValue<string>());
            using var users = await http.GetAsync("/users", ct);
            Assert.Equal(HttpStatusCode.Unauthorized, users.StatusCode);
            Assert.Contains("one-time password", await users.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
        finally
        {
            await first.StopAsync();
        }

        // A second start finds the account and prints no password.
        var second = await StartAsync(files, ct);
        await second.StopAsync();
        Assert.DoesNotContain("one-time password", second.Output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, second.Output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>What serve printed so far; the writer is synchronised on itself, so reads take the same lock.</summary>
    private sealed class Printed(StringWriter text, TextWriter writer)
    {
        public TextWriter Writer => writer;

        public override string ToString()
        {
            lock (writer)
            {
                return text.ToString();
            }
        }
    }

    private sealed record Running(Uri Address, Printed Output, Task<int> Run, CancellationTokenSource Stop)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            try
            {
                await Run;
            }
            catch (OperationCanceledException)
            {
                // Stopping is the point.
            }

            Stop.Dispose();
        }
    }

    private static async Task<Running> StartAsync(StoreFixture files, CancellationToken ct)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var address = new Uri($"http://127.0.0.1:{port}");
        var text = new StringWriter();
        var output = new Printed(text, TextWriter.Synchronized(text));
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => Metrocircle.Cli.CommandLine.RunAsync(
            ["serve", "--urls", address.ToString(), "--store", files.Store, "--dataset", Metrocircle.Testing.TestPaths.Dataset()], output.Writer, TextWriter.Null, stop.Token), ct);
        // Seeding the default dataset takes seconds on a quiet machine and minutes on a busy one.
        for (var i = 0; i < 6000 && !output.ToString().Contains("is serving on", StringComparison.Ordinal); i++)
        {
            Assert.False(run.IsCompleted, $"serve stopped early: {output}");
            await Task.Delay(100, ct);
        }

        Assert.Contains("is serving on", output.ToString(), StringComparison.Ordinal);

        return new Running(address, output, run, stop);
    }

    [GeneratedRegex("one-time password: ([A-Za-z0-9]+)")]
    private static partial Regex OneTimePassword();
}
