using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Infrastructure.Access;

/// <summary>Deny by omission is not enough: an endpoint that states no access rule stops the host from starting.</summary>
internal static class EndpointRules
{
    public static void RequireEveryEndpointToStateItsAccess(WebApplication app)
    {
        var sources = ((IEndpointRouteBuilder)app).DataSources;
        var silent = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<IAuthorizeData>() is null)
            .Select(e => e.DisplayName ?? e.RoutePattern.RawText ?? "?")
            .ToList();
        if (silent.Count > 0)
        {
            throw new InvalidOperationException(
                $"{silent.Count} endpoint(s) state no access rule (RequireAuthorization(policy) or AllowAnonymous()): {string.Join("; ", silent)}");
        }
    }
}
