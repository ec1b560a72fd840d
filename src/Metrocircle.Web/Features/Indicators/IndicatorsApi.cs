using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Conflicts;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>
/// The plan's phased goals: the indicator catalogue of the version in force with targets and the latest evaluation,
/// one indicator's series, the warnings, observation imports, and the annual health check.
/// </summary>
public static class IndicatorsApi
{
    /// <summary>The largest observation file accepted over HTTP; tens of thousands of rows fit.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapIndicators(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Indicators");
        group.MapGet("/indicators", GetIndicators).WithName("getIndicators").RequireAuthorization(Policies.SignedIn).WithSummary("The indicator catalogue with targets, the latest evaluation per scope and milestone, and the progress of each strategic role");
        group.MapGet("/indicators/warnings", GetWarnings).WithName("getIndicatorWarnings").RequireAuthorization(Policies.SignedIn).WithSummary("At-risk and off-track evaluations, newest first; ?jurisdiction= filters");
        group.MapGet("/indicators/{indicatorId}", GetIndicator).WithName("getIndicator").RequireAuthorization(Policies.SignedIn).WithSummary("One indicator: series per scope, targets, evaluations, computed values");
        group.MapPost("/indicators/observations", PostObservations).WithName("postObservations").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Import observations (CSV with header indicator,scope,year,value,unit,source, or a JSON array); a body with any bad row imports nothing")
            .Accepts<string>("text/csv", "application/json");
        group.MapGet("/health-check/{year:int}", GetHealthCheck).WithName("getHealthCheck").RequireAuthorization(Policies.SignedIn).WithSummary("The annual health check of a year as a printable HTML report")
            .Produces<string>(StatusCodes.Status200OK, "text/html");
        return app;
    }

    internal static async Task<Results<Ok<IndicatorList>, ProblemHttpResult>> GetIndicators(string? version, string? asOf, PlanCatalog catalog, IObservationStore observationStore,
        ICollaborationStore collaboration, TimeProvider time, CancellationToken ct)
    {
        var (view, _, problem) = await catalog.ResolveAsync(version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var indicators = await PlanIndicators.LoadAsync(catalog.Store, view!.Version, ct, withScopes: false);
        var observations = await observationStore.GetObservationsAsync(null, ct);
        var evaluations = IndicatorEvaluations.EvaluateAll(indicators.Items.Select(i => i.Indicator), observations)
            .ToLookup(e => e.IndicatorId, StringComparer.Ordinal);
        var items = indicators.Items.Select(item => new IndicatorSummary(item.Indicator.Id, item.Indicator.NameZh, item.Indicator.NameEn, item.Indicator.Unit,
            IndicatorEvaluations.Name(item.Indicator.Direction), item.Indicator.ScopeLevel, item.Indicator.Minimum, item.Indicator.Maximum, item.Computed,
            IndicatorViews.Targets(item.Indicator), observations.Count(o => o.IndicatorId == item.Indicator.Id),
            IndicatorViews.Evaluations(evaluations[item.Indicator.Id]), item.Indicator.Role)).ToList();

        // Tasks are judged today, as the collaboration endpoints judge them.
        var roles = await StrategicRoles.LoadAsync(catalog.Store, view.Version, ct);
        var tasks = await PlanTasks.LoadAsync(catalog.Store, view.Version, ct);
        var taskEvaluations = TaskEvaluator.EvaluateAll(tasks.Tasks, await collaboration.GetProgressAsync(null, ct), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var progress = RoleProgress.Summarise(roles, indicators.Items.Select(i => i.Indicator), evaluations.SelectMany(g => g), taskEvaluations);
        return TypedResults.Ok(new IndicatorList(view.Version.Id, items, [.. progress.Select(IndicatorViews.Role)]));
    }

    internal static async Task<Results<Ok<IndicatorDetail>, ProblemHttpResult>> GetIndicator(string indicatorId, string? version, string? asOf, PlanCatalog catalog,
        IObservationStore observationStore, SnapshotCache snapshots, JurisdictionCache jurisdictions, CancellationToken ct)
    {
        var (resolved, _, problem) = await catalog.ResolveAsync(version, asOf, ct);
        if (problem is not null)
        {
            return problem;
        }

        var view = resolved!;
        var indicators = await PlanIndicators.LoadAsync(catalog.Store, view.Version, ct, withScopes: false);
        if (indicators.Find(indicatorId) is not { } item)
        {
            return Problems.NotFound("Unknown indicator",
                $"Plan version {view.Version.Id} has no indicator \"{indicatorId}\"; GET /indicators lists them ({string.Join(", ", indicators.Items.Select(i => i.Indicator.Id))}).");
        }

        var observations = await observationStore.GetObservationsAsync(indicatorId, ct);
        var series = observations.GroupBy(o => o.Scope, StringComparer.Ordinal)
            .Select(g => new Series(g.Key, [.. g.OrderBy(o => o.Year).Select(o => new SeriesPoint(o.Year, o.Value, o.Source))])).ToList();
        List<ComputedValue>? computedValues = null;
        if (item.Computed is { } spec)
        {
            // Computed from the layers of the version asked for (in force by default), so a publish that changes a layer changes these values.
            var snapshot = await snapshots.GetAsync(view, ct);
            computedValues = [.. IndicatorCatalog.Compute(snapshot, spec).Select(v => new ComputedValue(v.Scope, v.Value))];
        }

        var indicator = item.Indicator;
        var places = new ScopePlaces(await jurisdictions.GetAsync(view, ct), indicators.Items.Select(i => i.Indicator));
        var scopes = series.Select(s => s.Scope).Concat(indicator.Targets.Select(t => t.Scope)).Concat(computedValues?.Select(v => v.Scope) ?? [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(places.Describe).Select(p => new ScopeView(p.Id, p.NameEn, p.NameZh, p.Within)).ToList();
        return TypedResults.Ok(new IndicatorDetail(indicator.Id, indicator.NameZh, indicator.NameEn, indicator.Unit, IndicatorEvaluations.Name(indicator.Direction),
            indicator.ScopeLevel, indicator.Minimum, indicator.Maximum, item.Computed, IndicatorViews.Targets(indicator), view.Version.Id, series,
            IndicatorViews.Evaluations(IndicatorEvaluations.EvaluateAll([indicator], observations)), computedValues, scopes));
    }

    internal static async Task<Results<Ok<IndicatorWarnings>, ProblemHttpResult>> GetWarnings(PlanCatalog catalog, JurisdictionCache jurisdictions, IObservationStore observationStore, string? jurisdiction, CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var index = await jurisdictions.GetAsync(view, ct);
        var wanted = index.ResolveOptional(string.IsNullOrWhiteSpace(jurisdiction) ? null : jurisdiction.Trim());
        if (wanted is not null && !await IsJurisdictionAsync(catalog.Store, view, wanted, ct))
        {
            return Problems.BadRequest("Unknown jurisdiction",
                $"Plan version {view.Version.Id} has no province or city \"{wanted}\"; use the id of one (GET /collections/provinces/items, /collections/cities/items).", "jurisdiction");
        }

        var indicators = await PlanIndicators.LoadAsync(catalog.Store, view.Version, ct, withScopes: false);
        var observations = await observationStore.GetObservationsAsync(null, ct);
        var catalogue = indicators.Items.Select(i => i.Indicator).ToList();
        var warnings = IndicatorEvaluations.Warnings(IndicatorEvaluations.EvaluateAll(catalogue, observations), wanted, new ScopePlaces(index, catalogue));
        return TypedResults.Ok(new IndicatorWarnings(view.Version.Id, wanted, IndicatorViews.Evaluations(warnings)));
    }

    /// <summary>Whether the id names a province or a city of the version (a filter on anything else is a mistake, not an empty list).</summary>
    private static async Task<bool> IsJurisdictionAsync(IPlanStore store, PlanView view, string id, CancellationToken ct)
    {
        foreach (var layer in new[] { "provinces", "cities" })
        {
            if (view.Layer(layer) is not null && await store.GetFeatureAsync(view.Version.Id, layer, id, ct) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Imports observations. Region-wide roles may report any scope; a reviewer only their own jurisdiction's, so a
    /// Tianjin reviewer cannot rewrite Beijing's figures.
    /// </summary>
    internal static async Task<Results<Ok<ObservationImport>, ProblemHttpResult>> PostObservations(HttpRequest request, ClaimsPrincipal user, PlanCatalog catalog, IObservationStore observationStore, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        var (body, seen) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            return TooLarge(seen);
        }

        using var buffer = body;

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }


        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        IReadOnlyList<ObservationRow> rows;
        try
        {
            rows = mediaType switch
            {
                "text/csv" => ObservationFile.ParseCsv(text),
                "application/json" => ObservationFile.ParseJson(text),
                _ => ObservationFile.Parse(text),
            };
        }
        catch (ObservationFileException e)
        {
            return Problems.BadRequest("Unreadable observation file", $"{e.Message}; nothing was imported.");
        }

        var catalogue = await PlanIndicators.LoadAsync(catalog.Store, view.Version, ct);
        var validation = ObservationValidator.Validate(rows, catalogue, time.GetUtcNow().Year);
        if (!validation.Ok)
        {
            return TypedResults.Problem(
                $"{validation.Problems.Count} of {rows.Count} rows are bad; nothing was imported. Fix the rows listed and send the whole file again.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid observations",
                extensions: new Dictionary<string, object?> { ["rows"] = validation.Problems.Select(p => new { line = p.Line, problem = p.Message }).ToList() });
        }

        if (!actor.IsRegionWide && validation.Valid.Where(o => o.Scope != actor.Jurisdiction).Select(o => o.Scope).Distinct().ToList() is { Count: > 0 } foreign)
        {
            return TypedResults.Problem(
                $"{actor.Name} reports for {actor.Jurisdiction} and may not import observations of {string.Join(", ", foreign)}; nothing was imported.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
        }

        var result = await observationStore.ImportObservationsAsync(validation.Valid, imported => new AuditRecord(actor.Name, "observations.imported", view.Version.Id,
            new JsonObject { ["added"] = imported.Added, ["replaced"] = imported.Replaced.Count }.ToJsonString()), ct);

        return TypedResults.Ok(new ObservationImport(view.Version.Id, validation.Valid.Count, result.Added,
            [.. result.Replaced.Select(o => new ReplacedObservation(o.IndicatorId, o.Scope, o.Year, o.Value, o.Source))]));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetHealthCheck(int year, PlanCatalog catalog, IObservationStore observationStore, ICollaborationStore progress, SnapshotCache snapshots, ILedgerStore ledger, ConflictCache conflictCache, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        if (year < ObservationValidator.EarliestYear || year > 2100)
        {
            return Problems.BadRequest("Year out of range", $"The health check covers a year from {ObservationValidator.EarliestYear} to 2100; {year} is outside.", "year");
        }

        if (await catalog.GetAsync(ct) is not { } view || await snapshots.GetAsync(ct) is not { } snapshot)
        {
            return Problems.NoPlan();
        }

        ConflictHealthInput conflicts;
        try
        {
            // The patches computed once per version for /conflicts and the collection, not detected again per report.
            conflicts = ConflictHealthInput.From(view.Version.Id, (await conflictCache.GetAsync(view, ct)).History, await conflictCache.AcceptancesAsync(ct));
        }
        catch (FormatException e)
        {
            conflicts = ConflictHealthInput.Malformed(view.Version.Id, e);
        }

        var html = await HealthCheckReport.RenderAsync(catalog.Store, observationStore, progress, view.Version, snapshot, year, conflicts, ct,
            ledger: await LedgerHealthInput.LoadAsync(catalog.Store, ledger, view.Version.Id, LedgerHealthInput.AsOfFor(year, time), ct, user.ToActor()));
        return TypedResults.Text(html, "text/html; charset=utf-8");
    }

    private static ProblemHttpResult TooLarge(long bytes) => TypedResults.Problem(
        $"The body is {bytes} bytes or more; at most {MaxBodyBytes} are accepted. Split the file.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
}
