using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Operations;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Metrocircle.Web.Features.Checks;

/// <summary>
/// Project alignment checks: a proponent posts a footprint with its category and gets a reproducible verdict,
/// stored under an id, with an HTML report.
/// </summary>
public static class ChecksApi
{
    /// <summary>The largest request body accepted; a footprint of <see cref="Footprint.MaxVertices"/> vertices fits well inside.</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapChecks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Alignment checks");
        group.MapGet("/categories", GetCategories).WithName("getCategories").AllowAnonymous().WithSummary("The catalogue of project categories");
        group.MapPost("/checks", PostCheck).WithName("postCheck").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Check a footprint (a GeoJSON Feature with properties.category, and properties.bufferM for a point or line)")
            .Accepts<FootprintFeature>("application/geo+json", "application/json");
        group.MapGet("/checks/{checkId}", GetCheck).WithName("getCheck").RequireAuthorization(Policies.SignedIn).WithSummary("A stored verdict")
            .Produces<CheckView>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/checks/{checkId}/report", GetReport).WithName("getCheckReport").RequireAuthorization(Policies.SignedIn).WithSummary("A stored verdict as a readable HTML report with a map")
            .Produces<string>(StatusCodes.Status200OK, "text/html");
        return app;
    }

    internal static async Task<Results<Ok<List<ProjectCategory>>, ProblemHttpResult>> GetCategories(string? version, string? asOf, PlanCatalog catalog,
        SnapshotCache snapshots, CancellationToken ct)
    {
        var (view, _, problem) = await catalog.ResolveAsync(version, asOf, ct);
        return problem ?? (Results<Ok<List<ProjectCategory>>, ProblemHttpResult>)TypedResults.Ok((await snapshots.GetAsync(view!, ct)).Categories.Values.ToList());
    }

    /// <summary>Checks against the plan in force, or against the plan of <c>version=</c> or <c>asOf=</c> (a verdict as it would have been then).</summary>
    internal static async Task<Results<Created<CheckView>, ProblemHttpResult>> PostCheck(HttpRequest request, ClaimsPrincipal user, string? version, string? asOf,
        PlanCatalog catalog, SnapshotCache snapshots, IDocumentStore documents, IAuditLog audit, SecuritySettings limits, CancellationToken ct)
    {
        // Counted from the audit log, whose times are the store's clock; parallel requests of one account may pass the
        // quota by the few that are in flight together, which still bounds what one account can store.
        var actor = user.ToActor();
        var recent = await audit.CountAuditAsync(actor.Name, ProjectCheck.AuditAction, DateTimeOffset.UtcNow.AddDays(-1), limits.ChecksPerDay, ct);
        if (recent >= limits.ChecksPerDay)
        {
            return TypedResults.Problem($"{actor.Name} has stored {recent} checks in the last 24 hours, the most one account may ({SecuritySettings.ChecksPerDayVariable}); try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Check quota reached");
        }

        var (view, _, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var (body, malformed) = await RequestJson.ReadObjectAsync(request, MaxBodyBytes, ct, "Simplify the footprint.");
        if (malformed is not null)
        {
            return malformed;
        }

        using (body!)
        {
            // Asked of the plan in force, a check does not wait minutes for a just-published version's snapshot: the
            // version it was checked against is in the verdict (planVersion). A named version or date is answered exactly.
            var snapshot = version is null && asOf is null ? await snapshots.GetInForceAsync(view!, ct) : await snapshots.GetAsync(view!, ct);
            var (check, problem) = await RunAsync(body!.RootElement, actor, snapshot, documents, ct);
            return problem ?? (Results<Created<CheckView>, ProblemHttpResult>)TypedResults.Created($"{Links.Base(request)}/checks/{check!.Id}", CheckView.Of(check.Document));
        }
    }

    /// <summary>
    /// Checks a GeoJSON Feature against the plan in force, stores the verdict document under a new id with who asked,
    /// and records it in the audit log. Bad footprints come back as problems and store nothing.
    /// </summary>
    internal static async Task<(StoredCheck? Check, ProblemHttpResult? Problem)> RunAsync(JsonElement feature, Actor actor, SnapshotCache snapshots, IDocumentStore documents, CancellationToken ct) =>
        await RunAsync(feature, actor, await snapshots.GetAsync(ct), documents, ct);

    /// <summary>As above, against the snapshot of a given version (null: the store holds no plan).</summary>
    internal static async Task<(StoredCheck? Check, ProblemHttpResult? Problem)> RunAsync(JsonElement feature, Actor actor, PlanSnapshot? snapshot, IDocumentStore documents, CancellationToken ct)
    {
        if (snapshot is null)
        {
            return (null, Problems.NoPlan());
        }

        var (footprint, problem) = Footprint.FromFeature(feature, snapshot);
        if (problem is not null)
        {
            return (null, Problems.Of(problem.Kind, problem.Title, problem.Detail, problem.Location is null ? null : new Dictionary<string, object?> { ["location"] = new[] { problem.Location.X, problem.Location.Y } }));
        }

        using (ServiceMetrics.CheckDuration.NewTimer())
        {
            return (await ProjectCheck.RunAsync(documents, snapshot, footprint!, actor.Name, actor.Name, DateTimeOffset.UtcNow, ct), null);
        }
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetCheck(string checkId, ClaimsPrincipal user, IDocumentStore documents, CancellationToken ct)
    {
        var json = await Load(documents, checkId, user.ToActor(), ct);
        return json is null ? UnknownCheck(checkId) : TypedResults.Text(json, "application/json");
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetReport(string checkId, ClaimsPrincipal user, IDocumentStore documents, PlanCatalog catalog,
        SnapshotCache snapshots, CancellationToken ct)
    {
        var json = await Load(documents, checkId, user.ToActor(), ct);
        if (json is null)
        {
            return UnknownCheck(checkId);
        }

        // Drawn over the plan the verdict was given against, which need not be the one in force now.
        var doc = JsonNode.Parse(json)!.AsObject();
        var checkedAgainst = doc["planVersion"]?.GetValue<string>() is { } versionId ? await catalog.GetVersionAsync(versionId, ct) : null;
        var snapshot = checkedAgainst is null ? await snapshots.GetAsync(ct) : await snapshots.GetAsync(checkedAgainst, ct);
        return TypedResults.Text(CheckReport.Render(doc, snapshot), "text/html; charset=utf-8");
    }

    /// <summary>
    /// A stored check, if the actor may see it (<see cref="CheckVisibility"/>); one they may not see is answered exactly
    /// like one that does not exist, 404 rather than 403, so walking ids tells nobody which checks exist.
    /// </summary>
    private static async Task<string?> Load(IDocumentStore documents, string checkId, Actor actor, CancellationToken ct)
    {
        var json = await documents.GetDocumentAsync(CheckDocument.Kind, checkId, ct);
        return json is not null && JsonNode.Parse(json) is JsonObject doc && CheckVisibility.CanSee(actor, doc) ? json : null;
    }

    private static ProblemHttpResult UnknownCheck(string id) => Problems.NotFound("Unknown check", $"No check with id \"{id}\" is stored that you may see.");
}
