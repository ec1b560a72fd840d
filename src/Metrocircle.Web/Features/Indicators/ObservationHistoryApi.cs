using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>
/// Every value an indicator's observations have held: a corrected figure does not erase the one it corrects, which stays
/// readable with who replaced it and when. Readable by whoever may read the indicator.
/// </summary>
public static class ObservationHistoryApi
{
    public static IEndpointRouteBuilder MapObservationHistory(this IEndpointRouteBuilder app)
    {
        app.MapGroup("").WithTags("Indicators")
            .MapGet("/indicators/{indicatorId}/observations/history", GetHistory).WithName("getObservationHistory").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Every value the indicator's observations have held, oldest first per scope and year, replaced ones with who replaced them and when; ?scope= and ?year= narrow it");
        return app;
    }

    internal static async Task<Results<Ok<ObservationHistory>, ProblemHttpResult>> GetHistory(string indicatorId, string? scope, int? year, PlanCatalog catalog,
        IObservationStore observationStore, CancellationToken ct)
    {
        if (year is { } y && (y < ObservationValidator.EarliestYear || y > 2100))
        {
            return Problems.BadRequest("Year out of range", $"Observations cover a year from {ObservationValidator.EarliestYear} to 2100; {y} is outside.", "year");
        }

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var indicators = await PlanIndicators.LoadAsync(catalog.Store, view.Version, ct, withScopes: false);
        if (indicators.Find(indicatorId) is null)
        {
            return Problems.NotFound("Unknown indicator",
                $"Plan version {view.Version.Id} has no indicator \"{indicatorId}\"; GET /indicators lists them ({string.Join(", ", indicators.Items.Select(i => i.Indicator.Id))}).");
        }

        var wanted = string.IsNullOrWhiteSpace(scope) ? null : scope.Trim();
        var history = await observationStore.GetObservationHistoryAsync(indicatorId, wanted, year, ct);
        return TypedResults.Ok(new ObservationHistory(indicatorId, wanted, year,
            [.. history.Select(h => new ObservationValue(h.Observation.Scope, h.Observation.Year, h.Observation.Value, h.Observation.Source,
                h.ImportedAt, h.ImportedBy, h.ReplacedAt, h.ReplacedBy, h.IsCurrent))]));
    }
}

/// <summary>The values an indicator's observations have held, per scope and year oldest first (the current value last).</summary>
public sealed record ObservationHistory(string IndicatorId, string? Scope, int? Year, IReadOnlyList<ObservationValue> History);

/// <summary>
/// One value held: imported when and by whom (null: by seeding or before the store kept history) and, unless current,
/// replaced when and by whom.
/// </summary>
public sealed record ObservationValue(string Scope, int Year, double Value, string Source, DateTimeOffset ImportedAt, string? ImportedBy,
    DateTimeOffset? ReplacedAt, string? ReplacedBy, bool Current);
