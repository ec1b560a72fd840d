using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Collections;

/// <summary>Features that fell in no group: outside every group polygon, or without geometry.</summary>
public sealed record UnassignedArea(double AreaM2, long Count);

/// <summary>A layer's equal-area areas by the features of a group layer (<see cref="AreaByGroup"/>), as the API and <c>metrocircle stats --json</c> write it.</summary>
public sealed record GroupStatsDocument(string Layer, string By, string Version, string Assignment, long Features, IReadOnlyList<GroupArea> Groups, UnassignedArea Unassigned)
{
    public const string PointOnSurface = "point-on-surface";

    public static GroupStatsDocument Of(string layerId, string groupLayerId, string versionId, AreaByGroupResult result) =>
        new(layerId, groupLayerId, versionId, PointOnSurface, result.Features, result.Groups, new UnassignedArea(result.UnassignedAreaM2, result.UnassignedCount));
}

/// <summary>
/// <c>GET /collections/{id}/stats?by=GROUPLAYER</c>: the collection's area and feature count per feature of the group
/// layer, read as the collection's items are (anyone; <c>version</c>/<c>asOf</c> as everywhere). A version's rows never
/// change, so each answer is computed once per (version, layer, group layer) and kept; concurrent requests for the
/// same answer share one computation, so a burst of requests costs one pass over the layer.
/// </summary>
public static class CollectionStatsApi
{
    private const int KeptAnswers = 64;
    private static readonly ConditionalWeakTable<PlanCatalog, ConcurrentDictionary<(string Version, string Layer, string By), Lazy<Task<GroupStatsDocument>>>> Answers = [];

    public static IEndpointRouteBuilder MapCollectionStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/collections/{collectionId}/stats", GetStats).WithTags("OGC API – Features").AllowAnonymous().WithName("getCollectionStats")
            .WithSummary("Area (m², in the plan's equal-area projection) and count of the collection's features per feature of another polygon layer")
            .WithDescription("Query parameters: by (required, the id of a polygon collection such as counties), version, asOf. Each feature's whole area goes to every group polygon containing its point on surface (PostGIS ST_PointOnSurface); features in no group are counted under unassigned.")
            .Produces<GroupStatsDocument>(StatusCodes.Status200OK, "application/json");
        return app;
    }

    internal static async Task<Results<Ok<GroupStatsDocument>, ProblemHttpResult>> GetStats(string collectionId, string? by, string? version, string? asOf,
        PlanCatalog catalog, HttpResponse response, CancellationToken ct)
    {
        var (resolved, selection, planProblem) = await catalog.ResolveAsync(version, asOf, ct);
        if (planProblem is not null)
        {
            return planProblem;
        }

        var view = resolved!;
        if (view.Layer(collectionId) is null)
        {
            return Problems.NotFound("Unknown collection",
                $"Plan version {view.Version.Id} has no collection \"{collectionId}\". Known collections: {string.Join(", ", view.Layers.Select(l => l.Id))}.");
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            return Problems.BadRequest("Missing group layer",
                $"Name the polygon collection to group by with by=, for example by={view.Layers.FirstOrDefault(l => l.Geometry == LayerGeometry.Polygon)?.Id ?? "counties"}.", "by");
        }

        if (AreaByGroup.Problem(view.Version.Id, view.Layers, collectionId, by) is { } problem)
        {
            return Problems.BadRequest("Unusable group layer", char.ToUpperInvariant(problem[0]) + problem[1..] + ".", "by");
        }

        var answers = Answers.GetValue(catalog, _ => new());
        var key = (view.Version.Id, collectionId, by);
        var lazy = answers.GetOrAdd(key, k => new Lazy<Task<GroupStatsDocument>>(() => ComputeAsync(catalog, k)));
        GroupStatsDocument document;
        try
        {
            // The computation is shared, so one caller's cancellation must not cancel it for the others.
            document = await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            answers.TryRemove(new KeyValuePair<(string, string, string), Lazy<Task<GroupStatsDocument>>>(key, lazy));
            throw;
        }

        if (answers.Count > KeptAnswers)
        {
            // Old versions' answers are cheap to recompute and rarely asked for; a bounded table keeps memory flat.
            foreach (var old in answers.Keys.Where(k => k.Version != view.Version.Id).ToList())
            {
                answers.TryRemove(old, out _);
            }
        }

        if (selection!.IsPinned)
        {
            response.Headers.ETag = $"\"{view.Version.Id}\"";
        }

        return TypedResults.Ok(document);
    }

    private static async Task<GroupStatsDocument> ComputeAsync(PlanCatalog catalog, (string Version, string Layer, string By) key)
    {
        var version = await catalog.GetVersionAsync(key.Version, CancellationToken.None)
            ?? throw new InvalidOperationException($"plan version {key.Version} vanished while its statistics were computed");
        var result = await AreaByGroup.ComputeAsync(catalog.Store, version.Version, key.Layer, key.By, CancellationToken.None);
        return GroupStatsDocument.Of(key.Layer, key.By, key.Version, result);
    }
}
