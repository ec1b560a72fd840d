using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Features.Operations;

/// <summary>
/// Every response carries <c>X-Request-Id</c>, the identifier that the host's log scope (and every problem+json
/// <c>traceId</c>) names for that request, so that a user's report can be matched to the log lines.
/// </summary>
internal static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers[Header] = context.TraceIdentifier;
        return next(context);
    });
}
