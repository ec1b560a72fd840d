using Metrocircle.Core.Audit;
using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Cases;

/// <summary>Why a command on a case was refused; the web layer maps it to 404, 403, 409 or 422.</summary>
public enum CaseRefusalKind
{
    NotFound,
    Forbidden,
    Conflict,
    Invalid,
}

public sealed record CaseRefusal(CaseRefusalKind Kind, string Message);

/// <summary>The result of a command: the new case and what to append to the audit log, or a refusal that changes nothing.</summary>
public sealed record CaseChange(CaseFile? File, IReadOnlyList<AuditRecord> Audit, CaseRefusal? Refusal)
{
    public static CaseChange Refuse(CaseRefusalKind kind, string message) => new(null, [], new CaseRefusal(kind, message));
}

/// <summary>A checked submission: the verdict of the footprint and the footprint as GeoJSON.</summary>
public sealed record CheckedSubmission(string CheckId, Verdict Verdict, JsonNode Footprint, string? Note);

/// <summary>
/// The co-approval workflow, pure: each command takes a case and returns the next one, checked against
/// <see cref="CaseStateMachine"/> and the plan's <see cref="ApprovalRules"/>. No I/O, so the same command on the same
/// case always gives the same answer, and the store can re-run it when another writer got there first.
/// </summary>
public static class CaseWorkflow
{
    public const string OverrideTask = "override";

