using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>
/// What became of a case command on an amendment's (or a ledger) case: written here (with its new version, and the
/// case as written when the hook added to it), refused, or left to the case endpoint.
/// </summary>
public sealed record AmendmentCommit(bool Handled, long Version, ProblemHttpResult? Problem, CaseFile? Written = null)
{
    public static AmendmentCommit NotMine { get; } = new(false, 0, null);
}

/// <summary>
/// The amendment's side of a decision on its case, called by the case endpoints before they write: the proposer may
/// not decide their own amendment; approval waits for the end of public notice and for an answer to every comment,
/// is refused while the balance sheet fails (unless the coordination office overrides every failing line that allows
/// it, with a reason), and then writes the case, the new plan version and the amendment in one transaction. A
/// rejection closes the amendment with its case. On the land ledger, the approval posts in the same transaction what the
/// change set consumes or gives back: construction land added (the urban-boundary layer kind grows) or farmland removed
/// is taken from the county's account, land given back is credited to it (refused, with the account, when it is short).
/// </summary>
public sealed class AmendmentApproval(IAmendmentStore amendments, Plan.PlanCatalog catalog, Ledger.LedgerBook book, Plan.SnapshotCache snapshots)
{
    public async Task<AmendmentCommit> CommitAsync(StoredCase before, CaseChange change, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (before.File.Category != AmendmentFile.CaseCategory || await amendments.GetAmendmentByCaseAsync(before.File.Id, ct) is not { } stored)
        {
            return AmendmentCommit.NotMine;
        }

        var file = stored.File;
        var decided = change.File!.Decisions.Count > before.File.Decisions.Count;
        if (decided && actor.Name == file.Proposer)
        {
            return Refuse(StatusCodes.Status403Forbidden, "Not allowed", $"{actor.Name} proposed amendment {file.Id} and may not decide its case; another reviewer must");
        }

        if (change.File.Status == CaseStatus.Rejected && before.File.Status != CaseStatus.Rejected)
        {
            var rejected = file with
            {
                Status = AmendmentStatus.Rejected,
                UpdatedAt = now,
                Timeline = [.. file.Timeline, new AmendmentEvent(now, actor.Name, "rejected", change.File.Outcome ?? "")],
            };
            var version = await amendments.UpdateAmendmentAsync(rejected, stored.Version, (change.File, before.Version, false),
                [.. change.Audit, new AuditRecord(actor.Name, "amendment.rejected", file.Id, new JsonObject { ["case"] = before.File.Id }.ToJsonString())], ct);
            _ = version;
            return new AmendmentCommit(true, before.Version + 1, null);
        }

        if (change.File.Status != CaseStatus.Approved || before.File.Status == CaseStatus.Approved)
        {
            return AmendmentCommit.NotMine;
        }

        if (file.NoticeEndsAt is { } end && now < end)
        {
            return Refuse(StatusCodes.Status409Conflict, "Public notice not over",
                $"amendment {file.Id} is in public notice until {end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; it can be approved after that");
        }

        var unanswered = file.Comments.Where(c => c.NeedsAnswer).Select(c => c.Id).ToList();
        if (unanswered.Count > 0)
        {
            return Refuse(StatusCodes.Status409Conflict, "Comments unanswered",
                $"amendment {file.Id} has {unanswered.Count} comment(s) without an answer from the proposer or the office ({string.Join(", ", unanswered)}); answer them (or have the office refuse them) first",
                new Dictionary<string, object?> { ["comments"] = unanswered });
        }

        string? overrideReason = null;
        if (!file.BalanceOk)
        {
            var last = change.File.Decisions.Count > 0 ? change.File.Decisions[^1] : null;
            var failing = (file.Balance["rules"] as JsonArray ?? []).Where(l => l?["ok"]?.GetValue<bool>() == false).ToList();
            var overridable = failing.All(l => l?["overridable"]?.GetValue<bool>() == true);
            if (last is { Override: true } && overridable && !string.IsNullOrWhiteSpace(last.Reason))
            {
                overrideReason = last.Reason;
            }
            else
            {
                return Refuse(StatusCodes.Status422UnprocessableEntity, "Balance rules not met",
                    $"amendment {file.Id} breaks {failing.Count} balance rule line(s): {string.Join("; ", failing.Select(l => l?["message"]?.GetValue<string>()))}"
                    + (overridable ? "; the coordination office may override with a written reason" : "; these rules allow no override"),
                    new Dictionary<string, object?> { ["balance"] = file.Balance });
            }
        }

        var audit = new List<AuditRecord>(change.Audit);
        var publish = new ChangeSetPublish(file.PlanId, file.BaseSequence, $"amendment {file.Id}: {file.Title}", file.EffectiveFrom, VersionSource.Amendment, file.Id,
            file.Rationale, ChangeSetRequest.FromStored(file), v => [.. audit,
                new AuditRecord(actor.Name, "amendment.approved", file.Id, new JsonObject { ["case"] = before.File.Id, ["version"] = v.Id, ["balanceOverride"] = overrideReason }.ToJsonString()),
                new AuditRecord(actor.Name, "plan.version.published", v.Id, new JsonObject { ["source"] = VersionSource.Amendment, ["amendment"] = file.Id,
                    ["effectiveFrom"] = v.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }.ToJsonString())]);
        (LedgerEntry Entry, Func<LedgerTransaction, IEnumerable<AuditRecord>> Audit)? ledger = null;
        if (await LedgerEntryAsync(file, before.File.Id, actor, now, ct) is { } entry)
        {
            ledger = (entry, Ledger.LedgerTransfers.Posted);
        }

        try
        {
            await amendments.ApproveAmendmentAsync(stored, v => file with
            {
                Status = AmendmentStatus.Approved,
                PublishedVersion = v.Id,
                BalanceOverride = overrideReason,
                UpdatedAt = now,
                Timeline = [.. file.Timeline, new AmendmentEvent(now, actor.Name, "approved", $"published as {v.Id}, in force from {v.EffectiveFrom:yyyy-MM-dd}")],
            }, change.File, before.Version, publish, ct, ledger);
        }
        catch (ChangeSetConflictException e)
        {
            return Refuse(StatusCodes.Status409Conflict, "Plan moved under the amendment", e.Message, new Dictionary<string, object?> { ["features"] = e.Features });
        }
        catch (LedgerOverdrawnException e)
        {
            return Refuse(StatusCodes.Status409Conflict, "Land quota not covered",
                $"amendment {file.Id} takes more land quota than its jurisdictions hold: account {e.Account} has {e.Available.ToString("N0", CultureInfo.InvariantCulture)} m² available, "
                + $"{e.Needed.ToString("N0", CultureInfo.InvariantCulture)} m² are needed; a transfer to that account must come first. Nothing was written.",
                new Dictionary<string, object?> { ["account"] = e.Account, ["available"] = e.Available, ["needed"] = e.Needed });
        }

        // This instance switches at once; others on the same store within the catalogue's recheck interval.
        catalog.Invalidate();

        return new AmendmentCommit(true, before.Version + 1, null);
    }

