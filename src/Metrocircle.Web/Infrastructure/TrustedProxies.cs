using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Metrocircle.Web.Infrastructure;

/// <summary>
/// Behind a reverse proxy (nginx), the client's address and scheme arrive in <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>. They are believed only from the proxies <see cref="SecuritySettings"/> lists; from anyone
/// else they are ignored, since a caller could otherwise choose its own address (and a fresh rate-limit allowance per
/// request) or claim HTTPS.
/// </summary>
internal static class TrustedProxies
{
    public static void Use(WebApplication app, SecuritySettings settings)
    {
        // With both lists empty the middleware would believe every peer, so without a listed proxy it is not used at all.
        if (!settings.TrustsProxies)
        {
            return;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,

            // One proxy: only the address it appended counts, not what the caller wrote into the header before it.
            ForwardLimit = 1,
        };

        // ASP.NET Core trusts loopback by default; here only what the settings list is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in settings.KnownNetworks)
        {
            options.KnownIPNetworks.Add(network);
        }

        app.UseForwardedHeaders(options);
    }
}