    /// <summary>Opens a case for a proponent's checked footprint, with its tasks routed.</summary>
    public static CaseChange Open(string id, string title, Actor proponent, CheckedSubmission submission, ApprovalRules rules, DateTimeOffset now)
    {
        if (proponent.IsAnonymous)
        {
            return CaseChange.Refuse(CaseRefusalKind.Forbidden, "sign in to submit a project");
        }

        if (string.IsNullOrWhiteSpace(title) || title.Length > 200)
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "title: give the project a title of 1 to 200 characters");
        }

        var revision = ToRevision(1, proponent, submission, now);
        var tasks = Route(id, 1, submission.Verdict, rules, now);
        if (submission.Verdict.Provinces.Count == 0)
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "the footprint lies in no jurisdiction of the plan, so nobody could review it");
        }

        var file = new CaseFile(id, title.Trim(), proponent.Name, submission.Verdict.Category, CaseStatus.UnderReview, now, now, rules.Id,
            [revision], tasks, [], [new CaseEvent(now, proponent.Name, "submitted", 1, Describe(submission.Verdict, tasks))]);
        return new CaseChange(file, [Audit(proponent, "case.submitted", id, new JsonObject
        {
            ["revision"] = 1,
            ["checkId"] = submission.CheckId,
            ["verdict"] = submission.Verdict.Result,
            ["inputHash"] = submission.Verdict.InputHash,
            ["planVersion"] = submission.Verdict.PlanVersion,
            ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)t.Id)]),
        })], null);
    }

    /// <summary>
    /// The review tasks of one revision: every province the footprint lies in; every department that a triggered
    /// rule routes to, per province; the coordination office when the footprint crosses provinces or overlaps a
    /// layer kind the rules name.
    /// </summary>
    public static List<ReviewTask> Route(string caseId, int revision, Verdict verdict, ApprovalRules rules, DateTimeOffset now)
    {
        var tasks = new List<ReviewTask>();
        DateTimeOffset Due(ReviewKind kind) => now.AddDays(rules.DeadlineDays[kind]);
        var triggered = verdict.Rules.Where(r => r.Outcome != "pass").ToList();
        string? Reason(DepartmentRoute d) => d.RuleId is { } ruleId
            ? triggered.FirstOrDefault(r => r.Id == ruleId) is { } rule ? $"{rule.Id}: {rule.Message}" : null
            : verdict.Overlaps.FirstOrDefault(o => o.Kind == d.OverlapsKind) is { } overlap
                ? $"the footprint overlaps {overlap.Title} ({overlap.AreaHa.ToString("0.##", CultureInfo.InvariantCulture)} ha)" : null;
        var routed = rules.DepartmentRoutes.Select(d => (Route: d, Reason: Reason(d))).Where(d => d.Reason is not null).ToList();
        List<string> Reasons(IEnumerable<(DepartmentRoute Route, string? Reason)> group) => [.. group.Select(d => d.Reason!).Distinct(StringComparer.Ordinal)];
        string NameOf(string department) => rules.Departments.GetValueOrDefault(department, department);

        foreach (var province in verdict.Provinces)
        {
            tasks.Add(new ReviewTask($"{caseId}-r{revision}-{province.Id}", revision, ReviewKind.Jurisdiction, province.Id, null,
                $"Review for {province.Name}", [$"{province.Share:P1} of the footprint ({province.AreaHa.ToString("0.##", CultureInfo.InvariantCulture)} ha) lies in {province.Name}"],
                Due(ReviewKind.Jurisdiction), ReviewStatus.Open));
            foreach (var group in routed.Where(d => d.Route.Level == JurisdictionLevels.Province).GroupBy(d => d.Route.Department, StringComparer.Ordinal))
            {
                tasks.Add(new ReviewTask($"{caseId}-r{revision}-{province.Id}-{group.Key}", revision, ReviewKind.Department, province.Id, group.Key,
                    $"{NameOf(group.Key)}, {province.Name}", Reasons(group), Due(ReviewKind.Department), ReviewStatus.Open));
            }
        }

        // Below the province: each city or county the footprint lies in (from the counties it touches), largest share first.
        foreach (var group in routed.Where(d => d.Route.Level is JurisdictionLevels.City or JurisdictionLevels.County)
                     .GroupBy(d => (d.Route.Level, d.Route.Department)))
        {
            var (level, department) = group.Key;
            var cityMay = group.Any(d => d.Route.CityMayDecideForCounties);
            var places = level == JurisdictionLevels.County
                ? verdict.Jurisdictions.Select(j => (Id: j.Id, Name: j.Name, Parent: Detail(j, "cityId"), j.AreaHa, j.Share))
                : verdict.Jurisdictions.GroupBy(j => Detail(j, "cityId") ?? Detail(j, "provinceId") ?? j.Id, StringComparer.Ordinal)
                    .Select(g => (Id: g.Key, Name: Detail(g.First(), "city") ?? g.Key, Parent: Detail(g.First(), "provinceId"), AreaHa: g.Sum(j => j.AreaHa), Share: g.Sum(j => j.Share)));
            foreach (var place in places.OrderByDescending(p => p.Share))
            {
                tasks.Add(new ReviewTask($"{caseId}-r{revision}-{level}-{place.Id}-{department}", revision, ReviewKind.Department, place.Id, department,
                    $"{NameOf(department)}, {place.Name}",
                    [$"{place.Share:P1} of the footprint ({place.AreaHa.ToString("0.##", CultureInfo.InvariantCulture)} ha) lies in {place.Name}", .. Reasons(group)],
                    Due(ReviewKind.Department), ReviewStatus.Open, Level: level,
                    ParentJurisdiction: level == JurisdictionLevels.County && cityMay ? place.Parent : null));
            }
        }

        foreach (var group in routed.Where(d => d.Route.Level == JurisdictionLevels.National).GroupBy(d => d.Route.Department, StringComparer.Ordinal))
        {
            tasks.Add(new ReviewTask($"{caseId}-r{revision}-national-{group.Key}", revision, ReviewKind.Department, null, group.Key,
                $"{NameOf(group.Key)}, national", Reasons(group), Due(ReviewKind.Department), ReviewStatus.Open, Level: JurisdictionLevels.National));
        }

        var reasons = new List<string>();
        if (rules.CoordinationWhenCrossingProvinces && verdict.Provinces.Count > 1)
        {
            reasons.Add($"the footprint crosses {verdict.Provinces.Count} provinces ({string.Join(", ", verdict.Provinces.Select(p => p.Name))})");
        }

        foreach (var overlap in verdict.Overlaps.Where(o => rules.CoordinationWhenOverlapping.Contains(o.Kind, StringComparer.Ordinal)))
        {
            reasons.Add($"the footprint overlaps {overlap.Title} ({overlap.AreaHa.ToString("0.##", CultureInfo.InvariantCulture)} ha)");
        }

        if (reasons.Count > 0)
        {
            tasks.Add(new ReviewTask($"{caseId}-r{revision}-coordination", revision, ReviewKind.Coordination, null, null,
                "Regional coordination office", reasons, Due(ReviewKind.Coordination), ReviewStatus.Open));
        }

        return tasks;
    }

    /// <summary>
    /// A reviewer's decision on one task. <paramref name="expectedRevision"/> is the revision the reviewer looked at:
    /// a decision on a revision that has since been replaced is refused as stale.
    /// </summary>
    public static CaseChange Decide(CaseFile file, Actor actor, string taskId, DecisionKind kind, string? reason, int? expectedRevision,
        ApprovalRules rules, DateTimeOffset now)
    {
        var task = file.Tasks.FirstOrDefault(t => t.Id == taskId);
        if (task is null)
        {
            return CaseChange.Refuse(CaseRefusalKind.NotFound, $"case {file.Id} has no task \"{taskId}\"");
        }

        if (!CanDecide(actor, task))
        {
            return CaseChange.Refuse(CaseRefusalKind.Forbidden, $"{Who(actor)} may not decide task {task.Id} ({task.Title}): {WhoMay(task)}");
        }

        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Decide))
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(file.Status, CaseTrigger.Decide));
        }

        if (expectedRevision is { } expected && expected != file.Revision)
        {
            var current = file.Current;
            return CaseChange.Refuse(CaseRefusalKind.Conflict,
                $"the decision is for revision {expected}, but the case is at revision {file.Revision}, submitted by {current.SubmittedBy} at {Time(current.SubmittedAt)}; review the new revision");
        }

        if (task.Revision != file.Revision)
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, $"task {task.Id} belongs to revision {task.Revision}, which revision {file.Revision} replaced");
        }

        if (task.Status != ReviewStatus.Open)
        {
            var by = file.Decisions.LastOrDefault(d => d.TaskId == task.Id);
            return CaseChange.Refuse(CaseRefusalKind.Conflict, by is null
                ? $"task {task.Id} is {Name(task.Status)}"
                : $"task {task.Id} was already decided: {Name(by.Kind)} by {by.Actor} at {Time(by.At)}");
        }

        // Separation of duties: one person satisfying two required reviews of a revision would defeat a quorum. Forbidden
        // rather than conflict: re-reading the case cannot help, only another account can decide this task. Overrides are
        // not task decisions and are never counted here.
        if (OwnDecision(file, actor, rules) is { } own)
        {
            var ownTask = file.Tasks.FirstOrDefault(t => t.Id == own.TaskId);
            return CaseChange.Refuse(CaseRefusalKind.Forbidden,
                $"{actor.Name} already decided task {own.TaskId}{(ownTask is null ? "" : $" ({ownTask.Title})")} of revision {file.Revision} ({Name(own.Kind)} at {Time(own.At)}); "
                + $"the approval rules \"{rules.Id}\" let one account decide only one task of a revision, so another reviewer must decide task {task.Id} ({task.Title})");
        }

        reason = reason?.Trim();
        if (kind != DecisionKind.Approve && string.IsNullOrEmpty(reason))
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, $"reason: to {Name(kind)} give the proponent a reason");
        }

        if (reason is { Length: > 4000 })
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "reason: at most 4,000 characters");
        }

        var status = kind switch
        {
            DecisionKind.Approve => ReviewStatus.Approved,
            DecisionKind.Reject => ReviewStatus.Rejected,
            _ => ReviewStatus.ChangesRequested,
        };
        var decision = new Decision(task.Id, task.Revision, actor.Name, kind, reason ?? "", now);
        var next = file with
        {
            Tasks = [.. file.Tasks.Select(t => t.Id == task.Id ? t with { Status = status } : t)],
            Decisions = [.. file.Decisions, decision],
            Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, Name(kind), file.Revision,
                $"{task.Title}{(task.Escalated && actor.Is(Role.CoordinationOffice) && task.Kind != ReviewKind.Coordination ? " (escalated, decided by the coordination office)" : "")}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}")],
            UpdatedAt = now,
        };
        next = Settle(next, rules, actor, now);
        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Decide, next.Status))
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(file.Status, CaseTrigger.Decide));
        }

        var audit = new List<AuditRecord>
        {
            Audit(actor, "case.decided", file.Id, new JsonObject
            {
                ["task"] = task.Id,
                ["revision"] = task.Revision,
                ["decision"] = Name(kind),
                ["reason"] = reason ?? "",
                ["caseStatus"] = Wire(next.Status),
            }),
        };
        return new CaseChange(next, audit, null);
    }

    /// <summary>The coordination office decides the whole case with a written reason, whatever the tasks say.</summary>
    public static CaseChange Override(CaseFile file, Actor actor, DecisionKind kind, string? reason, ApprovalRules rules, DateTimeOffset now)
    {
        if (!rules.OverrideByCoordination || !actor.Is(Role.CoordinationOffice))
        {
            return CaseChange.Refuse(CaseRefusalKind.Forbidden, rules.OverrideByCoordination
                ? $"{Who(actor)} may not override: only the coordination office may"
                : $"the approval rules \"{rules.Id}\" allow no override");
        }

        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Override))
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(file.Status, CaseTrigger.Override));
        }

        if (kind == DecisionKind.RequestChanges)
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "decision: an override approves or rejects the case");
        }

        reason = reason?.Trim();
        if (rules.OverrideNeedsReason && string.IsNullOrEmpty(reason))
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "reason: an override needs a written reason");
        }

        if (reason is { Length: > 4000 })
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "reason: at most 4,000 characters");
        }

        var status = kind == DecisionKind.Approve ? CaseStatus.Approved : CaseStatus.Rejected;
        var next = Close(file with
        {
            Status = status,
            Decisions = [.. file.Decisions, new Decision(OverrideTask, file.Revision, actor.Name, kind, reason ?? "", now, Override: true)],
            Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "override: " + Name(kind), file.Revision, reason ?? "")],
            Outcome = $"{(kind == DecisionKind.Approve ? "approved" : "rejected")} by override of the coordination office ({actor.Name}){(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}",
            UpdatedAt = now,
        });
        return new CaseChange(next, [Audit(actor, "case.overridden", file.Id, new JsonObject
        {
            ["revision"] = file.Revision,
            ["decision"] = Name(kind),
            ["reason"] = reason ?? "",
            ["openTasks"] = new JsonArray([.. file.OpenTasks.Select(t => (JsonNode)t.Id)]),
        })], null);
    }

    /// <summary>The proponent answers a request for changes with a new, re-checked revision; it gets fresh tasks.</summary>
    public static CaseChange Revise(CaseFile file, Actor actor, CheckedSubmission submission, int? expectedRevision, ApprovalRules rules, DateTimeOffset now)
    {
        if (!string.Equals(actor.Name, file.Proponent, StringComparison.Ordinal) || !actor.Is(Role.Proponent))
        {
            return CaseChange.Refuse(CaseRefusalKind.Forbidden, $"only the proponent of case {file.Id} may submit a revision");
        }

        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Revise))
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(file.Status, CaseTrigger.Revise));
        }

        if (expectedRevision is { } expected && expected != file.Revision)
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, $"the revision answers revision {expected}, but the case is at revision {file.Revision}");
        }

        var number = file.Revision + 1;
        var tasks = Route(file.Id, number, submission.Verdict, rules, now);
        if (submission.Verdict.Provinces.Count == 0)
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "the new footprint lies in no jurisdiction of the plan, so nobody could review it");
        }

        if (submission.Verdict.Category != file.Category)
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, $"category: a revision keeps the case's category ({file.Category}); open a new case for a {submission.Verdict.Category} project");
        }

        var next = file with
        {
            Status = CaseStatus.UnderReview,
            Revisions = [.. file.Revisions, ToRevision(number, actor, submission, now)],
            Tasks = [.. file.Tasks.Select(t => t.Status == ReviewStatus.Open ? t with { Status = ReviewStatus.Closed } : t), .. tasks],
            Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "revised", number, Describe(submission.Verdict, tasks))],
            UpdatedAt = now,
        };
        return new CaseChange(next, [Audit(actor, "case.revised", file.Id, new JsonObject
        {
            ["revision"] = number,
            ["checkId"] = submission.CheckId,
            ["verdict"] = submission.Verdict.Result,
            ["inputHash"] = submission.Verdict.InputHash,
            ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)t.Id)]),
        })], null);
    }

    public static CaseChange Withdraw(CaseFile file, Actor actor, string? reason, DateTimeOffset now)
    {
        if (!string.Equals(actor.Name, file.Proponent, StringComparison.Ordinal))
        {
            return CaseChange.Refuse(CaseRefusalKind.Forbidden, $"only the proponent of case {file.Id} may withdraw it");
        }

        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Withdraw))
        {
            return CaseChange.Refuse(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(file.Status, CaseTrigger.Withdraw));
        }

        if (reason?.Trim() is { Length: > 4000 })
        {
            return CaseChange.Refuse(CaseRefusalKind.Invalid, "reason: at most 4,000 characters");
        }

        var next = Close(file with
        {
            Status = CaseStatus.Withdrawn,
            Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "withdrawn", file.Revision, reason?.Trim() ?? "")],
            Outcome = "withdrawn by the proponent",
            UpdatedAt = now,
        });
        return new CaseChange(next, [Audit(actor, "case.withdrawn", file.Id, new JsonObject { ["revision"] = file.Revision, ["reason"] = reason ?? "" })], null);
    }

    /// <summary>Marks the open tasks past their deadline as escalated to the coordination office; null when none is.</summary>
    public static CaseChange? Escalate(CaseFile file, DateTimeOffset now)
    {
        if (!CaseStateMachine.Allows(file.Status, CaseTrigger.Escalate))
        {
            return null;
        }

        var overdue = file.OpenTasks.Where(t => !t.Escalated && t.DueAt < now && t.Kind != ReviewKind.Coordination).ToList();
        if (overdue.Count == 0)
        {
            return null;
        }

        var system = new Actor("system", null);
        var next = file with
        {
            Tasks = [.. file.Tasks.Select(t => overdue.Any(o => o.Id == t.Id) ? t with { Escalated = true, EscalatedAt = now } : t)],
            Timeline = [.. file.Timeline, .. overdue.Select(t => new CaseEvent(now, system.Name, "escalated", file.Revision,
                $"{t.Title}: no decision by {Time(t.DueAt)}; escalated to the coordination office"))],
            UpdatedAt = now,
        };
        return new CaseChange(next, [Audit(system, "task.escalated", file.Id, new JsonObject
        {
            ["tasks"] = new JsonArray([.. overdue.Select(t => (JsonNode)t.Id)]),
        })], null);
    }

    /// <summary>Whether a task is within <see cref="ApprovalRules.RemindDaysBefore"/> days of its deadline (or past it).</summary>
    public static bool IsDueSoon(ReviewTask task, ApprovalRules rules, DateTimeOffset now) =>
        task.Status == ReviewStatus.Open && now >= task.DueAt.AddDays(-rules.RemindDaysBefore);

    public static bool IsOverdue(ReviewTask task, DateTimeOffset now) => task.Status == ReviewStatus.Open && now > task.DueAt;

    /// <summary>
    /// Who may decide a task: a reviewer of its jurisdiction (and of its department, for a department task); the
    /// coordination office for its own task and for tasks escalated to it. Administrators manage accounts, not cases.
    /// </summary>
    public static bool CanDecide(Actor actor, ReviewTask task) => task.Kind switch
    {
        ReviewKind.Coordination => actor.Is(Role.CoordinationOffice),
        _ when actor.Is(Role.CoordinationOffice) => task.Escalated,
        ReviewKind.Department when task.IsNational => actor.Is(Role.NationalReviewer) && actor.Department == task.Department,
        ReviewKind.Jurisdiction => actor.Is(Role.Reviewer) && actor.Jurisdiction == task.Jurisdiction,
        ReviewKind.Department => actor.Is(Role.Reviewer) && ForJurisdiction(actor, task) && actor.Department == task.Department,
        _ => false,
    };

    /// <summary>A reviewer of the task's own jurisdiction, or of its city when the rule lets the city decide for its counties.</summary>
    private static bool ForJurisdiction(Actor actor, ReviewTask task) =>
        actor.Jurisdiction is not null && (actor.Jurisdiction == task.Jurisdiction || actor.Jurisdiction == task.ParentJurisdiction);

    private static string? Detail(Alignment.ShareOfPlace place, string key) =>
        place.Detail?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>
    /// The decision the actor already gave on a task of the current revision when the rules let an account decide only
    /// one task of a revision (overrides do not count); null when the actor may still decide a task.
    /// </summary>
    public static Decision? OwnDecision(CaseFile file, Actor actor, ApprovalRules rules) => rules.OneTaskPerAccount && !actor.IsAnonymous
        ? file.Decisions.FirstOrDefault(d => !d.Override && d.Revision == file.Revision && string.Equals(d.Actor, actor.Name, StringComparison.Ordinal))
        : null;

    /// <summary>Whether the actor may decide this open task of the current revision now: <see cref="CanDecide"/> and not already a decider of another one.</summary>
    public static bool MayDecideNow(CaseFile file, Actor actor, ReviewTask task, ApprovalRules rules) =>
        !file.IsClosed && task.Revision == file.Revision && task.Status == ReviewStatus.Open && CanDecide(actor, task) && OwnDecision(file, actor, rules) is null;

    /// <summary>Whether the actor may see the case: its proponent, region-wide roles, and reviewers with a task on it.</summary>
    public static bool CanSee(Actor actor, CaseFile file) =>
        actor.IsRegionWide
        || (actor.Is(Role.Proponent) && actor.Name == file.Proponent)
        || (actor.Is(Role.Reviewer) && file.Tasks.Any(t => ForJurisdiction(actor, t)))
        || (actor.Is(Role.NationalReviewer) && file.Tasks.Any(t => t.IsNational && t.Department == actor.Department));

    /// <summary>Applies the decision rules after a decision: one rejection rejects, a request for changes sends it back, all required approvals approve.</summary>
    private static CaseFile Settle(CaseFile file, ApprovalRules rules, Actor actor, DateTimeOffset now)
    {
        var current = file.CurrentTasks.ToList();
        if (rules.AnyRejectionRejects && current.FirstOrDefault(t => t.Status == ReviewStatus.Rejected) is { } rejected)
        {
            return Close(file with { Status = CaseStatus.Rejected, Outcome = $"rejected: {rejected.Title} rejected it", Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "case rejected", file.Revision, rejected.Title + " rejected the project")] });
        }

        if (current.FirstOrDefault(t => t.Status == ReviewStatus.ChangesRequested) is { } changes)
        {
            return Close(file with { Status = CaseStatus.ChangesRequested, Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "sent back", file.Revision, changes.Title + " requested changes; the proponent may submit a revision")] });
        }

        var required = current.Where(t => rules.Required.Contains(t.Kind)).ToList();
        if (required.Count > 0 && required.All(t => t.Status == ReviewStatus.Approved))
        {
            return Close(file with { Status = CaseStatus.Approved, Outcome = $"approved by all {required.Count} required reviews", Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "case approved", file.Revision, $"all {required.Count} required reviews approved")] });
        }

        // With anyRejectionRejects off, a rejection does not end the case at once; but once no required review is
        // left open and not all approved, nothing could approve it any more, so it is rejected rather than left hanging.
        if (required.Count > 0 && required.All(t => t.Status != ReviewStatus.Open))
        {
            var against = required.Where(t => t.Status != ReviewStatus.Approved).Select(t => t.Title).ToList();
            return Close(file with { Status = CaseStatus.Rejected, Outcome = $"rejected: every required review decided and {against.Count} did not approve ({string.Join(", ", against)})", Timeline = [.. file.Timeline, new CaseEvent(now, actor.Name, "case rejected", file.Revision, $"{against.Count} required review(s) did not approve")] });
        }

        return file;
    }

    /// <summary>Closes the open tasks of a case that has left review (they are kept, marked closed).</summary>
    private static CaseFile Close(CaseFile file) =>
        file with { Tasks = [.. file.Tasks.Select(t => t.Status == ReviewStatus.Open ? t with { Status = ReviewStatus.Closed } : t)] };

    private static CaseRevision ToRevision(int number, Actor proponent, CheckedSubmission s, DateTimeOffset now) =>
        new(number, now, proponent.Name, s.CheckId, s.Verdict.Result, s.Verdict.PlanVersion, s.Verdict.RulesVersion, s.Verdict.InputHash,
            s.Verdict.AreaHa, [.. s.Verdict.Provinces.Select(p => p.Id)], s.Footprint.DeepClone(), string.IsNullOrWhiteSpace(s.Note) ? null : s.Note.Trim());

    private static string Describe(Verdict verdict, IReadOnlyList<ReviewTask> tasks) =>
        $"verdict {verdict.Result}; {tasks.Count} review task(s): {string.Join(", ", tasks.Select(t => t.Title))}";

    private static AuditRecord Audit(Actor actor, string action, string subject, JsonObject details) =>
        new(actor.Name, action, subject, details.ToJsonString());

    private static string Who(Actor actor) => actor.IsAnonymous ? "an anonymous caller"
        : $"{actor.Name} ({Roles.Name(actor.Role!.Value)}{(actor.Jurisdiction is null ? "" : ", " + actor.Jurisdiction)}{(actor.Department is null ? "" : ", " + actor.Department)})";

    private static string WhoMay(ReviewTask task) => task.Kind switch
    {
        ReviewKind.Coordination => "only the coordination office may",
        ReviewKind.Jurisdiction => $"only reviewers of {task.Jurisdiction} may{(task.Escalated ? ", or the coordination office now that it is escalated" : "")}",
        _ when task.IsNational => $"only national reviewers of the {task.Department} department may{(task.Escalated ? ", or the coordination office now that it is escalated" : "")}",
        _ when task.ParentJurisdiction is not null => $"only reviewers of {task.Jurisdiction}'s or {task.ParentJurisdiction}'s {task.Department} department may{(task.Escalated ? ", or the coordination office now that it is escalated" : "")}",
        _ => $"only reviewers of {task.Jurisdiction}'s {task.Department} department may{(task.Escalated ? ", or the coordination office now that it is escalated" : "")}",
    };

    public static string Name(DecisionKind kind) => kind switch
    {
        DecisionKind.Approve => "approve",
        DecisionKind.Reject => "reject",
        _ => "request changes",
    };

    public static bool TryParse(string? text, out DecisionKind kind)
    {
        (var ok, kind) = text switch
        {
            "approve" => (true, DecisionKind.Approve),
            "reject" => (true, DecisionKind.Reject),
            "request-changes" => (true, DecisionKind.RequestChanges),
            _ => (false, DecisionKind.Approve),
        };
        return ok;
    }

    private static string Name(ReviewStatus status) => status switch
    {
        ReviewStatus.ChangesRequested => "changes requested",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Wire(CaseStatus status) => status switch
    {
        CaseStatus.UnderReview => "under-review",
        CaseStatus.ChangesRequested => "changes-requested",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
