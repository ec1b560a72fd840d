using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Plan;

namespace Metrocircle.Web.Features.Accounts;

/// <summary>The web side of <see cref="AccountRules"/>: the plan version in force comes from the catalog.</summary>
internal static class AccountValidation
{
    public static async Task<(Role Role, string? Problem, string? Jurisdiction)> ValidateAsync(PlanCatalog catalog, string? userName, string? roleText, string? jurisdiction, string? department, CancellationToken ct) =>
        await AccountRules.ValidateAsync(catalog.Store, (await catalog.GetAsync(ct))?.Version, userName, roleText, jurisdiction, department, ct);

    public static AuditRecord AuditOf(Actor actor, string action, Account account) => AccountRules.AuditOf(actor.Name, action, account);

    public static Task<List<Core.Model.PlanFeature>> RecordsAsync(IPlanStore store, string versionId, string layerId, CancellationToken ct) =>
        AccountRules.RecordsAsync(store, versionId, layerId, ct);
}
