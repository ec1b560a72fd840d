using System.Collections.Concurrent;
using System.Net;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Tests.Features.Operations;

/// <summary>One access line per request, with the status the client received, instead of the framework's four.</summary>
public sealed class RequestLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task each_request_writes_one_access_line_with_the_status_sent_and_the_framework_writes_none()
    {
        var lines = new LineSink();
        await using var server = await LightServer.StartAsync(SecuritySettings.Default,
            app => app.MapGet("/test/broken", (HttpContext _) => throw new InvalidOperationException("broken on purpose")), lines);
        using var client = server.Client();

        using (var ok = await client.GetAsync("/healthz?probe=1", Ct))
        using (var missing = await client.GetAsync("/collections/nowhere", Ct))
        using (var broken = await client.GetAsync("/test/broken", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode); // the light host holds no plan
            Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        }

        // The line is written after the response; wait (boundedly) for the last one.
        for (var i = 0; i < 100 && lines.Of("Metrocircle.Requests").Count < 3; i++)
        {
            await Task.Delay(50, Ct);
        }

        var access = lines.Of("Metrocircle.Requests");
        Assert.Equal(3, access.Count);
        Assert.Matches(@"^GET /healthz\?probe=1 200 \d+(\.\d)? ms$", access[0]);
        Assert.Matches(@"^GET /collections/nowhere 503 ", access[1]);
        Assert.Matches(@"^GET /test/broken 500 ", access[2]);
        Assert.Empty(lines.Of("Microsoft.AspNetCore.Hosting.Diagnostics"));
        Assert.Empty(lines.Of("Microsoft.AspNetCore.Routing.EndpointMiddleware"));
    }

    private sealed class LineSink : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, string Line)> _lines = new();

        public List<string> Of(string category) => [.. _lines.Where(l => l.Category == category).Select(l => l.Line)];

        public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Sink(LineSink owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue((category, formatter(state, exception)));
        }
    }
}
