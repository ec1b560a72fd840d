using Metrocircle.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Infrastructure;

/// <summary>The problem+json responses clients see; each title says which kind of problem, each detail what to change.</summary>
public static class Problems
{
    /// <summary>The status code of a kind of problem Core reports.</summary>
    public static int StatusOf(ProblemKind kind) => kind switch
    {
        ProblemKind.Malformed => StatusCodes.Status400BadRequest,
        ProblemKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A problem kind with no status code."),
    };

    internal static ProblemHttpResult Of(ProblemKind kind, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusOf(kind), title: title, extensions: extensions);

    internal static ProblemHttpResult BadRequest(string title, string detail, string? parameter = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title,
            extensions: parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter });

    internal static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    internal static ProblemHttpResult NoPlan() =>
        TypedResults.Problem("The store holds no plan yet. Run `metrocircle seed` or start `metrocircle serve` on an empty store to seed the default dataset.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "No plan loaded");
}
