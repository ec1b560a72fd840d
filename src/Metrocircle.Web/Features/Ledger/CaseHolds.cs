using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Amendments;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Features.Ledger;

/// <summary>What a case cannot cover: the first account short, what it has, what the case needs, and everything the case takes.</summary>
public sealed record CaseLedgerShortfall(string Account, long Available, long Needed, string Message);

/// <summary>
/// A project case's claim on the ledger. Submitting places, with the case, a hold per county and kind on what the
/// footprint takes (new construction land outside the urban development boundary, farmland overlapped) in the
/// period of the submission day; if the holds cannot all be covered, the case opens without them and a
/// <see cref="Uncovered"/> event names the shortfall, and approval is refused unless the accounts cover it by then
/// (after a transfer) or the coordination office overrides with a reason (the shortfall is then drawn from the
/// region's pool). A revision releases the case's holds and places those of the new footprint (a smaller one frees
/// the difference, a larger one holds more, or is flagged). Approval turns the holds into postings to the used
/// accounts; rejection or withdrawal releases them; all in the same transaction as the case.
/// </summary>
public sealed class CaseHolds(LedgerBook book, ILedgerStore ledger, SnapshotCache snapshots)
{
    public const string Uncovered = LedgerCaseActions.Uncovered;
    public const string Covered = LedgerCaseActions.Covered;

    /// <summary>The case's shortfall when its latest ledger event says its holds could not be covered; null otherwise.</summary>
    public static CaseLedgerShortfall? Shortfall(CaseFile file)
    {
        if (file.Timeline.LastOrDefault(e => e.Action is Uncovered or Covered) is not { Action: Uncovered } flagged || JsonNode.Parse(flagged.Detail) is not JsonObject d)
        {
            return null;
        }

        return new CaseLedgerShortfall(d["account"]?.GetValue<string>() ?? "", d["available"]?.GetValue<long>() ?? 0, d["needed"]?.GetValue<long>() ?? 0,
            d["message"]?.GetValue<string>() ?? "");
    }

    private static List<(string Account, long Amount)> Takings(CaseFile file) =>
        file.Timeline.LastOrDefault(e => e.Action == Uncovered) is { } flagged
            ? [.. (JsonNode.Parse(flagged.Detail)?["takings"] as JsonArray ?? []).Select(t => (t!["account"]!.GetValue<string>(), t["amount"]!.GetValue<long>()))]
            : [];

    private static JsonArray Json(IEnumerable<HoldRequest> holds) =>
        new([.. holds.Select(h => (JsonNode)new JsonObject { ["account"] = h.Account, ["amount"] = h.Amount })]);

    private static string N(long m2) => m2.ToString("N0", CultureInfo.InvariantCulture);

    private static CaseEvent Flag(LedgerOverdrawnException e, IReadOnlyList<HoldRequest> holds, DateTimeOffset now, int revision) =>
        new(now, "ledger", Uncovered, revision, new JsonObject
        {
            ["message"] = $"account {e.Account} has {N(e.Available)} m² available, {N(e.Needed)} m² are needed; approval needs a transfer to cover it or an override by the coordination office",
            ["account"] = e.Account,
            ["available"] = e.Available,
            ["needed"] = e.Needed,
            ["takings"] = Json(holds),
        }.ToJsonString());

    /// <summary>Opens the case with its holds (or, when they cannot be covered, flagged without them).</summary>
    public async Task<CaseFile> OpenAsync(CaseFile file, JsonNode footprint, IReadOnlyList<AuditRecord> audit, DateTimeOffset now, CancellationToken ct)
    {
        var holds = await HoldsAsync(file.Id, file.Revision, footprint, now, ct);
        if (holds.Count == 0)
        {
            await ledger.CreateCaseWithHoldsAsync(file, [], audit, ct);
            return file;
        }

        var held = new AuditRecord(file.Proponent, "ledger.hold.placed", file.Id, new JsonObject { ["holds"] = Json(holds) }.ToJsonString());
        try
        {
            await ledger.CreateCaseWithHoldsAsync(file, holds, [.. audit, held], ct);
            return file;
        }
        catch (LedgerOverdrawnException e)
        {
            var flag = Flag(e, holds, now, file.Revision);
            var flagged = file with { Timeline = [.. file.Timeline, flag] };
            await ledger.CreateCaseWithHoldsAsync(flagged, [], [.. audit, new AuditRecord(file.Proponent, "ledger.hold.uncovered", file.Id, flag.Detail)], ct);
            return flagged;
        }
    }

    private async Task<List<HoldRequest>> HoldsAsync(string caseId, int revision, JsonNode footprint, DateTimeOffset now, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan || plan.Settings.PeriodOn(DateOnly.FromDateTime(now.UtcDateTime)) is not { } period
            || await snapshots.GetAsync(ct) is not { } snapshot || (footprint["geometry"] as JsonObject ?? footprint as JsonObject) is not { } geometryJson)
        {
            return [];
        }

