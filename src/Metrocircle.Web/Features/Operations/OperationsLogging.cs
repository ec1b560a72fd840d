using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Features.Operations;

/// <summary>
/// Console logs with their scopes (the host's scope names the request id and path of every line a request
/// writes). <c>METROCIRCLE_LOG_FORMAT=json</c> writes one JSON object per line for a log collector instead.
/// </summary>
internal static class OperationsLogging
{
    public const string FormatVariable = "METROCIRCLE_LOG_FORMAT";

    public static void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        if (string.Equals(Environment.GetEnvironmentVariable(FormatVariable), "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
    }
}
