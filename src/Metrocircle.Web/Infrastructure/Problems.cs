using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Infrastructure;

/// <summary>The problem+json responses clients see; each title says which kind of problem, each detail what to change.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail, string? parameter = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title,
            extensions: parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter });

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult NoPlan() =>
        TypedResults.Problem("The store holds no plan yet. Run `metrocircle seed` or start `metrocircle serve` on an empty store to seed the default dataset.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "No plan loaded");
}
