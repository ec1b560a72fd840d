using Metrocircle.Core.Cases;
using Metrocircle.Web.Features.Accounts;
using Metrocircle.Web.Plan;

namespace Metrocircle.Web.Features.Cases;

/// <summary>The approval rules of the plan version in force, read once per version.</summary>
public sealed class CaseRulesCache(PlanCatalog catalog)
{
    // One reference, swapped whole, so a reader never pairs one version's id with another version's rules.
    private sealed record Cached(string VersionId, ApprovalRules Rules);

    private Cached? _current;

    public async Task<ApprovalRules> GetAsync(CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { Version: var version })
        {
            return ApprovalRules.Default;
        }

        if (Volatile.Read(ref _current) is { } cached && cached.VersionId == version.Id)
        {
            return cached.Rules;
        }

        var rules = ApprovalRules.Read(await AccountValidation.RecordsAsync(catalog.Store, version.Id, ApprovalRules.LayerId, ct));
        Volatile.Write(ref _current, new Cached(version.Id, rules));
        return rules;
    }
}
