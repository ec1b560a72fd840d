using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Access;

/// <summary>First start: there is no default password, so an empty account table gets one administrator with a one-time password.</summary>
public static class Bootstrap
{
    public const string AdministratorName = "admin";

    /// <summary>
    /// Creates the administrator when the store has no account and returns the one-time password (to be shown once);
    /// null when accounts exist. The password must be changed at the first sign-in.
    /// </summary>
    public static async Task<string?> EnsureAdministratorAsync(IAccountStore accounts, TimeProvider time, CancellationToken ct)
    {
        if (await accounts.CountAccountsAsync(ct) > 0)
        {
            return null;
        }

        var password = PasswordHasher.NewPassword();
        var account = new Account(AdministratorName, "Administrator", Role.Administrator, null, null, PasswordHasher.Hash(password), false, true, time.GetUtcNow());
        try
        {
            await accounts.AddAccountAsync(account, new AuditRecord("system", "account.added", AdministratorName,
                """{"role":"administrator","reason":"first start: no account existed; one-time password issued"}"""), ct);
        }
        catch (StoreConflictException)
        {
            // Another instance created it first; its console shows the password.
            return null;
        }

        return password;
    }
}
