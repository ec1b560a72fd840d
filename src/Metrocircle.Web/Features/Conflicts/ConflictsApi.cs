using Metrocircle.Core.Conflicts;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Metrocircle.Web.Features.Conflicts;

/// <summary>The conflict patches of the plan in force, with the summary of every rule (applicable or not).</summary>
/// <param name="NumberMatched">How many patches match the filters (all of the version's when there are none).</param>
public sealed record ConflictsResponse(string PlanVersion, int NumberMatched, IReadOnlyList<ConflictRuleSummary> Rules, IReadOnlyList<ConflictFeature> Conflicts);

/// <summary>
/// <c>GET /conflicts</c>: patches where the plan's own layers contradict each other, by the plan's conflict rules.
/// Anonymous: they are derived only from the published plan, which anyone may read layer by layer (and so could
/// compute them); hiding them would protect nothing and keep the public from seeing where the plan is inconsistent.
/// </summary>
public static class ConflictsApi
{
    public static IEndpointRouteBuilder MapConflicts(this IEndpointRouteBuilder app)
    {
        // The cache belongs to this feature alone: built here so the host registers the feature with one line.
        var cache = new ConflictCache(app.ServiceProvider.GetRequiredService<SnapshotCache>(), app.ServiceProvider.GetRequiredService<PlanCatalog>());
        app.MapGroup("").WithTags("Conflicts")
            .MapGet("/conflicts", (string? rule, string? county, string? severity, CancellationToken ct) => GetConflicts(cache, rule, county, severity, ct))
            .WithName("getConflicts").AllowAnonymous()
            .WithSummary("Conflict patches between layers of the plan in force (filters: rule, county, severity)");
        return app;
    }

    internal static async Task<Results<Ok<ConflictsResponse>, ProblemHttpResult>> GetConflicts(ConflictCache cache, string? rule, string? county, string? severity, CancellationToken ct)
    {
        if (severity is not (null or "high" or "medium" or "low"))
        {
            return Problems.BadRequest("Unknown severity", $"severity must be high, medium or low; got \"{severity}\".");
        }

        ConflictsResponse? all;
        try
        {
            all = await cache.GetAsync(ct);
        }
        catch (FormatException e)
        {
            return TypedResults.Problem($"The plan's conflict rules are malformed: {e.Message}", statusCode: StatusCodes.Status500InternalServerError, title: "Malformed conflict rules");
        }

        if (all is null)
        {
            return Problems.NoPlan();
        }

        if (rule is not null && !all.Rules.Any(r => r.Rule == rule))
        {
            return Problems.BadRequest("Unknown rule", $"The plan has no conflict rule \"{rule}\"; it has {string.Join(", ", all.Rules.Select(r => r.Rule))}.");
        }

        var matching = all.Conflicts.Where(c => (rule is null || c.Properties.Rule == rule)
            && (county is null || c.Properties.County == county)
            && (severity is null || c.Properties.Severity == severity)).ToList();
        return TypedResults.Ok(all with { NumberMatched = matching.Count, Conflicts = matching });
    }
}
