using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>The conflict patches of a plan version, with the summary of every rule (applicable or not).</summary>
/// <param name="NumberMatched">How many patches match the filters (all of the version's when there are none).</param>
/// <param name="AmendmentId">The amendment that made the version, whose resolved patches are listed with status resolved; null otherwise.</param>
public sealed record ConflictsResponse(string PlanVersion, int NumberMatched, IReadOnlyList<ConflictRuleSummary> Rules, IReadOnlyList<ConflictFeature> Conflicts,
    string? AmendmentId = null);

/// <summary>The body of an acceptance: why the office keeps the patch.</summary>
public sealed record ConflictAcceptanceRequest(string Reason);

/// <summary>An acceptance as answered: the patch and who accepted it, when and why.</summary>
public sealed record ConflictAcceptanceView(string PatchId, string Rule, string Reason, string AcceptedBy, DateTimeOffset AcceptedAt, string PlanVersion)
{
    public static ConflictAcceptanceView Of(ConflictAcceptance a) => new(a.PatchId, a.Rule, a.Reason, a.AcceptedBy, a.AcceptedAt, a.PlanVersion);
}

/// <summary>
/// <c>GET /conflicts</c>: patches where the plan's own layers contradict each other, by the plan's conflict rules, with
/// their status: open, exempt (feature A states the rule's exemption), accepted by the coordination office with a
/// reason, or resolved by the amendment that made the version. Anonymous: they are derived only from the published
/// plan, which anyone may read layer by layer (and so could compute them); hiding them would protect nothing and keep
/// the public from seeing where the plan is inconsistent. Accepting a patch is the office's decision alone
/// (<c>POST /conflicts/{id}/acceptance</c>; <c>DELETE</c> revokes it).
/// </summary>
public static class ConflictsApi
{
    /// <summary>The id of the read-only collection the patches are also served as.</summary>
    public const string CollectionId = "conflicts";

    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxReasonLength = 2000;
    private static readonly string[] Statuses = [.. Enum.GetValues<ConflictStatus>().Select(ConflictFeature.Name)];

