using Metrocircle.Core.Access;
using Microsoft.AspNetCore.Authorization;

namespace Metrocircle.Web.Infrastructure.Access;

/// <summary>
/// The named authorization policies. Every endpoint states one of these or <c>AllowAnonymous</c>; the fallback policy
/// denies an endpoint that states neither, and the endpoint × role test fails until it does.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in account.</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Administrators only: accounts and permissions.</summary>
    public const string Administration = "administration";

    /// <summary>Those who review or coordinate: reviewers, the coordination office, administrators.</summary>
    public const string Reviewing = "reviewing";

    /// <summary>Those who may decide a review task: reviewers, national reviewers, the coordination office, administrators (who then are told they decide nothing).</summary>
    public const string Deciding = "deciding";

    /// <summary>Those who submit projects and answer for them: proponents.</summary>
    public const string Proposing = "proposing";

    /// <summary>Those who may record monitoring facts (observations, task progress): reviewers, the coordination office, administrators.</summary>
    public const string Monitoring = "monitoring";

    public static void Add(AuthorizationOptions options)
    {
        static string[] Names(params Role[] roles) => [.. roles.Select(Roles.Name)];
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(Administration, p => p.RequireRole(Names(Role.Administrator)));
        options.AddPolicy(Reviewing, p => p.RequireRole(Names(Role.Reviewer, Role.CoordinationOffice, Role.Administrator)));
        options.AddPolicy(Deciding, p => p.RequireRole(Names(Role.Reviewer, Role.NationalReviewer, Role.CoordinationOffice, Role.Administrator)));
        options.AddPolicy(Proposing, p => p.RequireRole(Names(Role.Proponent)));
        options.AddPolicy(Monitoring, p => p.RequireRole(Names(Role.Reviewer, Role.CoordinationOffice, Role.Administrator)));
    }
}
