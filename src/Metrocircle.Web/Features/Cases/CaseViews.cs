using System.Text.Json;
using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Ledger;

namespace Metrocircle.Web.Features.Cases;

/// <summary>The body of <c>POST /cases</c>: a title, an optional note and the footprint as a GeoJSON Feature whose properties carry the category.</summary>
public sealed record SubmitCaseRequest(string Title, JsonElement Feature, string? Note = null);

/// <summary>The body of <c>POST /cases/{caseId}/revisions</c>: the revised footprint, a note, and the revision it answers.</summary>
public sealed record ReviseCaseRequest(JsonElement Feature, int? Revision, string? Note = null);

/// <summary>
/// A review task as one caller sees it: whether it belongs to the current revision, is due soon or overdue, and whether
/// the caller may decide it. <see cref="Level"/> is where it was routed (national, province, city, county);
/// <see cref="ParentJurisdiction"/> the city whose reviewers may decide a county task too.
/// </summary>
public sealed record CaseTaskView(
    string Id,
    int Revision,
    ReviewKind Kind,
    string? Jurisdiction,
    string? Department,
    string Title,
    IReadOnlyList<string> Reasons,
    DateTimeOffset DueAt,
    ReviewStatus Status,
    bool Escalated,
    DateTimeOffset? EscalatedAt,
    bool Current,
    bool DueSoon,
    bool Overdue,
    bool YouMayDecide,
    string Level,
    string? ParentJurisdiction);

/// <summary>
/// A case for one caller: the stored case (its members in the order it is stored), its version, and per task what the
/// caller may do. <see cref="YouMay"/> lists the commands open to the caller (decide, override, revise, withdraw).
/// </summary>
public sealed record CaseView(
    string Id,
    string Title,
    string Proponent,
    string Category,
    CaseStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    string RulesId,
    IReadOnlyList<CaseRevision> Revisions,
    IReadOnlyList<CaseTaskView> Tasks,
    IReadOnlyList<Decision> Decisions,
    IReadOnlyList<CaseEvent> Timeline,
    string? Outcome,
    IReadOnlyList<CaseAttachment>? Attachments,
    int Revision,
    CaseRevision Current,
    bool IsClosed,
    IReadOnlyList<ReviewTask> CurrentTasks,
    IReadOnlyList<ReviewTask> OpenTasks,
    long Version,
    bool Closed,
    IReadOnlyList<string> YouMay,
    IReadOnlyList<CaseLedgerHold>? LedgerHolds = null,
    CaseLedgerShortfall? LedgerShortfall = null);

/// <summary>A hold the case has (or had) on the land ledger: the account (kind/period/jurisdiction), the amount in m² and whether it is open, released or settled.</summary>
public sealed record CaseLedgerHold(string Id, string Account, string Jurisdiction, string Kind, string Period, long AmountM2, string Status)
{
    public static CaseLedgerHold Of(LedgerHold hold)
    {
        var parts = hold.Account.Split('/');
        return new CaseLedgerHold(hold.Id, hold.Account, parts.Length == 3 ? parts[2] : "", parts[0], parts.Length == 3 ? parts[1] : "", hold.Amount,
            hold.Status.ToString().ToLowerInvariant());
    }
}

/// <summary>A task of a case summary that waits for the caller's decision.</summary>
public sealed record TaskForYou(string Id, string Title, DateTimeOffset DueAt, bool DueSoon, bool Overdue, bool Escalated);

/// <summary>A line of a list: enough for an inbox or a proponent's list, without the footprints.</summary>
public sealed record CaseSummary(
    string Id,
    string Title,
    string Proponent,
    string Category,
    string Status,
    int Revision,
    string Verdict,
    IReadOnlyList<string> Provinces,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    int OpenTasks,
    IReadOnlyList<TaskForYou> TasksForYou,
    bool LedgerUncovered = false);

/// <summary>Who the list was made for, so a page can tell a reviewer's inbox from an office's overview.</summary>
public sealed record CaseViewer(string User, string? Role, string? Jurisdiction, string? Department);

