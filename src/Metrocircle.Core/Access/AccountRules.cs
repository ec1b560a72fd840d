using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Access;

/// <summary>Checks a new account against the plan in force: a reviewer's jurisdiction must be a province, city or county of the plan, their department one the approval rules list.</summary>
public static class AccountRules
{
    /// <summary>
    /// Checks a new account; <c>Jurisdiction</c> is the id to store: a former id (see <see cref="JurisdictionIndex"/>)
    /// comes back as the current one.
    /// </summary>
    public static async Task<(Role Role, string? Problem, string? Jurisdiction)> ValidateAsync(IPlanStore store, PlanVersion? version, string? userName, string? roleText,
        string? jurisdiction, string? department, CancellationToken ct)
    {
        if (!Account.IsValidUserName(userName))
        {
            return (default, "userName: use 2 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit", jurisdiction);
        }

        if (!Roles.TryParse(roleText, out var role))
        {
            return (default, $"role: \"{roleText}\" is not one of {string.Join(", ", Roles.All.Select(Roles.Name))}", jurisdiction);
        }

        if (Account.BindingProblem(role, jurisdiction, department) is { } binding)
        {
            return (role, binding, jurisdiction);
        }

        if (role is Role.Reviewer or Role.NationalReviewer && version is not null)
        {
            if (role == Role.Reviewer)
            {
                var index = await JurisdictionIndex.LoadAsync(store, version.Id, await store.GetLayersAsync(version.Id, ct), ct);
                if (!index.Contains(jurisdiction!))
                {
                    var known = index.IdsOf("provinces", "cities").ToList();
                    return (role, $"jurisdiction: \"{jurisdiction}\" is not a province, city or county of plan version {version.Id}; use one of {string.Join(", ", known.Take(12))}{(known.Count > 12 ? ", …" : "")} or a county's code", jurisdiction);
                }

                jurisdiction = index.Resolve(jurisdiction!);
            }

            var rules = ApprovalRules.Read(await RecordsAsync(store, version.Id, ApprovalRules.LayerId, ct));
            if (rules.Departments.Count > 0 && !rules.Departments.ContainsKey(department!))
            {
                return (role, $"department: \"{department}\" is not one of the departments the approval rules name ({string.Join(", ", rules.Departments.Keys)})", jurisdiction);
            }
        }

        return (role, null, jurisdiction);
    }

    public static async Task<List<PlanFeature>> RecordsAsync(IPlanStore store, string versionId, string layerId, CancellationToken ct)
    {
        var records = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(versionId, layerId, ct))
        {
            records.Add(f);
        }

        return records;
    }

    public static AuditRecord AuditOf(string actor, string action, Account account) => new(actor, action, account.UserName, new System.Text.Json.Nodes.JsonObject
    {
        ["role"] = Roles.Name(account.Role),
        ["jurisdiction"] = account.Jurisdiction,
        ["department"] = account.Department,
        ["disabled"] = account.Disabled,
    }.ToJsonString());

    /// <summary>
    /// Applies an administrator's change (disable, reset) to the account as it is now. A concurrent write between the
    /// read and the write (a password change, another administrator) makes the guarded write refuse; then the account
    /// is read again and the change re-applied, so the administrator's change always lands on the latest state. Null
    /// when there is no such account.
    /// </summary>
    public static async Task<Account?> UpdateLatestAsync(IAccountStore store, string userName, Func<Account, Account> change, Func<Account, AuditRecord> audit, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await store.GetAccountAsync(userName, ct) is not { } read)
            {
                return null;
            }

            var changed = change(read);
            try
            {
                await store.UpdateAccountAsync(read, changed, revokeSessions: true, audit(changed), ct);
                return changed;
            }
            catch (StoreConflictException) when (attempt < 8)
            {
                // Changed under us: read it again.
            }
        }
    }
}