        using var doc = JsonDocument.Parse(geometryJson.ToJsonString());
        if (GeoJsonGeometry.Read(doc.RootElement) is not { } lonLat)
        {
            return [];
        }

        // The revision is in the id: a revision's holds are new rows, its predecessor's stay in the history as released.
        return [.. LedgerTakings.Compute(snapshot, snapshot.Projection.Project(lonLat), plan.Settings)
            .Where(t => plan.Jurisdictions.ContainsKey(t.Jurisdiction))
            .Select(t => new HoldRequest($"{caseId}/r{revision}/{t.Kind}/{t.Jurisdiction}", LedgerAccount.IdOf(t.Kind, period.Id, t.Jurisdiction), caseId, t.SquareMetres,
                $"taken by the footprint of case {caseId}, revision {revision}"))];
    }

    /// <summary>
    /// The ledger's side of a case command: a revision re-holds, approval posts the holds (or refuses an uncovered case
    /// unless the office overrides), closing releases them.
    /// </summary>
    public async Task<AmendmentCommit> CommitAsync(StoredCase before, CaseChange change, Actor actor, CancellationToken ct)
    {
        var file = change.File!;
        var approving = file.Status == CaseStatus.Approved && before.File.Status != CaseStatus.Approved;
        var closing = file.IsClosed && !before.File.IsClosed && !approving;
        var revising = file.Revision > before.File.Revision && !file.IsClosed;
        if (!approving && !closing && !revising)
        {
            return AmendmentCommit.NotMine;
        }

        var open = (await ledger.ListHoldsAsync(before.File.Id, ct)).Where(h => h.Status == HoldStatus.Open).ToList();
        if (revising)
        {
            return await ReviseAsync(before, change, open, ct);
        }

        if (closing)
        {
            if (open.Count == 0)
            {
                return AmendmentCommit.NotMine;
            }

            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, null, [.. open.Select(h => h.Id)],
                [.. change.Audit, new AuditRecord(actor.Name, "ledger.hold.released", before.File.Id, new JsonObject { ["holds"] = open.Count }.ToJsonString())],
                LedgerTransfers.Posted, ct);
            return new AmendmentCommit(true, v, null);
        }

        var takings = Shortfall(before.File) is not null ? Takings(before.File) : [.. open.Select(h => (h.Account, h.Amount))];
        if (takings.Count == 0)
        {
            return AmendmentCommit.NotMine;
        }

        var accounts = (await ledger.ListLedgerAccountsAsync(ct)).ToDictionary(a => a.Id);
        string Used(string account) => LedgerAccount.IdOf(accounts[account].Kind, accounts[account].Period, "@used");
        var memo = $"land taken by case {before.File.Id} ({before.File.Title}), approved";
        var postings = takings.Select(t => new LedgerPosting(t.Account, -t.Amount))
            .Concat(takings.GroupBy(t => Used(t.Account)).Select(g => new LedgerPosting(g.Key, g.Sum(t => t.Amount)))).ToList();
        var entry = new LedgerEntry(actor.Name, "consumption", memo, postings, before.File.Id, SettlesHolds: [.. open.Select(h => h.Id)]);
        try
        {
            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, entry, [], change.Audit, LedgerTransfers.Posted, ct);
            return new AmendmentCommit(true, v, null);
        }
        catch (LedgerOverdrawnException e)
        {
            var last = file.Decisions.Count > before.File.Decisions.Count ? file.Decisions[^1] : null;
            if (last is { Override: true } && actor.Is(Role.CoordinationOffice) && !string.IsNullOrWhiteSpace(last.Reason))
            {
                return await OverrideAsync(before, change, actor, takings, open, entry, last.Reason, e, ct);
            }

            return Refuse(before.File.Id, e,
                "A transfer to that account (POST /ledger/transfers, then its approval), or an override by the coordination office with a reason, lets it be approved.");
        }
    }

    private static AmendmentCommit Refuse(string caseId, LedgerOverdrawnException e, string remedy) =>
        new(true, 0, TypedResults.Problem(
            $"case {caseId} takes more land quota than its jurisdictions hold: account {e.Account} has {N(e.Available)} m² available, {N(e.Needed)} m² are needed. {remedy} Nothing was written.",
            statusCode: StatusCodes.Status409Conflict, title: "Land quota not covered",
            extensions: new Dictionary<string, object?> { ["account"] = e.Account, ["available"] = e.Available, ["needed"] = e.Needed }));

    /// <summary>
    /// The office approves a case its accounts cannot cover: each jurisdiction gives what it has, the rest comes from the
    /// region's pool of the same kind and period, so the ledger still shows every square metre taken.
    /// </summary>
    private async Task<AmendmentCommit> OverrideAsync(StoredCase before, CaseChange change, Actor actor, List<(string Account, long Amount)> takings,
        List<LedgerHold> open, LedgerEntry entry, string reason, LedgerOverdrawnException first, CancellationToken ct)
    {
        var accounts = (await ledger.ListLedgerAccountsAsync(ct)).ToDictionary(a => a.Id);
        var balances = (await ledger.GetBalancesAsync(new LedgerQuery(), ct)).ToDictionary(b => b.Account.Id);
        var postings = new List<LedgerPosting>();
        var fromPool = new Dictionary<string, long>(StringComparer.Ordinal);
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (account, amount) in takings)
        {
            var a = accounts[account];
            var own = open.Where(h => h.Account == account).Sum(h => h.Amount);
            var covered = Math.Clamp(balances.TryGetValue(account, out var b) ? b.Available + own : 0, 0, amount);
            if (covered > 0)
            {
                postings.Add(new LedgerPosting(account, -covered));
            }

            if (amount > covered)
            {
                var pool = LedgerAccount.IdOf(a.Kind, a.Period, "@pool");
                fromPool[pool] = fromPool.GetValueOrDefault(pool) + amount - covered;
            }

            var usedId = LedgerAccount.IdOf(a.Kind, a.Period, "@used");
            used[usedId] = used.GetValueOrDefault(usedId) + amount;
        }

        postings.AddRange(fromPool.Select(p => new LedgerPosting(p.Key, -p.Value)));
        postings.AddRange(used.Select(u => new LedgerPosting(u.Key, u.Value)));
        var overridden = entry with
        {
            Memo = entry.Memo + " by override of the coordination office; the shortfall is drawn from the region's pool",
            Postings = postings,
            Terms = new JsonObject { ["override"] = reason, ["fromPool"] = new JsonObject([.. fromPool.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]) },
        };
        var audit = new AuditRecord(actor.Name, "ledger.override", before.File.Id, new JsonObject
        {
            ["reason"] = reason,
            ["uncovered"] = first.Message,
            ["fromPool"] = new JsonObject([.. fromPool.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
        }.ToJsonString());
        try
        {
            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(change.File!, before.Version, overridden, [], [.. change.Audit, audit], LedgerTransfers.Posted, ct);
            return new AmendmentCommit(true, v, null);
        }
        catch (LedgerOverdrawnException e)
        {
            return Refuse(before.File.Id, e, "Even the region's pool cannot cover it; a transfer must come first.");
        }
    }

    /// <summary>A revision gives back the holds of the footprint it replaces and holds what the new one takes, with the case.</summary>
    private async Task<AmendmentCommit> ReviseAsync(StoredCase before, CaseChange change, List<LedgerHold> open, CancellationToken ct)
    {
        var file = change.File!;
        var now = file.UpdatedAt;
        var holds = await HoldsAsync(file.Id, file.Revision, file.Current.Footprint, now, ct);
        var wasUncovered = Shortfall(before.File) is not null;
        if (holds.Count == 0 && open.Count == 0 && !wasUncovered)
        {
            return AmendmentCommit.NotMine;
        }

        var released = open.Select(h => h.Id).ToList();
        var audit = new List<AuditRecord>(change.Audit);
        if (released.Count > 0)
        {
            audit.Add(new AuditRecord(file.Proponent, "ledger.hold.released", file.Id, new JsonObject { ["holds"] = released.Count, ["revision"] = file.Revision }.ToJsonString()));
        }

        var covered = wasUncovered
            ? file with { Timeline = [.. file.Timeline, new CaseEvent(now, "ledger", Covered, file.Revision, $"revision {file.Revision} is covered by its jurisdictions' accounts")] }
            : file;
        try
        {
            var placed = holds.Count == 0 ? audit : [.. audit, new AuditRecord(file.Proponent, "ledger.hold.placed", file.Id, new JsonObject { ["holds"] = Json(holds) }.ToJsonString())];
            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(covered, before.Version, null, released, placed, LedgerTransfers.Posted, ct, holds);
            return new AmendmentCommit(true, v, null, covered);
        }
        catch (LedgerOverdrawnException e)
        {
            var flag = Flag(e, holds, now, file.Revision);
            var flagged = file with { Timeline = [.. file.Timeline, flag] };
            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(flagged, before.Version, null, released,
                [.. audit, new AuditRecord(file.Proponent, "ledger.hold.uncovered", file.Id, flag.Detail)], LedgerTransfers.Posted, ct);
            return new AmendmentCommit(true, v, null, flagged);
        }
    }
}