/// <summary>The answer of <c>GET /cases</c>; <see cref="Next"/>, when set, is the <c>after</c> of the following page.</summary>
public sealed record CaseList(IReadOnlyList<CaseSummary> Cases, int NumberReturned, CaseViewer As, string? Next = null);

/// <summary>The answer of <c>POST /cases/escalations</c>: the ids of the cases whose overdue tasks were escalated.</summary>
public sealed record EscalationResult(IReadOnlyList<string> Escalated);

/// <summary>How a case is shown to one caller: the stored case, its version, and per task whether it is due soon, overdue and decidable by the caller.</summary>
internal static class CaseViews
{
    public static CaseView Full(StoredCase stored, Actor viewer, ApprovalRules rules, DateTimeOffset now, IReadOnlyList<LedgerHold>? holds = null)
    {
        var file = stored.File;
        var tasks = file.Tasks.Select(task => new CaseTaskView(task.Id, task.Revision, task.Kind, task.Jurisdiction, task.Department, task.Title, task.Reasons,
            task.DueAt, task.Status, task.Escalated, task.EscalatedAt,
            Current: task.Revision == file.Revision,
            DueSoon: CaseWorkflow.IsDueSoon(task, rules, now),
            Overdue: CaseWorkflow.IsOverdue(task, now),
            YouMayDecide: CaseWorkflow.MayDecideNow(file, viewer, task, rules),
            Level: task.Level ?? (task.Kind == ReviewKind.Coordination ? "region" : JurisdictionLevels.Province),
            ParentJurisdiction: task.ParentJurisdiction)).ToList();
        return new CaseView(file.Id, file.Title, file.Proponent, file.Category, file.Status, file.OpenedAt, file.UpdatedAt, file.RulesId,
            file.Revisions, tasks, file.Decisions, file.Timeline, file.Outcome, file.Attachments,
            file.Revision, file.Current, file.IsClosed, [.. file.CurrentTasks], [.. file.OpenTasks],
            stored.Version, file.IsClosed, [.. Actions(file, viewer, rules)],
            holds is null ? null : [.. holds.Select(CaseLedgerHold.Of)], CaseHolds.Shortfall(file));
    }

    public static CaseSummary Summary(StoredCase stored, Actor viewer, ApprovalRules rules, DateTimeOffset now)
    {
        var file = stored.File;
        var mine = file.OpenTasks.Where(t => CaseWorkflow.MayDecideNow(file, viewer, t, rules))
            .Select(t => new TaskForYou(t.Id, t.Title, t.DueAt, CaseWorkflow.IsDueSoon(t, rules, now), CaseWorkflow.IsOverdue(t, now), t.Escalated)).ToList();
        return new CaseSummary(file.Id, file.Title, file.Proponent, file.Category, CaseWorkflow.Wire(file.Status), file.Revision, file.Current.Verdict,
            file.Current.Provinces, file.OpenedAt, file.UpdatedAt, stored.Version, file.OpenTasks.Count(), mine, CaseHolds.Shortfall(file) is not null);
    }

    private static IEnumerable<string> Actions(CaseFile file, Actor viewer, ApprovalRules rules)
    {
        if (file.OpenTasks.Any(t => CaseWorkflow.MayDecideNow(file, viewer, t, rules)))
        {
            yield return "decide";
        }

        if (viewer.Is(Role.CoordinationOffice) && rules.OverrideByCoordination && CaseStateMachine.Allows(file.Status, CaseTrigger.Override))
        {
            yield return "override";
        }

        if (viewer.Is(Role.Proponent) && viewer.Name == file.Proponent)
        {
            if (CaseStateMachine.Allows(file.Status, CaseTrigger.Revise))
            {
                yield return "revise";
            }

            if (CaseStateMachine.Allows(file.Status, CaseTrigger.Withdraw))
            {
                yield return "withdraw";
            }
        }
    }
}
