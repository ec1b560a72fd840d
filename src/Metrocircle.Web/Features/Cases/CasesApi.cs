using Metrocircle.Core.Audit;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Amendments;
using Metrocircle.Web.Features.Checks;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Cases;

/// <summary>
/// Co-approval of projects: a proponent submits a footprint, it is checked and routed to every jurisdiction,
/// department and the coordination office concerned; reviewers decide their part; the plan's approval rules decide
/// the case. Every command re-reads the case and writes it under the version it read, so concurrent decisions never
/// overwrite each other.
/// </summary>
public static class CasesApi
{
    public const int MaxBodyBytes = ChecksApi.MaxBodyBytes + 64 * 1024;
    public const int MaxAttachmentBytes = 5 * 1024 * 1024;
    private const string AttachmentKind = "case-attachment";
    private static readonly string[] AttachmentTypes = ["application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv", "application/json", "application/geo+json"];

    public sealed record DecisionRequest(string? Decision, string? Reason, int? Revision = null);

    public sealed record WithdrawRequest(string? Reason);

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases").WithTags("Co-approval cases");
        group.MapPost("", Submit).WithName("submitCase").RequireAuthorization(Policies.Proposing)
            .WithSummary("Submit a project: {title, note?, feature: GeoJSON Feature with properties.category}; it is checked and routed")
            .Accepts<SubmitCaseRequest>("application/json");
        group.MapGet("", List).WithName("listCases").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Cases the caller may see, newest change first, limit (1-500, default 500) at a time; next: pass it as after for the following page; inbox=true: only those waiting for the caller's decision");
        group.MapGet("/{caseId}", Get).WithName("getCase").RequireAuthorization(Policies.SignedIn).WithSummary("A case with its revisions, tasks, decisions and timeline");
        group.MapPost("/{caseId}/tasks/{taskId}/decision", Decide).WithName("decideTask").RequireAuthorization(Policies.Deciding)
            .WithSummary("Decide a review task: {decision: approve|reject|request-changes, reason, revision}")
            .Accepts<DecisionRequest>("application/json");
        group.MapPost("/{caseId}/override", Override).WithName("overrideCase").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The coordination office decides the case: {decision: approve|reject, reason}")
            .Accepts<DecisionRequest>("application/json");
        group.MapPost("/{caseId}/revisions", Revise).WithName("reviseCase").RequireAuthorization(Policies.Proposing)
            .WithSummary("The proponent answers a request for changes: {feature, note?, revision}; it is re-checked and re-routed")
            .Accepts<ReviseCaseRequest>("application/json");
        group.MapPost("/{caseId}/withdraw", Withdraw).WithName("withdrawCase").RequireAuthorization(Policies.Proposing).WithSummary("The proponent withdraws the case")
            .Accepts<WithdrawRequest>("application/json");
        group.MapPost("/{caseId}/attachments", Attach).WithName("attachToCase").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Attach a file (PDF, PNG, JPEG, text, CSV, JSON; at most 5 MiB) to an open case: the raw bytes as the body with their Content-Type, ?name=FILE");
        group.MapGet("/{caseId}/attachments/{attachmentId}", GetAttachment).WithName("getCaseAttachment").RequireAuthorization(Policies.SignedIn)
            .WithSummary("An attached file");
        group.MapPost("/escalations", Escalate).WithName("escalateOverdue").RequireAuthorization(Policies.Reviewing)
            .WithSummary("Escalate every overdue task now (the server also does this every minute); coordination office and administrators");
        return app;
    }

    private static ProblemHttpResult UnknownCase(string id) =>
        Problems.NotFound("Unknown case", $"No case with id \"{id}\" exists that you may see.");

    private static ProblemHttpResult Refused(CaseRefusal refusal, StoredCase? current)
    {
        var (status, title) = refusal.Kind switch
        {
            CaseRefusalKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            CaseRefusalKind.Forbidden => (StatusCodes.Status403Forbidden, "Not allowed"),
            CaseRefusalKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            _ => (StatusCodes.Status422UnprocessableEntity, "Invalid request"),
        };
        Dictionary<string, object?>? extensions = null;
        if (refusal.Kind == CaseRefusalKind.Conflict && current is not null)
        {
            // What changed: where the case is now and its latest events, so the client can show them and re-decide.
            extensions = new Dictionary<string, object?>
            {
                ["currentVersion"] = current.Version,
                ["currentRevision"] = current.File.Revision,
                ["caseStatus"] = CaseWorkflow.Wire(current.File.Status),
                ["recent"] = current.File.Timeline.TakeLast(5).Select(e => new { e.At, e.Actor, e.Action, e.Revision, e.Detail }).ToList(),
            };
        }

        return TypedResults.Problem(refusal.Message, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>
    /// Reads the case, runs the command and writes the result under the version read; when another writer got there
    /// first, reads again and re-runs the command on the new state (which may now refuse it, e.g. "already decided").
    /// </summary>
    internal static async Task<(StoredCase? Stored, ProblemHttpResult? Problem)> ApplyAsync(ICaseStore store, string caseId, Actor actor,
        Func<CaseFile, CaseChange?> command, CancellationToken ct, AmendmentApproval? amendments = null, TimeProvider? time = null, LedgerTransfers? transfers = null)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var stored = await store.GetCaseAsync(caseId, ct);
            if (stored is null || !CaseWorkflow.CanSee(actor, stored.File))
            {
                return (null, UnknownCase(caseId));
            }

            var change = command(stored.File);
            if (change is null)
            {
                return (stored, null);
            }

            if (change.Refusal is { } refusal)
            {
                return (null, Refused(refusal, stored));
            }

            try
            {
                // An amendment's case: approval publishes the amended plan with the case in one transaction (or is refused).
                if (amendments is not null && await amendments.CommitAsync(stored, change, actor, (time ?? TimeProvider.System).GetUtcNow(), ct) is { Handled: true } commit)
                {
                    return commit.Problem is { } refusedByAmendment ? (null, refusedByAmendment) : (new StoredCase(change.File!, commit.Version), null);
                }

                // A land transfer's case: approval posts the transfer, rejection or withdrawal releases its hold, with the case.
                if (transfers is not null && await transfers.CommitAsync(stored, change, actor, ct) is { Handled: true } posted)
                {
                    return posted.Problem is { } refusedByLedger ? (null, refusedByLedger) : (new StoredCase(posted.Written ?? change.File!, posted.Version), null);
                }

                var version = await store.UpdateCaseAsync(change.File!, stored.Version, change.Audit, ct);
                return (new StoredCase(change.File!, version), null);
            }
            catch (StoreConflictException)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), ct);
            }
        }

        return (null, TypedResults.Problem($"Case {caseId} is changing too fast to apply this; try again.", statusCode: StatusCodes.Status409Conflict, title: "Conflict"));
    }

    /// <summary>The case for the caller, with its holds on the land ledger.</summary>
    private static async Task<CaseView> ViewAsync(StoredCase stored, Actor actor, ApprovalRules rules, DateTimeOffset now, ILedgerStore ledger, CancellationToken ct) =>
        CaseViews.Full(stored, actor, rules, now, await ledger.ListHoldsAsync(stored.File.Id, ct));

    private static Task<(JsonDocument? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken ct) =>
        RequestJson.ReadObjectAsync(request, MaxBodyBytes, ct, "Simplify the footprint.");

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    internal static async Task<Results<Created<CaseView>, ProblemHttpResult>> Submit(HttpRequest request, ClaimsPrincipal user, ICaseStore store, IDocumentStore documents,
        SnapshotCache snapshots, CaseRulesCache rulesCache, CaseHolds holds, ILedgerStore ledger, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await ReadBodyAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (body)
        {
            var root = body!.RootElement;
            var title = Text(root, "title");
            if (string.IsNullOrWhiteSpace(title) || title.Length > 200)
            {
                return TypedResults.Problem("title: give the project a title of 1 to 200 characters.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid case");
            }

            if (!root.TryGetProperty("feature", out var feature))
            {
                return TypedResults.Problem("feature: send the footprint as a GeoJSON Feature whose properties carry the category.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid case");
            }

            var actor = user.ToActor();
            var (check, checkProblem) = await ChecksApi.RunAsync(feature, actor, snapshots, documents, ct);
            if (checkProblem is not null)
            {
                return checkProblem;
            }

            var rules = await rulesCache.GetAsync(ct);
            var now = time.GetUtcNow();
            var change = CaseWorkflow.Open(CaseFile.NewId(), title, actor, new CheckedSubmission(check!.Id, check.Verdict, check.Document["footprint"]!, Text(root, "note")), rules, now);
            if (change.Refusal is { } refusal)
            {
                return Refused(refusal, null);
            }

            // With its holds on the land ledger, in the same transaction (or flagged when they cannot be covered).
            var opened = await holds.OpenAsync(change.File!, check.Document["footprint"]!, change.Audit, now, ct);
            return TypedResults.Created($"{Links.Base(request)}/cases/{opened.Id}", await ViewAsync(new StoredCase(opened, 1), actor, rules, now, ledger, ct));
        }
    }

    internal static async Task<Results<Ok<CaseList>, ProblemHttpResult>> List(ClaimsPrincipal user, ICaseStore store, CaseRulesCache rulesCache, TimeProvider time,
        JurisdictionCache jurisdictions, bool? inbox, string? status, int? limit, string? after, CancellationToken ct)
    {
        if (limit is < 1 or > CasePages.MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit: from 1 to {CasePages.MaxLimit} cases per page, not {limit}.", "limit");
        }

        CasePageKey? key = null;
        if (after is not null && !CasePages.TryRead(after, out key))
        {
            return Problems.BadRequest("Invalid cursor", "after: pass the \"next\" value of the previous page unchanged.", "after");
        }

        CaseStatus? wanted = null;
        if (status is not null)
        {
            var match = Enum.GetValues<CaseStatus>().Where(s => CaseWorkflow.Wire(s) == status).ToList();
            if (match.Count == 0)
            {
                return Problems.BadRequest("Unknown status", $"status: \"{status}\" is not one of {string.Join(", ", Enum.GetValues<CaseStatus>().Select(CaseWorkflow.Wire))}.", "status");
            }

            wanted = match[0];
        }

        var actor = user.ToActor();
        var size = limit ?? CasePages.MaxLimit;
        var rules = await rulesCache.GetAsync(ct);
        var now = time.GetUtcNow();
        var below = actor is { Role: Role.Reviewer, Jurisdiction: { } own } ? (await jurisdictions.GetAsync(ct)).ChildrenOf(own) : null;
        var page = await store.ListCasesAsync(CasePages.Query(actor, inbox == true, wanted, size, key, below), ct);
        var cases = page.Where(c => CaseWorkflow.CanSee(actor, c.File));
        if (inbox == true)
        {
            cases = cases.Where(c => c.File.OpenTasks.Any(t => CaseWorkflow.MayDecideNow(c.File, actor, t, rules)));
        }

        var items = cases.Select(c => CaseViews.Summary(c, actor, rules, now)).ToList();
        return TypedResults.Ok(new CaseList(items, items.Count, new CaseViewer(actor.Name, actor.Role is { } r ? Roles.Name(r) : null, actor.Jurisdiction, actor.Department),
            CasePages.Next(page, size)));
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Get(string caseId, HttpContext context, ClaimsPrincipal user, ICaseStore store,
        CaseRulesCache rulesCache, ILedgerStore ledger, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        var stored = await store.GetCaseAsync(caseId, ct);
        if (stored is null || !CaseWorkflow.CanSee(actor, stored.File))
        {
            return UnknownCase(caseId);
        }

        context.Response.Headers.ETag = $"\"{stored.Version}\"";
        return TypedResults.Ok(await ViewAsync(stored, actor, await rulesCache.GetAsync(ct), time.GetUtcNow(), ledger, ct));
    }

    internal static Task<Results<Ok<CaseView>, ProblemHttpResult>> Decide(string caseId, string taskId, HttpRequest request, ClaimsPrincipal user,
        ICaseStore store, CaseRulesCache rulesCache, AmendmentApproval amendments, LedgerTransfers transfers, ILedgerStore ledger, TimeProvider time, CancellationToken ct) =>
        DecisionAsync(caseId, request, user, store, rulesCache, amendments, transfers, ledger, time, "approve, reject or request-changes",
            (file, actor, kind, body, rules, now) => CaseWorkflow.Decide(file, actor, taskId, kind, body.Reason, body.Revision, rules, now), ct);

    internal static Task<Results<Ok<CaseView>, ProblemHttpResult>> Override(string caseId, HttpRequest request, ClaimsPrincipal user,
        ICaseStore store, CaseRulesCache rulesCache, AmendmentApproval amendments, LedgerTransfers transfers, ILedgerStore ledger, TimeProvider time, CancellationToken ct) =>
        DecisionAsync(caseId, request, user, store, rulesCache, amendments, transfers, ledger, time, "approve or reject",
            (file, actor, kind, body, rules, now) => CaseWorkflow.Override(file, actor, kind, body.Reason, rules, now), ct);

    /// <summary>Reads a decision body, then applies the workflow command it drives (a task decision or an override).</summary>
    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> DecisionAsync(string caseId, HttpRequest request, ClaimsPrincipal user,
        ICaseStore store, CaseRulesCache rulesCache, AmendmentApproval amendments, LedgerTransfers transfers, ILedgerStore ledger, TimeProvider time, string allowed,
        Func<CaseFile, Actor, DecisionKind, DecisionRequest, ApprovalRules, DateTimeOffset, CaseChange> command, CancellationToken ct)
    {
        var (body, problem) = await AccountsJson<DecisionRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!CaseWorkflow.TryParse(body!.Decision, out var kind))
        {
            return TypedResults.Problem($"decision: \"{body.Decision}\" is not {allowed}.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid decision");
        }

        var actor = user.ToActor();
        var rules = await rulesCache.GetAsync(ct);
        var (stored, refused) = await ApplyAsync(store, caseId, actor, file => command(file, actor, kind, body, rules, time.GetUtcNow()), ct, amendments, time, transfers);
        return refused ?? (Results<Ok<CaseView>, ProblemHttpResult>)TypedResults.Ok(await ViewAsync(stored!, actor, rules, time.GetUtcNow(), ledger, ct));
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Revise(string caseId, HttpRequest request, ClaimsPrincipal user, ICaseStore store, IDocumentStore documents,
        SnapshotCache snapshots, CaseRulesCache rulesCache, LedgerTransfers transfers, ILedgerStore ledger, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        var before = await store.GetCaseAsync(caseId, ct);
        if (before is null || !CaseWorkflow.CanSee(actor, before.File))
        {
            return UnknownCase(caseId);
        }

        // Refuse what the state machine refuses before running the check, so a refused revision stores nothing at all.
        if (before.File.Proponent != actor.Name)
        {
            return Refused(new CaseRefusal(CaseRefusalKind.Forbidden, $"only the proponent of case {caseId} may submit a revision"), before);
        }

        if (!CaseStateMachine.Allows(before.File.Status, CaseTrigger.Revise))
        {
            return Refused(new CaseRefusal(CaseRefusalKind.Conflict, CaseStateMachine.Refusal(before.File.Status, CaseTrigger.Revise)), before);
        }

        var (body, problem) = await ReadBodyAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (body)
        {
            var root = body!.RootElement;
            if (!root.TryGetProperty("feature", out var feature))
            {
                return TypedResults.Problem("feature: send the revised footprint as a GeoJSON Feature whose properties carry the category.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid revision");
            }

            var (check, checkProblem) = await ChecksApi.RunAsync(feature, actor, snapshots, documents, ct);
            if (checkProblem is not null)
            {
                return checkProblem;
            }

            var rules = await rulesCache.GetAsync(ct);
            var submission = new CheckedSubmission(check!.Id, check.Verdict, check.Document["footprint"]!, Text(root, "note"));
            // The ledger hook gives back the old footprint's holds and holds the new one's, with the revision.
            var (stored, refused) = await ApplyAsync(store, caseId, actor, file => CaseWorkflow.Revise(file, actor, submission, Int(root, "revision"), rules, time.GetUtcNow()), ct,
                transfers: transfers);
            return refused ?? (Results<Ok<CaseView>, ProblemHttpResult>)TypedResults.Ok(await ViewAsync(stored!, actor, rules, time.GetUtcNow(), ledger, ct));
        }
    }

    internal static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Withdraw(string caseId, HttpRequest request, ClaimsPrincipal user, ICaseStore store,
        CaseRulesCache rulesCache, LedgerTransfers transfers, ILedgerStore ledger, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await AccountsJson<WithdrawRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        var rules = await rulesCache.GetAsync(ct);
        var (stored, refused) = await ApplyAsync(store, caseId, actor, file => CaseWorkflow.Withdraw(file, actor, body!.Reason, time.GetUtcNow()), ct, transfers: transfers);
        return refused ?? (Results<Ok<CaseView>, ProblemHttpResult>)TypedResults.Ok(await ViewAsync(stored!, actor, rules, time.GetUtcNow(), ledger, ct));
    }

    internal static async Task<Results<Created<CaseAttachment>, ProblemHttpResult>> Attach(string caseId, string? name, HttpRequest request, ClaimsPrincipal user,
        ICaseStore store, IDocumentStore documents, SecuritySettings limits, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        var before = await store.GetCaseAsync(caseId, ct);
        if (before is null || !CaseWorkflow.CanSee(actor, before.File))
        {
            return UnknownCase(caseId);
        }

        if (before.File.IsClosed)
        {
            return Refused(new CaseRefusal(CaseRefusalKind.Conflict, $"case {caseId} is {CaseStateMachine.Name(before.File.Status)} and closed; it takes no more attachments"), before);
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return Problems.BadRequest("Missing file name", "name: give the file's name (1 to 200 characters, no slashes) as ?name=FILE.", "name");
        }

        var contentType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (contentType is null || !AttachmentTypes.Contains(contentType))
        {
            return TypedResults.Problem($"Content-Type \"{contentType}\" is not accepted; send one of {string.Join(", ", AttachmentTypes)}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported attachment type");
        }

        var (limited, seen) = await RequestBody.ReadAsync(request, MaxAttachmentBytes, ct);
        if (limited is null)
        {
            return TypedResults.Problem($"The attachment is {seen:N0} bytes or more; at most {MaxAttachmentBytes:N0} bytes (5 MiB) are accepted.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Attachment too large");
        }

        byte[] bytes;
        await using (limited)
        {
            using var buffer = new MemoryStream();
            await limited.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }

        if (bytes.Length == 0)
        {
            return Problems.BadRequest("Empty attachment", "The body is empty; send the file's bytes.");
        }

        var attachment = new CaseAttachment("att-" + Guid.CreateVersion7().ToString("N")[..20], name.Trim(), contentType, bytes.Length,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), actor.Name, time.GetUtcNow(), before.File.Revision);
        var (stored, refused) = await ApplyAsync(store, caseId, actor, file => file.IsClosed
            ? CaseChange.Refuse(CaseRefusalKind.Conflict, $"case {caseId} closed meanwhile; it takes no more attachments")
            : AttachmentQuota.Refusal(file, actor.Name, attachment.Bytes, limits) is { } over ? CaseChange.Refuse(over.Kind, over.Message)
            : new CaseChange(file with
            {
                Attachments = [.. file.Attachments ?? [], attachment],
                Timeline = [.. file.Timeline, new CaseEvent(attachment.At, actor.Name, "attached", file.Revision, $"{attachment.Name} ({attachment.Bytes:N0} bytes, sha256 {attachment.Sha256[..12]}…)")],
                UpdatedAt = attachment.At,
            }, [new AuditRecord(actor.Name, "case.attached", caseId, new JsonObject { ["attachment"] = attachment.Id, ["name"] = attachment.Name, ["sha256"] = attachment.Sha256, ["bytes"] = attachment.Bytes }.ToJsonString())], null), ct);
        if (refused is not null)
        {
            return refused;
        }

        // The bytes are written after the case records the attachment's hash; a failure here leaves a listed attachment whose download says it is missing.
        await documents.PutDocumentAsync(AttachmentKind, attachment.Id, new JsonObject { ["caseId"] = caseId, ["data"] = Convert.ToBase64String(bytes) }.ToJsonString(), ct);
        return TypedResults.Created($"{Links.Base(request)}/cases/{caseId}/attachments/{attachment.Id}", attachment);
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAttachment(string caseId, string attachmentId, ClaimsPrincipal user, ICaseStore store, IDocumentStore documents, CancellationToken ct)
    {
        var stored = await store.GetCaseAsync(caseId, ct);
        if (stored is null || !CaseWorkflow.CanSee(user.ToActor(), stored.File))
        {
            return UnknownCase(caseId);
        }

        var attachment = stored.File.Attachments?.FirstOrDefault(a => a.Id == attachmentId);
        var json = attachment is null ? null : await documents.GetDocumentAsync(AttachmentKind, attachmentId, ct);
        if (attachment is null || json is null)
        {
            return Problems.NotFound("Unknown attachment", $"Case {caseId} has no stored attachment \"{attachmentId}\".");
        }

        var bytes = Convert.FromBase64String(JsonNode.Parse(json)!["data"]!.GetValue<string>());
        return TypedResults.File(bytes, attachment.ContentType, attachment.Name);
    }

    internal static async Task<Results<Ok<EscalationResult>, ProblemHttpResult>> Escalate(ClaimsPrincipal user, CaseEscalation escalation, CancellationToken ct)
    {
        var actor = user.ToActor();
        if (!actor.IsRegionWide)
        {
            return TypedResults.Problem($"{actor.Name} may not run escalation: only the coordination office and administrators may.", statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
        }

        var escalated = await escalation.RunAsync(ct);
        return TypedResults.Ok(new EscalationResult([.. escalated]));
    }

    private static Task<(T? Value, ProblemHttpResult? Problem)> AccountsJson<T>(HttpRequest request, CancellationToken ct) where T : class =>
        RequestJson.ReadAsync<T>(request, 64 * 1024, ct);
}
