using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Operations;

public sealed partial class OperationsApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task healthz_answers_anonymous_callers_that_the_process_is_up()
    {
        using var response = await server.Client.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadAsStringAsync(Ct)).Trim());
    }

    [Fact]
    public async Task readyz_reports_store_plan_and_snapshot_and_becomes_ready_once_the_snapshot_is_built()
    {
        JsonElement last = default;
        HttpStatusCode status = 0;

        // The first probe may start the snapshot build; a bounded number of probes must then see it ready.
        for (var attempt = 0; attempt < 300 && status != HttpStatusCode.OK; attempt++)
        {
            using var response = await server.Client.GetAsync("/readyz", Ct);
            status = response.StatusCode;
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"/readyz answered {status}");
            last = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal("not-ready", last.GetProperty("status").GetString());
                await Task.Delay(200, Ct);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", last.GetProperty("status").GetString());
        var checks = last.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["store"] = true, ["plan"] = true, ["snapshot"] = true }, checks);
    }

    [Fact]
    public async Task metrics_count_requests_by_endpoint_and_tiles_by_cache_outcome()
    {
        const string tile = "/collections/provinces/tiles/WebMercatorQuad/7/48/105";
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        using (var check = await proponent.PostAsync("/checks", new StringContent("""
            {"type":"Feature","properties":{"category":"logistics","bufferM":100},"geometry":{"type":"Point","coordinates":[116.5,39.8]}}
            """, System.Text.Encoding.UTF8, "application/geo+json"), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, check.StatusCode);
        }

        await server.Client.GetAsync("/collections", Ct);
        (await server.Client.GetAsync(tile, Ct)).Dispose();
        (await server.Client.GetAsync(tile, Ct)).Dispose();

        var text = await server.Client.GetStringAsync("/metrics", Ct);
        Assert.Matches(EndpointCounter(), text);
        Assert.Matches(TileHits(), text);
        Assert.Matches(CheckTimings(), text);
        Assert.Contains("metrocircle_store_errors_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_response_names_its_request_id_and_two_requests_get_different_ones()
    {
        using var first = await server.Client.GetAsync("/healthz", Ct);
        using var second = await server.Client.GetAsync("/no-such-thing", Ct);
        var a = Assert.Single(first.Headers.GetValues("X-Request-Id"));
        var b = Assert.Single(second.Headers.GetValues("X-Request-Id"));
        Assert.False(string.IsNullOrWhiteSpace(a));
        Assert.NotEqual(a, b);
    }

    [GeneratedRegex("""http_requests_received_total\{[^}]*endpoint="/collections/?"[^}]*\} [1-9]""")]
    private static partial Regex EndpointCounter();

    [GeneratedRegex("""metrocircle_tile_requests_total\{cache="hit"\} [1-9]""")]
    private static partial Regex TileHits();

    [GeneratedRegex("""metrocircle_check_duration_seconds_count [1-9]""")]
    private static partial Regex CheckTimings();
}
