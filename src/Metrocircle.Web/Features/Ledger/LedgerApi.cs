using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Cases;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Ledger;

public sealed record LedgerKindView(string Id, string NameEn, string? NameZh, string Unit, bool MayGoNegative);

public sealed record LedgerPeriodView(string Id, string NameEn, DateOnly From, DateOnly To);

public sealed record LedgerAccountView(string Id, string Kind, string Period, string Role, string? Jurisdiction, string? JurisdictionName, string? Province, bool MayGoNegative);

public sealed record LedgerAccounts(bool Synthetic, string Unit, IReadOnlyList<LedgerKindView> Kinds, IReadOnlyList<LedgerPeriodView> Periods, IReadOnlyList<LedgerAccountView> Accounts);

public sealed record LedgerBalanceView(string Account, string Kind, string Period, string Role, string? Jurisdiction, long Balance, long Held, long Available);

/// <summary>A kind and period across the region: granted, in the pool, with the jurisdictions, used, and held.</summary>
public sealed record LedgerTotalView(string Kind, string Period, long Granted, long Pool, long Jurisdictions, long Used, long Held);

public sealed record LedgerBalances(bool Synthetic, string Unit, DateOnly? AsOf, IReadOnlyList<LedgerBalanceView> Balances, IReadOnlyList<LedgerTotalView> Totals);

public sealed record LedgerPostingView(string Account, long Amount);

public sealed record LedgerTransactionView(long Seq, DateTimeOffset At, string Actor, string Type, string Memo, string? CaseId, long? Reverses, JsonObject? Terms,
    IReadOnlyList<LedgerPostingView> Postings);

public sealed record LedgerTransactions(IReadOnlyList<LedgerTransactionView> Items, long? Next);

public sealed record TransferRequest(string? From, string? To, string? Kind, string? Period, long? Amount, string? Title, JsonObject? Terms);

public sealed record TransferProposed(string CaseId, string Hold, long Amount, string From, string To, CaseView Case);

