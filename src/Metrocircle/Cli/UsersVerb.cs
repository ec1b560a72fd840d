using Metrocircle.Core.Access;
using Metrocircle.Core.Storage;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// Account administration from the command line, by whoever can open the store (the operator): add, list, disable,
/// reset-password. New and reset passwords are one-time: printed once, to be changed at the next sign-in.
/// </summary>
internal static class UsersVerb
{
    private const string Usage = """
        usage: metrocircle users add NAME --role ROLE [--jurisdiction ID --department DEPT] [--display-name TEXT] [--store STORE]
               metrocircle users list [--store STORE]
               metrocircle users disable NAME [--store STORE]
               metrocircle users reset-password NAME [--store STORE]

          ROLE is administrator, coordination-office, reviewer, national-reviewer or proponent. A reviewer acts for one
          jurisdiction (the id of a province, city or county of the plan: its GB/T 2260 code in the default dataset,
          e.g. 130000 for Hebei, 130681 for Zhuozhou; a former id is accepted and stored as the code) and one
          department (e.g. natural-resources). A national reviewer acts for a ministry: a department, no jurisdiction.
        """;

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        var action = args.Positional.Count > 0 ? args.Positional[0] : null;
        if (action is null || args.Flag("help"))
        {
            await output.WriteLineAsync(Usage);
            return action is null && !args.Flag("help") ? 2 : 0;
        }

        await using var store = StoreOptions.Open(args);
        IAccountStore accounts = store;

        string Name() => args.Positional.Count == 2 ? args.Positional[1] : throw new UsageException($"users {action} needs exactly one account name\n{Usage}");
        switch (action)
        {
            case "add":
            {
                var name = Name();
                var role = args.Option("role") ?? throw new UsageException("users add needs --role administrator|coordination-office|reviewer|national-reviewer|proponent");
                var jurisdiction = args.Option("jurisdiction");
                var department = args.Option("department");
                var display = args.Option("display-name");
                args.RejectUnknown();
                await store.MigrateAsync(ct);
                var (parsed, problem, resolved) = await AccountRules.ValidateAsync(store, await store.GetCurrentVersionAsync(ct), name, role, jurisdiction, department, ct);
                if (problem is not null)
                {
                    throw new CommandException(problem);
                }

                jurisdiction = resolved;
                var password = PasswordHasher.NewPassword();
                var account = new Account(name, display ?? name, parsed, jurisdiction, department, PasswordHasher.Hash(password), false, true, DateTimeOffset.UtcNow);
                try
                {
                    await accounts.AddAccountAsync(account, AccountRules.AuditOf(StoreOptions.Actor, "account.added", account), ct);
                }
                catch (StoreConflictException e)
                {
                    throw new CommandException(e.Message);
                }

                await output.WriteLineAsync($"added {name} ({Roles.Name(parsed)}{(jurisdiction is null ? "" : $", {jurisdiction}, {department}")})");
                await output.WriteLineAsync($"one-time password: {password}");
                await output.WriteLineAsync("It is shown only now; it must be changed at the first sign-in, before it expires (24 hours unless the server sets METROCIRCLE_ONE_TIME_PASSWORD_HOURS).");
                return 0;
            }

            case "list":
            {
                args.RejectUnknown();
                await store.MigrateAsync(ct);
                var table = new Table().AddColumns("user", "role", "jurisdiction", "department", "state", "created");
                foreach (var a in await accounts.ListAccountsAsync(ct))
                {
                    table.AddRow(Markup.Escape(a.UserName), Roles.Name(a.Role), Markup.Escape(a.Jurisdiction ?? "-"), Markup.Escape(a.Department ?? "-"),
                        a.Disabled ? "disabled" : a.MustChangePassword ? "one-time password" : "active",
                        a.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                }

                console.Write(table);
                return 0;
            }

            case "disable":
            case "reset-password":
            {
                var name = Name();
                args.RejectUnknown();
                await store.MigrateAsync(ct);
                var account = await accounts.GetAccountAsync(name, ct) ?? throw new CommandException($"there is no account named {name}");
                if (action == "disable")
                {
                    await AccountRules.UpdateLatestAsync(accounts, account.UserName, a => a with { Disabled = true }, a => AccountRules.AuditOf(StoreOptions.Actor, "account.disabled", a), ct);
                    await output.WriteLineAsync($"disabled {name}; its sessions have ended");
                    return 0;
                }

                var password = PasswordHasher.NewPassword();
                var hash = PasswordHasher.Hash(password);
                await AccountRules.UpdateLatestAsync(accounts, account.UserName, a => a.WithPassword(hash, oneTime: true, DateTimeOffset.UtcNow),
                    a => AccountRules.AuditOf(StoreOptions.Actor, "password.reset", a), ct);
                await output.WriteLineAsync($"reset the password of {name}; its sessions have ended");
                await output.WriteLineAsync($"one-time password: {password}");
                return 0;
            }

            default:
                throw new UsageException($"users: unknown action '{action}'\n{Usage}");
        }
    }
}
