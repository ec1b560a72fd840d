using Metrocircle.Core.Access;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Plan;

namespace Metrocircle.Web.Features.Ledger;

/// <summary>
/// The ledger settings and jurisdictions of the plan version in force, read once per version; the first read on a
/// store without ledger accounts opens the ledger from them (the opening is idempotent across instances).
/// </summary>
public sealed class LedgerBook(PlanCatalog catalog, ILedgerStore ledger)
{
    private LedgerPlan? _current;

    /// <summary>The ledger of the plan in force, or null when there is no plan or it keeps no ledger.</summary>
    public async Task<LedgerPlan?> GetAsync(CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { Version: var version })
        {
            return null;
        }

        if (Volatile.Read(ref _current) is { } cached && cached.VersionId == version.Id)
        {
            return cached;
        }

        var plan = await LedgerPlan.LoadAsync(catalog.Store, version.Id, ct);
        if (plan is not null)
        {
            await plan.EnsureOpenedAsync(catalog.Store, ledger, "system", ct);
            Volatile.Write(ref _current, plan);
        }

        return plan;
    }

    /// <summary>Whether the actor may see an account: region-wide roles all; a reviewer the accounts of jurisdictions within their own.</summary>
    public static bool MaySee(Actor actor, LedgerPlan plan, LedgerAccount account) =>
        actor.IsRegionWide
        || (actor.Is(Role.Reviewer) && account.Jurisdiction is { } j && plan.Jurisdictions.TryGetValue(j, out var place) && place.IsWithin(actor.Jurisdiction));
}
