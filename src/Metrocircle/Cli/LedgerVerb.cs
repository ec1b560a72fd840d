using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Relational;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle ledger balances|transactions|verify|export</c>: the land ledger from the command line. <c>verify</c>
/// re-adds every posting and exits 1 naming the first break (a transaction not summing to zero, an account below zero
/// that may not be, a balance or held amount that is not what its postings and holds say, a kind not conserved).
/// </summary>
internal static class LedgerVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        var sub = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("ledger needs balances, transactions, verify or export");
        await using var store = StoreOptions.Open(args);
        switch (sub)
        {
            case "verify":
            {
                args.RejectUnknown();
                await store.MigrateAsync(ct);
                var result = await LedgerVerifier.VerifyAsync(store, ct);
                if (result.FirstBreak is { } problem)
                {
                    throw new CommandException($"ledger broken: {problem}");
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"ledger intact: {result.Transactions} transactions, {result.Postings} postings, {result.Accounts} accounts; every transaction sums to zero, balances equal their postings, every kind is conserved"));
                return 0;
            }

            case "balances":
            {
                var query = new LedgerQuery(args.Option("jurisdiction"), args.Option("kind"), args.Option("period"), Day(args.Option("as-of")));
                var json = args.Flag("json");
                args.RejectUnknown();
                await OpenAsync(store, ct);
                var balances = await store.GetBalancesAsync(query, ct);
                if (json)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(balances.Select(b => new
                    {
                        account = b.Account.Id, kind = b.Account.Kind, period = b.Account.Period, role = LedgerAccount.RoleName(b.Account.Role),
                        jurisdiction = b.Account.Jurisdiction, balance = b.Balance, held = b.Held, available = b.Available,
                    }), Json));
                    return 0;
                }

                var table = new Table().AddColumns("account", "balance m²", "held m²", "available m²");
                table.Title = new TableTitle(query.AsOf is { } d ? $"balances as of {d:yyyy-MM-dd}" : "balances");
                foreach (var b in balances)
                {
                    table.AddRow(Markup.Escape(b.Account.Id), N(b.Balance), N(b.Held), N(b.Available));
                }

                console.Write(table);
                return 0;
            }

            case "transactions":
            {
                var account = args.Option("account");
                var after = long.TryParse(args.Option("after") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : throw new UsageException("--after takes a transaction number");
                var limit = int.TryParse(args.Option("limit") ?? "100", NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= 10_000
                    ? l : throw new UsageException("--limit takes a number from 1 to 10000");
                args.RejectUnknown();
                await OpenAsync(store, ct);
                foreach (var tx in await store.ListTransactionsAsync(account, after, limit, ct))
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{tx.Seq}\t{tx.At:yyyy-MM-dd HH:mm:ss}\t{tx.Type}\t{tx.Actor}\t{tx.Memo}\t{string.Join(" ", tx.Postings.Select(p => $"{p.Account}:{p.Amount:+#;-#}"))}"));
                }

                return 0;
            }

            case "export":
            {
                var outPath = args.Option("out") ?? throw new UsageException("ledger export needs --out FILE (JSON lines)");
                args.RejectUnknown();
                await OpenAsync(store, ct);
                await using var file = new StreamWriter(outPath);
                long lines = 0;
                foreach (var account in await store.ListLedgerAccountsAsync(ct))
                {
                    await file.WriteLineAsync(new JsonObject
                    {
                        ["type"] = "account", ["id"] = account.Id, ["kind"] = account.Kind, ["period"] = account.Period,
                        ["role"] = LedgerAccount.RoleName(account.Role), ["jurisdiction"] = account.Jurisdiction, ["mayGoNegative"] = account.MayGoNegative,
                    }.ToJsonString());
                    lines++;
                }

                long after = 0;
                while (true)
                {
                    var page = await store.ListTransactionsAsync(null, after, 5_000, ct);
                    foreach (var tx in page)
                    {
                        await file.WriteLineAsync(JsonSerializer.Serialize(new { type = "transaction", tx.Seq, tx.At, tx.Actor, kind = tx.Type, tx.Memo, tx.CaseId, tx.Reverses, tx.Terms, tx.Postings }, Json));
                        lines++;
                    }

                    if (page.Count == 0)
                    {
                        break;
                    }

                    after = page[^1].Seq;
                }

                foreach (var hold in await store.ListHoldsAsync(null, ct))
                {
                    await file.WriteLineAsync(JsonSerializer.Serialize(new { type = "hold", hold.Id, hold.Account, hold.CaseId, hold.Amount, status = hold.Status.ToString().ToLowerInvariant(), hold.At }, Json));
                    lines++;
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {lines} lines (accounts, transactions, open holds) to {outPath}"));
                return 0;
            }

            default:
                throw new UsageException($"ledger {sub}: use balances, transactions, verify or export");
        }
    }

    /// <summary>Opens the ledger from the plan in force when the store has none yet (as the server does on first use).</summary>
    private static async Task OpenAsync(RelationalStore store, CancellationToken ct)
    {
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed`");
        var plan = await LedgerPlan.LoadAsync(store, version.Id, ct) ?? throw new CommandException($"plan version {version.Id} keeps no land ledger (no land-ledger record layer)");
        await plan.EnsureOpenedAsync(store, store, StoreOptions.Actor, ct);
    }

    private static DateOnly? Day(string? text) => text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new UsageException($"--as-of \"{text}\" is not a date YYYY-MM-DD");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