    /// <summary>
    /// The ledger entry of the change set in the period of the approval day: each county's account gives what the change
    /// takes (to the used account) or receives what it gives back (a new credit, from the grant account); null when the
    /// plan keeps no ledger or the change set moves no counted land.
    /// </summary>
    private async Task<LedgerEntry?> LedgerEntryAsync(AmendmentFile file, string caseId, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (await book.GetAsync(ct) is not { } plan || plan.Settings.PeriodOn(DateOnly.FromDateTime(now.UtcDateTime)) is not { } period
            || await snapshots.GetAsync(ct) is not { } before)
        {
            return null;
        }

        var changes = ChangeSetRequest.FromStored(file);
        var after = before.WithChanges(before.Version, changes);
        var region = LedgerTakings.ChangedRegion(before, after, changes.Select(c => (c.LayerId, c.FeatureId)), plan.Settings);
        var deltas = LedgerTakings.Deltas(before, after, region, plan.Settings).Where(d => plan.Jurisdictions.ContainsKey(d.Jurisdiction)).ToList();
        if (deltas.Count == 0)
        {
            return null;
        }

        var postings = deltas.Select(d => new LedgerPosting(LedgerAccount.IdOf(d.Kind, period.Id, d.Jurisdiction), -d.SquareMetres)).ToList();
        foreach (var kind in deltas.GroupBy(d => d.Kind, StringComparer.Ordinal))
        {
            var consumed = kind.Where(d => d.SquareMetres > 0).Sum(d => d.SquareMetres);
            var credited = -kind.Where(d => d.SquareMetres < 0).Sum(d => d.SquareMetres);
            if (consumed > 0)
            {
                postings.Add(new LedgerPosting(LedgerAccount.IdOf(kind.Key, period.Id, "@used"), consumed));
            }

            if (credited > 0)
            {
                postings.Add(new LedgerPosting(LedgerAccount.IdOf(kind.Key, period.Id, "@grant"), -credited));
            }
        }

        return new LedgerEntry(actor.Name, "amendment", $"amendment {file.Id} ({file.Title}), approved: land quota its change set takes or gives back", postings, caseId,
            Terms: new JsonObject { ["amendment"] = file.Id });
    }

    private static AmendmentCommit Refuse(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        new(true, 0, TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions));
}
