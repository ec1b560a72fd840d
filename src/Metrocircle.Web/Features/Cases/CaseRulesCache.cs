using Metrocircle.Core.Cases;
using Metrocircle.Web.Features.Accounts;
using Metrocircle.Web.Plan;

namespace Metrocircle.Web.Features.Cases;

/// <summary>The approval rules of the plan version in force, read once per version.</summary>
public sealed class CaseRulesCache(PlanCatalog catalog)
{
    private (string VersionId, ApprovalRules Rules)? _current;

    public async Task<ApprovalRules> GetAsync(CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { Version: var version })
        {
            return ApprovalRules.Default;
        }

        if (_current is { } cached && cached.VersionId == version.Id)
        {
            return cached.Rules;
        }

        var rules = ApprovalRules.Read(await AccountValidation.RecordsAsync(catalog.Store, version.Id, ApprovalRules.LayerId, ct));
        _current = (version.Id, rules);
        return rules;
    }
}