    public static IEndpointRouteBuilder MapConflicts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Conflicts");
        group.MapGet("/conflicts", GetConflicts).WithName("getConflicts").AllowAnonymous()
            .WithSummary("Conflict patches between layers of the plan in force, or of version= / asOf= (filters: rule, county, severity, status)");
        group.MapPost("/conflicts/{conflictId}/acceptance", Accept).WithName("acceptConflict").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The coordination office keeps an open conflict patch of the plan in force, with a reason (JSON: reason); accepting it again changes nothing")
            .Accepts<ConflictAcceptanceRequest>("application/json");
        group.MapDelete("/conflicts/{conflictId}/acceptance", Revoke).WithName("revokeConflictAcceptance").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The coordination office withdraws its acceptance of a conflict patch, which is open again");
        ConflictCollectionApi.Map(app);
        return app;
    }

    internal static async Task<Results<Ok<ConflictsResponse>, ProblemHttpResult>> GetConflicts(string? rule, string? county, string? severity, string? status,
        string? version, string? asOf, PlanCatalog catalog, ConflictCache cache, CancellationToken ct)
    {
        if (severity is not (null or "high" or "medium" or "low"))
        {
            return Problems.BadRequest("Unknown severity", $"severity must be high, medium or low; got \"{severity}\".", "severity");
        }

        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return Problems.BadRequest("Unknown status", $"status must be one of {string.Join(", ", Statuses)}; got \"{status}\".", "status");
        }

        var (set, problem) = await LoadAsync(catalog, cache, version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rules = set!.History.Report.Rules;
        if (rule is not null && !rules.Any(r => r.Rule == rule))
        {
            return Problems.BadRequest("Unknown rule", $"The plan has no conflict rule \"{rule}\"; it has {string.Join(", ", rules.Select(r => r.Rule))}.", "rule");
        }

        var matching = set.WithAcceptances(await cache.AcceptancesAsync(ct)).Where(c => (rule is null || c.Properties.Rule == rule)
            && (county is null || c.Properties.County == county)
            && (severity is null || c.Properties.Severity == severity)
            && (status is null || c.Properties.Status == status)).ToList();
        return TypedResults.Ok(new ConflictsResponse(set.Version.Id, matching.Count, rules, matching, set.History.AmendmentId));
    }

    /// <summary>The conflict set of the version a read names (or the one in force), or the problem to answer.</summary>
    internal static async Task<(ConflictSet? Set, ProblemHttpResult? Problem)> LoadAsync(PlanCatalog catalog, ConflictCache cache, string? version, string? asOf, CancellationToken ct)
    {
        var (view, _, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return (null, planProblem);
        }

        try
        {
            return (await cache.GetAsync(view!, ct), null);
        }
        catch (FormatException e)
        {
            return (null, TypedResults.Problem($"The plan's conflict rules are malformed: {e.Message}", statusCode: StatusCodes.Status500InternalServerError,
                title: "Malformed conflict rules"));
        }
    }

    internal static async Task<Results<Created<ConflictAcceptanceView>, Ok<ConflictAcceptanceView>, ProblemHttpResult>> Accept(string conflictId, HttpRequest request,
        ClaimsPrincipal user, PlanCatalog catalog, ConflictCache cache, IConflictStore store, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        if (OfficeOnly(actor, "accept") is { } forbidden)
        {
            return forbidden;
        }

        var (body, seen) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem($"The body is {seen} bytes or more; an acceptance takes at most {MaxBodyBytes}.", statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Body too large");
        }

        string? reason;
        using (body)
        {
            try
            {
                reason = JsonNode.Parse(body) is JsonObject o && o["reason"] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
            }
            catch (JsonException e)
            {
                return Problems.BadRequest("Malformed acceptance", $"The body is not JSON: {e.Message}");
            }
        }

        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength)
        {
            return Problems.BadRequest("Reason required",
                $"An acceptance of conflict patch {conflictId} needs a \"reason\": a non-empty string of at most {MaxReasonLength} characters saying why the office keeps it.", "reason");
        }

        var (set, problem) = await LoadAsync(catalog, cache, null, null, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (set!.Current(conflictId) is not { } patch)
        {
            return Problems.NotFound("Unknown conflict patch",
                $"Plan version {set.Version.Id} has no current conflict patch \"{conflictId}\"; GET /conflicts lists them (a patch's id changes when either of its features does).");
        }

        if (patch.Status != ConflictStatus.Open)
        {
            return Problems.Of(ProblemKind.Conflict, "Patch exempt",
                $"Conflict patch {conflictId} is exempt already (feature {patch.FeatureA} states \"{patch.Reason}\"); there is nothing to accept.");
        }

        var (stored, created) = await store.AcceptConflictAsync(new ConflictAcceptance(patch.Id, patch.Rule, reason, actor.Name, time.GetUtcNow(), set.Version.Id),
            a => [new AuditRecord(actor.Name, "conflict.accepted", a.PatchId, new JsonObject
            {
                ["rule"] = a.Rule, ["reason"] = a.Reason, ["planVersion"] = a.PlanVersion, ["layerA"] = patch.LayerA, ["featureA"] = patch.FeatureA,
                ["layerB"] = patch.LayerB, ["featureB"] = patch.FeatureB, ["county"] = patch.County,
            }.ToJsonString())], ct);
        var view = ConflictAcceptanceView.Of(stored);
        return created ? TypedResults.Created($"{Links.Base(request)}/conflicts/{Uri.EscapeDataString(patch.Id)}/acceptance", view) : TypedResults.Ok(view);
    }

    internal static async Task<Results<Ok<ConflictAcceptanceView>, ProblemHttpResult>> Revoke(string conflictId, ClaimsPrincipal user, IConflictStore store, CancellationToken ct)
    {
        var actor = user.ToActor();
        if (OfficeOnly(actor, "revoke an acceptance of") is { } forbidden)
        {
            return forbidden;
        }

        var revoked = await store.RevokeConflictAcceptanceAsync(conflictId, a => [new AuditRecord(actor.Name, "conflict.acceptance-revoked", a.PatchId, new JsonObject
        {
            ["rule"] = a.Rule, ["reason"] = a.Reason, ["acceptedBy"] = a.AcceptedBy,
        }.ToJsonString())], ct);
        return revoked is null
            ? Problems.NotFound("Not accepted", $"Conflict patch \"{conflictId}\" is not accepted; there is no acceptance to revoke.")
            : TypedResults.Ok(ConflictAcceptanceView.Of(revoked));
    }

    private static ProblemHttpResult? OfficeOnly(Actor actor, string what) => actor.Is(Role.CoordinationOffice)
        ? null
        : TypedResults.Problem($"Only the coordination office may {what} a conflict patch; {actor.Name} is {(actor.Role is { } r ? Roles.Name(r) : "anonymous")}.",
            statusCode: StatusCodes.Status403Forbidden, title: "Coordination office only");
}
