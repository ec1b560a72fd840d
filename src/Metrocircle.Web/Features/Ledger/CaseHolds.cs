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

/// <summary>
/// A project case's claim on the ledger. Submitting places, with the case, a hold per county and kind on what the
/// footprint takes (new construction land outside the urban development boundary, farmland overlapped) in the
/// period of the submission day; if the holds cannot all be covered, the case opens without them and a
/// <see cref="Uncovered"/> event names the shortfall, and approval is refused unless the accounts cover it by then
/// (after a transfer) or the coordination office overrides with a reason. Approval turns the holds into postings to
/// the used accounts; rejection or withdrawal releases them; all in the same transaction as the case.
/// </summary>
public sealed class CaseHolds(LedgerBook book, ILedgerStore ledger, SnapshotCache snapshots)
{
    public const string Uncovered = "ledger-uncovered";

    /// <summary>Opens the case with its holds (or, when they cannot be covered, flagged without them).</summary>
    public async Task<CaseFile> OpenAsync(CaseFile file, JsonNode footprint, IReadOnlyList<AuditRecord> audit, DateTimeOffset now, CancellationToken ct)
    {
        var holds = await HoldsAsync(file.Id, footprint, now, ct);
        if (holds.Count == 0)
        {
            await ledger.CreateCaseWithHoldsAsync(file, [], audit, ct);
            return file;
        }

        var held = new AuditRecord(file.Proponent, "ledger.hold.placed", file.Id, new JsonObject
        {
            ["holds"] = new JsonArray([.. holds.Select(h => (JsonNode)new JsonObject { ["account"] = h.Account, ["amount"] = h.Amount })]),
        }.ToJsonString());
        try
        {
            await ledger.CreateCaseWithHoldsAsync(file, holds, [.. audit, held], ct);
            return file;
        }
        catch (LedgerOverdrawnException e)
        {
            var detail = new JsonObject
            {
                ["message"] = $"account {e.Account} has {e.Available.ToString("N0", CultureInfo.InvariantCulture)} m² available, {e.Needed.ToString("N0", CultureInfo.InvariantCulture)} m² are needed; approval needs a transfer to cover it or an override by the coordination office",
                ["takings"] = new JsonArray([.. holds.Select(h => (JsonNode)new JsonObject { ["account"] = h.Account, ["amount"] = h.Amount })]),
            };
            var flagged = file with { Timeline = [.. file.Timeline, new CaseEvent(now, "ledger", Uncovered, 1, detail.ToJsonString())] };
            await ledger.CreateCaseWithHoldsAsync(flagged, [], [.. audit, new AuditRecord(file.Proponent, "ledger.hold.uncovered", file.Id, detail.ToJsonString())], ct);
            return flagged;
        }
    }

    private async Task<List<HoldRequest>> HoldsAsync(string caseId, JsonNode footprint, DateTimeOffset now, CancellationToken ct)
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

        return [.. LedgerTakings.Compute(snapshot, snapshot.Projection.Project(lonLat), plan.Settings)
            .Where(t => plan.Jurisdictions.ContainsKey(t.Jurisdiction))
            .Select(t => new HoldRequest($"{caseId}/{t.Kind}/{t.Jurisdiction}", LedgerAccount.IdOf(t.Kind, period.Id, t.Jurisdiction), caseId, t.SquareMetres,
                $"taken by the footprint of case {caseId}"))];
    }

    /// <summary>The ledger's side of a case command: approval posts the holds (or refuses an uncovered case), closing releases them.</summary>
    public async Task<AmendmentCommit> CommitAsync(StoredCase before, CaseChange change, Actor actor, CancellationToken ct)
    {
        var file = change.File!;
        var approving = file.Status == CaseStatus.Approved && before.File.Status != CaseStatus.Approved;
        var closing = file.IsClosed && !before.File.IsClosed && !approving;
        var uncovered = before.File.Timeline.LastOrDefault(e => e.Action == Uncovered);
        if (!approving && !closing)
        {
            return AmendmentCommit.NotMine;
        }

        var open = (await ledger.ListHoldsAsync(before.File.Id, ct)).Where(h => h.Status == HoldStatus.Open).ToList();
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

        List<(string Account, long Amount)> takings;
        if (uncovered is not null)
        {
            takings = [.. (JsonNode.Parse(uncovered.Detail)?["takings"] as JsonArray ?? []).Select(t => (t!["account"]!.GetValue<string>(), t["amount"]!.GetValue<long>()))];
        }
        else if (open.Count > 0)
        {
            takings = [.. open.Select(h => (h.Account, h.Amount))];
        }
        else
        {
            return AmendmentCommit.NotMine;
        }

        var accounts = (await ledger.ListLedgerAccountsAsync(ct)).ToDictionary(a => a.Id);
        var postings = takings.Select(t => new LedgerPosting(t.Account, -t.Amount))
            .Concat(takings.GroupBy(t => LedgerAccount.IdOf(accounts[t.Account].Kind, accounts[t.Account].Period, "@used"))
                .Select(g => new LedgerPosting(g.Key, g.Sum(t => t.Amount)))).ToList();
        var entry = new LedgerEntry(actor.Name, "consumption", $"land taken by case {before.File.Id} ({before.File.Title}), approved", postings, before.File.Id,
            SettlesHolds: [.. open.Select(h => h.Id)]);
        try
        {
            var (v, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, entry, [], change.Audit, LedgerTransfers.Posted, ct);
            return new AmendmentCommit(true, v, null);
        }
        catch (LedgerOverdrawnException e)
        {
            var last = file.Decisions.Count > 0 ? file.Decisions[^1] : null;
            if (last is { Override: true } && actor.Is(Role.CoordinationOffice) && !string.IsNullOrWhiteSpace(last.Reason))
            {
                var (v, _) = await ledger.UpdateCaseWithLedgerAsync(file, before.Version, null, [.. open.Select(h => h.Id)],
                    [.. change.Audit, new AuditRecord(actor.Name, "ledger.override", before.File.Id, new JsonObject { ["reason"] = last.Reason, ["uncovered"] = e.Message }.ToJsonString())],
                    LedgerTransfers.Posted, ct);
                return new AmendmentCommit(true, v, null);
            }

            return new AmendmentCommit(true, 0, TypedResults.Problem(
                $"case {before.File.Id} takes more land quota than its jurisdictions hold: {e.Message}. A transfer to that account, or an override by the coordination office with a reason, lets it be approved.",
                statusCode: StatusCodes.Status409Conflict, title: "Land quota not covered",
                extensions: new Dictionary<string, object?> { ["account"] = e.Account, ["available"] = e.Available, ["needed"] = e.Needed }));
        }
    }
}
