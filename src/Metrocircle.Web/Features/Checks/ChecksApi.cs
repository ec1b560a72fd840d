using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

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
        group.MapGet("/categories", GetCategories).WithName("getCategories").WithSummary("The catalogue of project categories");
        group.MapPost("/checks", PostCheck).WithName("postCheck")
            .WithSummary("Check a footprint (a GeoJSON Feature with properties.category, and properties.bufferM for a point or line)")
            .Accepts<JsonElement>("application/geo+json", "application/json");
        group.MapGet("/checks/{checkId}", GetCheck).WithName("getCheck").WithSummary("A stored verdict");
        group.MapGet("/checks/{checkId}/report", GetReport).WithName("getCheckReport").WithSummary("A stored verdict as a readable HTML report with a map");
        return app;
    }

    internal static async Task<Results<Ok<List<ProjectCategory>>, ProblemHttpResult>> GetCategories(SnapshotCache snapshots, CancellationToken ct)
    {
        var snapshot = await snapshots.GetAsync(ct);
        return snapshot is null ? Problems.NoPlan() : TypedResults.Ok(snapshot.Categories.Values.ToList());
    }

    internal static async Task<Results<Created<JsonObject>, ProblemHttpResult>> PostCheck(HttpRequest request, SnapshotCache snapshots, PlanCatalog catalog, CancellationToken ct)
    {
        var (limited, seen) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (limited is null)
        {
            return TooLarge(seen);
        }

        JsonDocument body;
        try
        {
            await using (limited)
            {
                body = await JsonDocument.ParseAsync(limited, cancellationToken: ct);
            }
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("Malformed JSON", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }

        using (body)
        {
            if (await snapshots.GetAsync(ct) is not { } snapshot)
            {
                return Problems.NoPlan();
            }

            var (footprint, problem) = Footprint.FromFeature(body.RootElement, snapshot);
            if (problem is not null)
            {
                return TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title,
                    extensions: problem.Location is null ? null : new Dictionary<string, object?> { ["location"] = new[] { problem.Location.X, problem.Location.Y } });
            }

            var verdict = AlignmentChecker.Check(snapshot, footprint!);
            var id = CheckDocument.NewId();
            var doc = CheckDocument.Create(id, DateTimeOffset.UtcNow, footprint!, verdict);
            if (catalog.Store is IDocumentStore documents)
            {
                await documents.PutDocumentAsync(CheckDocument.Kind, id, doc.ToJsonString(), ct);
            }

            if (catalog.Store is IAuditLog log)
            {
                // Accounts come with co-approval (issue 5); until then a check over HTTP is recorded as anonymous.
                await log.AppendAuditAsync("anonymous", "check.submitted", id,
                    new JsonObject { ["verdict"] = verdict.Result, ["inputHash"] = verdict.InputHash, ["planVersion"] = verdict.PlanVersion }.ToJsonString(), ct);
            }

            return TypedResults.Created($"{Links.Base(request)}/checks/{id}", doc);
        }
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetCheck(string checkId, PlanCatalog catalog, CancellationToken ct)
    {
        var json = await Load(catalog, checkId, ct);
        return json is null ? UnknownCheck(checkId) : TypedResults.Text(json, "application/json");
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetReport(string checkId, PlanCatalog catalog, SnapshotCache snapshots, CancellationToken ct)
    {
        var json = await Load(catalog, checkId, ct);
        if (json is null)
        {
            return UnknownCheck(checkId);
        }

        var doc = JsonNode.Parse(json)!.AsObject();
        var snapshot = await snapshots.GetAsync(ct);
        return TypedResults.Text(CheckReport.Render(doc, snapshot), "text/html; charset=utf-8");
    }

    private static async Task<string?> Load(PlanCatalog catalog, string checkId, CancellationToken ct) =>
        catalog.Store is IDocumentStore documents ? await documents.GetDocumentAsync(CheckDocument.Kind, checkId, ct) : null;

    private static ProblemHttpResult UnknownCheck(string id) => Problems.NotFound("Unknown check", $"No check with id \"{id}\" is stored.");

    private static ProblemHttpResult TooLarge(long bytes) => TypedResults.Problem(
        $"The body is {bytes} bytes or more; at most {MaxBodyBytes} are accepted. Simplify the footprint.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
}