/// <summary>
/// The land ledger over HTTP: accounts, balances (now or as of a day), an account's transactions a page at a time,
/// and transfers proposed as co-approval cases. Reviewers see the accounts of jurisdictions within theirs and the
/// region's totals; the coordination office and administrators see everything.
/// </summary>
public static class LedgerApi
{
    private const string Unit = "m2";
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ledger").WithTags("Land ledger");
        group.MapGet("/accounts", Accounts).WithName("ledgerAccounts").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Kinds, periods and the accounts the caller may see; amounts are whole square metres; synthetic: the opening balances are generated, not published");
        group.MapGet("/balances", Balances).WithName("ledgerBalances").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Balances (balance, held, available) of the accounts the caller may see, filtered by jurisdiction, kind, period; asOf=YYYY-MM-DD: on that day; with the region's totals");
        group.MapGet("/transactions", Transactions).WithName("ledgerTransactions").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Transactions touching an account (account=ID; all of them for the office), oldest first, limit (1-1000, default 100) at a time; next: pass it as after");
        group.MapPost("/transfers", Propose).WithName("proposeTransfer").RequireAuthorization(Policies.Reviewing)
            .WithSummary("Propose a transfer {from, to, kind, period, amount (m²), title?, terms: {text, figures}}: holds the amount and opens a land-transfer case; posted when the case is approved")
            .Accepts<TransferRequest>("application/json");
        group.MapLedgerHolds();
        return app;
    }

    private static ProblemHttpResult NoLedger() =>
        TypedResults.Problem("The plan in force keeps no land ledger (no land-ledger record layer).", statusCode: StatusCodes.Status404NotFound, title: "No ledger");

    internal static async Task<Results<Ok<LedgerAccounts>, ProblemHttpResult>> Accounts(ClaimsPrincipal user, LedgerBook book, ILedgerStore ledger, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan)
        {
            return NoLedger();
        }

        var actor = user.ToActor();
        var accounts = (await ledger.ListLedgerAccountsAsync(ct)).Where(a => LedgerBook.MaySee(actor, plan, a)).Select(a => View(plan, a)).ToList();
        return TypedResults.Ok(new LedgerAccounts(plan.Settings.Opening.Synthetic, Unit,
            [.. plan.Settings.Kinds.Select(k => new LedgerKindView(k.Id, k.NameEn, k.NameZh, Unit, k.MayGoNegative))],
            [.. plan.Settings.Periods.Select(p => new LedgerPeriodView(p.Id, p.NameEn, p.From, p.To))], accounts));
    }

    private static LedgerAccountView View(LedgerPlan plan, LedgerAccount a)
    {
        var place = a.Jurisdiction is { } j ? plan.Jurisdictions.GetValueOrDefault(j) : null;
        return new LedgerAccountView(a.Id, a.Kind, a.Period, LedgerAccount.RoleName(a.Role), a.Jurisdiction, place?.Name, place?.ProvinceId, a.MayGoNegative);
    }

    internal static async Task<Results<Ok<LedgerBalances>, ProblemHttpResult>> Balances(ClaimsPrincipal user, LedgerBook book, ILedgerStore ledger,
        string? jurisdiction, string? kind, string? period, string? asOf, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan)
        {
            return NoLedger();
        }

        if (Unknown(plan, kind, period) is { } unknown)
        {
            return unknown;
        }

        DateOnly? day = null;
        if (asOf is not null)
        {
            if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return Problems.BadRequest("Invalid date", $"asOf: \"{asOf}\" is not a date YYYY-MM-DD.", "asOf");
            }

            day = d;
        }

        var actor = user.ToActor();
        if (jurisdiction is not null)
        {
            if (!plan.Jurisdictions.TryGetValue(jurisdiction, out var place))
            {
                return Problems.BadRequest("Unknown jurisdiction", $"jurisdiction: \"{jurisdiction}\" holds no ledger account; accounts are kept per feature of the plan's {plan.Settings.Opening.Level} layer.", "jurisdiction");
            }

            if (!actor.IsRegionWide && !place.IsWithin(actor.Jurisdiction))
            {
                return TypedResults.Problem($"jurisdiction: {jurisdiction} is not within {actor.Jurisdiction}; reviewers see their own jurisdiction's accounts and the region's totals.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
            }
        }

        var all = await ledger.GetBalancesAsync(new LedgerQuery(null, kind, period, day), ct);
        var totals = all.GroupBy(b => (b.Account.Kind, b.Account.Period)).Select(g => new LedgerTotalView(g.Key.Kind, g.Key.Period,
            -g.Where(b => b.Account.Role == LedgerRole.Grant).Sum(b => b.Balance), g.Where(b => b.Account.Role == LedgerRole.Pool).Sum(b => b.Balance),
            g.Where(b => b.Account.Role == LedgerRole.Jurisdiction).Sum(b => b.Balance), g.Where(b => b.Account.Role == LedgerRole.Used).Sum(b => b.Balance),
            g.Sum(b => b.Held))).ToList();
        var balances = all.Where(b => LedgerBook.MaySee(actor, plan, b.Account) && (jurisdiction is null || b.Account.Jurisdiction == jurisdiction))
            .Select(b => new LedgerBalanceView(b.Account.Id, b.Account.Kind, b.Account.Period, LedgerAccount.RoleName(b.Account.Role), b.Account.Jurisdiction,
                b.Balance, b.Held, b.Available)).ToList();
        return TypedResults.Ok(new LedgerBalances(plan.Settings.Opening.Synthetic, Unit, day, balances, totals));
    }

    private static ProblemHttpResult? Unknown(LedgerPlan plan, string? kind, string? period) =>
        kind is not null && plan.Settings.Kind(kind) is null
            ? Problems.BadRequest("Unknown kind", $"kind: \"{kind}\" is not one of {string.Join(", ", plan.Settings.Kinds.Select(k => k.Id))}.", "kind")
            : period is not null && plan.Settings.Period(period) is null
                ? Problems.BadRequest("Unknown period", $"period: \"{period}\" is not one of {string.Join(", ", plan.Settings.Periods.Select(p => p.Id))}.", "period")
                : null;

    internal static async Task<Results<Ok<LedgerTransactions>, ProblemHttpResult>> Transactions(ClaimsPrincipal user, LedgerBook book, ILedgerStore ledger,
        string? account, long? after, int? limit, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan)
        {
            return NoLedger();
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit: from 1 to {MaxLimit} transactions per page, not {limit}.", "limit");
        }

        var actor = user.ToActor();
        if (account is null)
        {
            if (!actor.IsRegionWide)
            {
                return Problems.BadRequest("Account needed", "account: name the account whose transactions to list (GET /ledger/accounts lists those you may see).", "account");
            }
        }
        else
        {
            var found = (await ledger.ListLedgerAccountsAsync(ct)).FirstOrDefault(a => a.Id == account);
            if (found is null || !LedgerBook.MaySee(actor, plan, found))
            {
                return Problems.NotFound("Unknown account", $"account: no ledger account \"{account}\" exists that you may see.");
            }
        }

        var size = limit ?? 100;
        var page = await ledger.ListTransactionsAsync(account, after ?? 0, size + 1, ct);
        var items = page.Take(size).Select(t => new LedgerTransactionView(t.Seq, t.At, t.Actor, t.Type, t.Memo, t.CaseId, t.Reverses, t.Terms,
            [.. t.Postings.Select(p => new LedgerPostingView(p.Account, p.Amount))])).ToList();
        return TypedResults.Ok(new LedgerTransactions(items, page.Count > size ? items[^1].Seq : null));
    }

    internal static async Task<Results<Created<TransferProposed>, ProblemHttpResult>> Propose(HttpRequest request, ClaimsPrincipal user, LedgerBook book,
        ILedgerStore ledger, CaseRulesCache rulesCache, TimeProvider time, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan)
        {
            return NoLedger();
        }

        var (body, problem) = await RequestJson.ReadObjectAsync(request, 64 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (body)
        {
            var (terms, invalid) = ReadTransfer(body!.RootElement, plan);
            if (invalid is not null)
            {
                return TypedResults.Problem(invalid, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid transfer");
            }

            var actor = user.ToActor();
            var from = plan.Jurisdictions[terms!.From];
            var to = plan.Jurisdictions[terms.To];
            if (!actor.IsRegionWide && !from.IsWithin(actor.Jurisdiction) && !to.IsWithin(actor.Jurisdiction))
            {
                return TypedResults.Problem($"{actor.Name} reviews for {actor.Jurisdiction}, which is neither side of this transfer; a reviewer of {from.Name} or {to.Name}, or the office, may propose it.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
            }

            var title = body.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 and <= 200 } given
                ? given
                : $"Transfer of {terms.Amount.ToString("N0", CultureInfo.InvariantCulture)} m² of {terms.Kind} ({terms.Period}) from {from.Name} to {to.Name}";
            var rules = await rulesCache.GetAsync(ct);
            var (verdict, routed) = LedgerTransfers.Route(terms, from, to, plan.VersionId, rules);
            var footprint = new JsonObject
            {
                ["type"] = "Feature",
                ["geometry"] = null,
                ["properties"] = new JsonObject { ["category"] = LedgerTransfers.CaseCategory, ["transfer"] = terms.ToJson() },
            };
            var now = time.GetUtcNow();
            var caseId = CaseFile.NewId();
            var change = CaseWorkflow.Open(caseId, title, actor, new CheckedSubmission("transfer-" + caseId, verdict, footprint, terms.Text), routed, now);
            if (change.Refusal is { } refusal)
            {
                return TypedResults.Problem(refusal.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid transfer");
            }

            var hold = new HoldRequest(TransferTerms.HoldId(caseId), terms.FromAccount, caseId, terms.Amount, "transfer proposed");
            try
            {
                await ledger.CreateCaseWithHoldsAsync(change.File!, [hold], [.. change.Audit, new AuditRecord(actor.Name, "ledger.transfer.proposed", caseId, new JsonObject
                {
                    ["transfer"] = terms.ToJson(),
                    ["hold"] = hold.Id,
                }.ToJsonString())], ct);
            }
            catch (LedgerOverdrawnException e)
            {
                return TypedResults.Problem($"{from.Name} has {e.Available.ToString("N0", CultureInfo.InvariantCulture)} m² of {terms.Kind} ({terms.Period}) available, "
                    + $"{e.Needed.ToString("N0", CultureInfo.InvariantCulture)} m² were asked for; nothing was proposed.",
                    statusCode: StatusCodes.Status409Conflict, title: "Not enough available",
                    extensions: new Dictionary<string, object?> { ["account"] = e.Account, ["available"] = e.Available, ["needed"] = e.Needed });
            }

            return TypedResults.Created($"{Links.Base(request)}/cases/{caseId}",
                new TransferProposed(caseId, hold.Id, terms.Amount, terms.FromAccount, terms.ToAccount, CaseViews.Full(new StoredCase(change.File!, 1), actor, rules, now)));
        }
    }

    /// <summary>The transfer a body asks for, or what is wrong with it (which field, what is allowed).</summary>
    internal static (TransferTerms? Terms, string? Problem) ReadTransfer(JsonElement root, LedgerPlan plan)
    {
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var (from, to, kind, period) = (Str("from"), Str("to"), Str("kind"), Str("period"));
        if (kind is null || plan.Settings.Kind(kind) is null)
        {
            return (null, $"kind: \"{kind}\" is not one of {string.Join(", ", plan.Settings.Kinds.Select(k => k.Id))}.");
        }

        if (period is null || plan.Settings.Period(period) is null)
        {
            return (null, $"period: \"{period}\" is not one of {string.Join(", ", plan.Settings.Periods.Select(p => p.Id))}.");
        }

        foreach (var (name, value) in new[] { ("from", from), ("to", to) })
        {
            if (value is null || !plan.Jurisdictions.ContainsKey(value))
            {
                return (null, $"{name}: \"{value}\" is not a jurisdiction with ledger accounts (a feature id of the plan's {plan.Settings.Opening.Level} layer).");
            }
        }

        if (from == to)
        {
            return (null, $"to: a transfer from {from} to itself moves nothing; name another jurisdiction.");
        }

        if (!root.TryGetProperty("amount", out var a) || a.ValueKind != JsonValueKind.Number || !a.TryGetInt64(out var amount) || amount <= 0 || amount > LedgerLimits.MaxAmount)
        {
            return (null, $"amount: give a positive whole number of square metres up to {LedgerLimits.MaxAmount}, not {(root.TryGetProperty("amount", out var raw) ? raw.GetRawText() : "nothing")}.");
        }

        string? text = null;
        JsonObject? figures = null;
        if (root.TryGetProperty("terms", out var terms))
        {
            if (terms.ValueKind != JsonValueKind.Object)
            {
                return (null, "terms: give {text, figures} (the price or compensation as recorded text and named numbers).");
            }

            if (terms.TryGetProperty("text", out var tx))
            {
                if (tx.ValueKind != JsonValueKind.String || tx.GetString()!.Length > 4000)
                {
                    return (null, "terms.text: a text of at most 4,000 characters.");
                }

                text = tx.GetString();
            }

            if (terms.TryGetProperty("figures", out var fg))
            {
                if (fg.ValueKind != JsonValueKind.Object || fg.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.Number) || fg.EnumerateObject().Count() > 50)
                {
                    return (null, "terms.figures: an object of at most 50 named numbers, e.g. {\"priceYuan\": 1200000}.");
                }

                figures = JsonNode.Parse(fg.GetRawText()) as JsonObject;
            }
        }

        return (new TransferTerms(from!, to!, kind, period, amount, text, figures), null);
    }
}
