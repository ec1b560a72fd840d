using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>Collaboration tasks between the plan's jurisdictions, their milestones and progress.</summary>
public static class CollaborationApi
{
    public static IEndpointRouteBuilder MapCollaboration(this IEndpointRouteBuilder app) => app;
}
