using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Metrocircle.Web.Features.Operations;

/// <summary>
/// What an orchestrator or a load balancer asks: <c>/healthz</c> (the process answers), <c>/readyz</c> (it can
/// serve: the store answers, its migrations are applied and the plan's alignment snapshot is built) and
/// <c>/metrics</c> for Prometheus. They are operational, not part of the API, so they stay out of the OpenAPI
/// document; a proxy in front should not expose <c>/metrics</c> to the public (see README).
/// </summary>
public static class OperationsApi
{
    public sealed record Readiness(string Status, IReadOnlyList<ReadinessCheck> Checks);

    public sealed record ReadinessCheck(string Name, bool Ok, string Detail);

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok\n")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapMetrics("/metrics").AllowAnonymous();
        return app;
    }

    internal static async Task<Results<Ok<Readiness>, JsonHttpResult<Readiness>>> ReadyAsync(PlanCatalog catalog, SnapshotCache snapshots, CancellationToken ct)
    {
        var checks = new List<ReadinessCheck>();
        PlanView? view = null;
        try
        {
            // The host is built only after MigrateAsync returned, so a store that answers here has its schema.
            view = await catalog.GetAsync(ct);
            checks.Add(new ReadinessCheck("store", true, "the store answers and its migrations are applied"));
            checks.Add(view is null
                ? new ReadinessCheck("plan", false, "the store holds no plan version yet (seeding?)")
                : new ReadinessCheck("plan", true, $"serving version {view.Version.Id} of plan {view.Plan.Id}"));
        }
        catch (Core.Storage.StoreException)
        {
            checks.Add(new ReadinessCheck("store", false, "the store is unavailable (details in the log)"));
        }

        if (view is not null)
        {
            var built = snapshots.IsBuiltFor(view.Version.Id);
            if (!built)
            {
                // Start the build so that a later probe finds it ready; the probe itself does not wait for it.
                snapshots.StartBuild();
            }

            ServiceMetrics.SnapshotVersion.Set(built ? 1 : 0);
            checks.Add(new ReadinessCheck("snapshot", built, built ? "the alignment snapshot is built" : "the alignment snapshot is being built"));
        }

        var ready = new Readiness(checks.All(c => c.Ok) ? "ready" : "not-ready", checks);
        return ready.Status == "ready"
            ? TypedResults.Ok(ready)
            : TypedResults.Json(ready, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
