using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Amendments;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Features.Ledger;

/// <summary>A proposed transfer as kept in its case (the first revision's footprint properties).</summary>
public sealed record TransferTerms(string From, string To, string Kind, string Period, long Amount, string? Text, JsonObject? Figures)
{
    public string FromAccount => LedgerAccount.IdOf(Kind, Period, From);

    public string ToAccount => LedgerAccount.IdOf(Kind, Period, To);

    public static string HoldId(string caseId) => $"transfer-{caseId}";

    public JsonObject ToJson() => new()
    {
        ["from"] = From, ["to"] = To, ["kind"] = Kind, ["period"] = Period, ["amount"] = Amount, ["text"] = Text, ["figures"] = Figures?.DeepClone(),
    };

    public static TransferTerms? Of(CaseFile file) => file.Category == LedgerTransfers.CaseCategory && file.Revisions.Count > 0
        && file.Revisions[0].Footprint["properties"]?["transfer"] is JsonObject t
        ? new TransferTerms(t["from"]!.GetValue<string>(), t["to"]!.GetValue<string>(), t["kind"]!.GetValue<string>(), t["period"]!.GetValue<string>(),
            t["amount"]!.GetValue<long>(), t["text"]?.GetValue<string>(), t["figures"] as JsonObject)
        : null;
}

/// <summary>
/// Transfers between jurisdictions as co-approval cases of category <see cref="CaseCategory"/>: routed to a reviewer of
/// each side's province, the department(s) the approval rules route rule <see cref="RouteRule"/> to (a
/// <c>departmentRoutes</c> entry with <c>"rule": "ledger:transfer"</c>; none if the rules name none) and the
/// coordination office. Proposing holds the amount on the giving account in the same transaction as the case, so
/// concurrent proposals never promise more than it has; approval settles the hold into the transfer's postings in the
/// same transaction as the approving decision; rejection releases it.
/// </summary>
public sealed class LedgerTransfers(ILedgerStore ledger, CaseHolds caseHolds)
{
    public const string CaseCategory = "land-transfer";
    public const string RouteRule = "ledger:transfer";

    /// <summary>The verdict and rules a transfer case is opened with: one jurisdiction task per province of the two sides, the department, the office.</summary>
    public static (Verdict Verdict, ApprovalRules Rules) Route(TransferTerms terms, LedgerJurisdiction from, LedgerJurisdiction to, string versionId, ApprovalRules rules)
    {
        var provinces = new[] { from, to }.Select(j => (Id: j.ProvinceId ?? j.Id, Name: j.ProvinceName ?? j.Name)).Distinct().ToList();
        var places = provinces.Select(p => new ShareOfPlace("provinces", p.Id, p.Name, null, 0, Math.Round(1.0 / provinces.Count, 6))).ToList();
        var amount = terms.Amount.ToString("N0", CultureInfo.InvariantCulture);
        var rule = new RuleResult(RouteRule, "Land quota transfer", "land ledger", "review",
            $"{from.Name} transfers {amount} m² of {terms.Kind} ({terms.Period}) to {to.Name}", null);
        var overlap = new Overlap(LedgerSettings.LayerId, RouteRule, "a transfer between jurisdictions of the land pool", [terms.FromAccount, terms.ToAccount], 0, 0);
        var verdict = new Verdict(Verdict.Aligned, versionId, "land-ledger", terms.FromAccount + ">" + terms.ToAccount, CaseCategory, "Land quota transfer", 0,
            [], places, [], [overlap], [], [rule], []);
        // The departments come from the approval rules' routes for the rule; the office always coordinates a transfer.
        var routed = rules with
        {
            CoordinationWhenOverlapping = [.. rules.CoordinationWhenOverlapping.Append(RouteRule).Distinct(StringComparer.Ordinal)],
        };
        return (verdict, routed);
    }

    /// <summary>The case command's effect on the ledger, written with the case; <see cref="AmendmentCommit.NotMine"/> for other cases and for changes that do not settle a transfer.</summary>
    public async Task<AmendmentCommit> CommitAsync(StoredCase before, CaseChange change, Actor actor, CancellationToken ct)
    {
        if (TransferTerms.Of(before.File) is not { } terms)
        {
            return await caseHolds.CommitAsync(before, change, actor, ct);
        }

        var file = change.File!;
        if (file.Decisions.Count > before.File.Decisions.Count && actor.Name == before.File.Proponent)
        {
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", $"{actor.Name} proposed transfer {before.File.Id} and may not decide it; a reviewer of each side and the office must");
        }

        var holdId = TransferTerms.HoldId(before.File.Id);
        if (file.Status == CaseStatus.Approved && before.File.Status != CaseStatus.Approved)
        {
            var entry = new LedgerEntry(actor.Name, "transfer", $"transfer approved in case {before.File.Id}: {before.File.Title}",
                [new LedgerPosting(terms.FromAccount, -terms.Amount), new LedgerPosting(terms.ToAccount, terms.Amount)], before.File.Id,
                SettlesHolds: [holdId], Terms: new JsonObject { ["text"] = terms.Text, ["figures"] = terms.Figures?.DeepClone() });
            try
            {
                var (version, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, entry, [], change.Audit, Posted, ct);
                return new AmendmentCommit(true, version, null);
            }
            catch (Exception e) when (e is LedgerOverdrawnException or LedgerRuleException)
            {
                return Refuse(StatusCodes.Status409Conflict, "Transfer cannot be posted", e.Message);
            }
        }

        if (file.IsClosed && !before.File.IsClosed)
        {
            var (version, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, null, [holdId],
                [.. change.Audit, new AuditRecord(actor.Name, "ledger.hold.released", holdId, new JsonObject { ["case"] = before.File.Id }.ToJsonString())], Posted, ct);
            return new AmendmentCommit(true, version, null);
        }

        return AmendmentCommit.NotMine;
    }

    internal static IEnumerable<AuditRecord> Posted(LedgerTransaction t) =>
        [new AuditRecord(t.Actor, "ledger." + t.Type, $"ledger-tx/{t.Seq}", new JsonObject
        {
            ["case"] = t.CaseId,
            ["reverses"] = t.Reverses,
            ["postings"] = new JsonArray([.. t.Postings.Select(p => (JsonNode)new JsonObject { ["account"] = p.Account, ["amount"] = p.Amount })]),
        }.ToJsonString())];

    private static AmendmentCommit Refuse(int status, string title, string detail) =>
        new(true, 0, TypedResults.Problem(detail, statusCode: status, title: title));
}
