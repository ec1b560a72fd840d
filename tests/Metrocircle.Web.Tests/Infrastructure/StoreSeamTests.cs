using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Tests.Infrastructure;

public sealed class StoreSeamTests
{
    [Fact]
    public void the_host_refuses_to_start_over_a_store_that_lacks_a_capability_its_endpoints_require()
    {
        var store = PlanOnlyStore.Create();
        var e = Assert.Throws<InvalidOperationException>(() => MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"])));
        Assert.Contains("plan-only test store", e.Message, StringComparison.Ordinal);
        foreach (var capability in MetrocircleWebApp.RequiredCapabilities)
        {
            Assert.Contains(capability.Name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task a_failed_read_of_the_embedded_store_is_a_503_whose_message_keeps_the_engine_details_in_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "mc-seam-" + Guid.NewGuid().ToString("N"));
        await using (var store = new SqlitePlanStore(Path.Combine(folder, "metrocircle.sqlite")))
        {
            await store.MigrateAsync(ct);
            await using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
            {
                await connection.OpenAsync(ct);
                await using var command = connection.CreateCommand();
                command.CommandText = "ALTER TABLE plan_version RENAME TO plan_version_away";
                await command.ExecuteNonQueryAsync(ct);
            }

            await using var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Critical));
            await app.StartAsync(ct);
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            using var response = await client.GetAsync("/collections", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["detail"]!.GetValue<string>();
            Assert.Contains("server log", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("plan_version", detail, StringComparison.Ordinal);
            await app.StopAsync(ct);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task a_503_from_an_unreachable_postgis_store_says_the_store_is_unavailable_and_names_no_host_password_or_sql()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new PostgresPlanStore("postgresql://metro_reader:hunter2-secret@127.0.0.1:1/metro_db?connect_timeout=3");
        await using var app = MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"], MinimumLogLevel: LogLevel.Critical));
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        foreach (var path in new[] { "/collections", "/collections/counties/items?bbox=116,39,117,40&limit=5" })
        {
            using var response = await client.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStringAsync(ct);
            var problem = JsonNode.Parse(body)!;
            Assert.Equal("Store unavailable", problem["title"]!.GetValue<string>());
            Assert.Contains("server log", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            foreach (var secret in new[] { "hunter2", "metro_reader", "metro_db", "127.0.0.1:1", "postgresql://", "SELECT", "Npgsql", "refused" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
            }
        }

        await app.StopAsync(ct);
    }

    /// <summary>A store that offers plans and nothing else. The host only inspects it, so any call but its description is a failure.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time
    public class PlanOnlyStore : DispatchProxy
#pragma warning restore CA1852
    {
        public static IPlanStore Create() => Create<IPlanStore, PlanOnlyStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_Description" ? "plan-only test store" : throw new NotSupportedException($"the host called {targetMethod?.Name} on a store it should have refused");
    }
}
