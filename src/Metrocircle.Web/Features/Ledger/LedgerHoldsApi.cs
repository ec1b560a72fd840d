using System.Security.Claims;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Ledger;

public sealed record LedgerHoldView(string Id, string Case, string Account, string? Jurisdiction, string Kind, string Period, long AmountM2, string Status, DateTimeOffset CreatedAt);

public sealed record LedgerHolds(IReadOnlyList<LedgerHoldView> Holds);

/// <summary>
/// Holds over HTTP: the amounts cases reserve on jurisdiction accounts, every status for one case, else the open ones.
/// Who sees which holds follows the balances: reviewers those on accounts of their own jurisdiction, the office all.
/// </summary>
public static class LedgerHoldsApi
{
    private const int MaxCaseId = 200;

    public static RouteGroupBuilder MapLedgerHolds(this RouteGroupBuilder group)
    {
        group.MapGet("/holds", Holds).WithName("ledgerHolds").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Holds on the accounts the caller may see: case=ID every hold of that case (open, released, settled), else every open hold; jurisdiction=ID those on accounts of that jurisdiction or within it");
        return group;
    }

    internal static async Task<Results<Ok<LedgerHolds>, ProblemHttpResult>> Holds(ClaimsPrincipal user, LedgerBook book, ILedgerStore ledger,
        string? @case, string? jurisdiction, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan)
        {
            return TypedResults.Problem("The plan in force keeps no land ledger (no land-ledger record layer).", statusCode: StatusCodes.Status404NotFound, title: "No ledger");
        }

        if (@case is { Length: 0 or > MaxCaseId })
        {
            return Problems.BadRequest("Invalid case", $"case: a case id of 1 to {MaxCaseId} characters.", "case");
        }

        var actor = user.ToActor();
        if (jurisdiction is not null)
        {
            var named = plan.Jurisdictions.Values.Where(j => j.IsWithin(jurisdiction)).ToList();
            if (named.Count == 0)
            {
                return Problems.BadRequest("Unknown jurisdiction",
                    $"jurisdiction: \"{jurisdiction}\" is neither a jurisdiction that holds ledger accounts (the plan's {plan.Settings.Opening.Level}) nor one that contains them.", "jurisdiction");
            }

            if (!actor.IsRegionWide && !named.Any(j => j.IsWithin(actor.Jurisdiction)))
            {
                return TypedResults.Problem($"jurisdiction: {jurisdiction} is not within {actor.Jurisdiction}; reviewers see the holds on their own jurisdiction's accounts.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
            }
        }

        var accounts = (await ledger.ListLedgerAccountsAsync(ct)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var holds = (await ledger.ListHoldsAsync(@case, ct))
            .Select(h => (Hold: h, Account: accounts.GetValueOrDefault(h.Account)))
            .Where(x => x.Account is not null && LedgerBook.MaySee(actor, plan, x.Account)
                && (jurisdiction is null || (x.Account.Jurisdiction is { } j && plan.Jurisdictions.TryGetValue(j, out var place) && place.IsWithin(jurisdiction))))
            .OrderBy(x => x.Hold.At).ThenBy(x => x.Hold.Id, StringComparer.Ordinal)
            .Select(x => new LedgerHoldView(x.Hold.Id, x.Hold.CaseId, x.Hold.Account, x.Account!.Jurisdiction, x.Account.Kind, x.Account.Period, x.Hold.Amount,
                x.Hold.Status.ToString().ToLowerInvariant(), x.Hold.At))
            .ToList();
        return TypedResults.Ok(new LedgerHolds(holds));
    }
}
