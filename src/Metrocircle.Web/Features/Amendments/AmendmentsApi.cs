using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Accounts;
using Metrocircle.Web.Features.Cases;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>
/// Plan amendments, the platform's second decision loop: a reviewer or the coordination office proposes a change set
/// against a base version; it is validated like an import, balance-checked and routed as a co-approval case (decided
/// on the case endpoints); during public notice anyone may comment; approval publishes the new version atomically.
/// </summary>
public static class AmendmentsApi
{
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAmendments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/amendments").WithTags("Plan amendments");
        group.MapPost("", Propose).WithName("proposeAmendment").RequireAuthorization(Policies.Reviewing)
            .WithSummary("Propose an amendment: {baseVersion, title, rationale, effectiveFrom, changes: [{op: add|change|retire, layer, featureId, feature}], draft?}")
            .Accepts<ProposeAmendmentRequest>("application/json");
        group.MapGet("", List).WithName("listAmendments").AllowAnonymous().WithSummary("Amendments (drafts only to their proposer and the office), newest change first");
        group.MapGet("/{amendmentId}", Get).WithName("getAmendment").AllowAnonymous()
            .WithSummary("An amendment with its case id, change set, balance sheet, comments and record");
        group.MapGet("/{amendmentId}/impact", AmendmentImpactApi.Impact).WithName("getAmendmentImpact").AllowAnonymous()
            .WithSummary("Impact before the decision: stored checks and cases whose verdict or routing changes, areas per layer and county, indicators before and after, features newly overlapped");
        group.MapPost("/{amendmentId}/submit", Submit).WithName("submitAmendment").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The proposer submits a draft: public notice starts and the case opens").Accepts<AmendmentNoteRequest>("application/json");
        group.MapPost("/{amendmentId}/withdraw", Withdraw).WithName("withdrawAmendment").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The proposer withdraws the amendment (and its case)").Accepts<AmendmentNoteRequest>("application/json");
        group.MapPost("/{amendmentId}/comments", Comment).WithName("commentOnAmendment").AllowAnonymous().RequireRateLimiting(RateLimits.AnonymousWrite)
            .WithSummary("Anyone comments during public notice: {text, geometry?}; shown after the coordination office accepts it")
            .Accepts<CommentRequest>("application/json");
        group.MapPost("/{amendmentId}/comments/{commentId}/moderation", Moderate).WithName("moderateComment").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The coordination office shows or refuses a comment: {decision: show|refuse, reason}").Accepts<ModerationRequest>("application/json");
        group.MapPost("/{amendmentId}/comments/{commentId}/answer", Answer).WithName("answerComment").RequireAuthorization(Policies.Reviewing)
            .WithSummary("The proposer or the coordination office answers a comment: {answer}").Accepts<AnswerRequest>("application/json");
        return app;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    private static ProblemHttpResult Unknown(string id) => Problems.NotFound("Unknown amendment", $"No amendment with id \"{id}\" exists that you may see.");

    private static ProblemHttpResult Invalid(string detail, string? where = null) => Problem(StatusCodes.Status422UnprocessableEntity, "Invalid amendment", detail,
        where is null ? null : new Dictionary<string, object?> { ["where"] = where });

    internal static async Task<Results<Created<AmendmentView>, ProblemHttpResult>> Propose(HttpRequest request, ClaimsPrincipal user, PlanCatalog catalog,
        IAmendmentStore amendments, SnapshotCache snapshots, CaseRulesCache rulesCache, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, MaxBodyBytes, ct, "Split the change set into several amendments.");
        if (problem is not null)
        {
            return problem;
        }

        using (body)
        {
            var actor = user.ToActor();
            var now = time.GetUtcNow();
            var (file, refused) = await ProposeAsync(body!.RootElement, actor, catalog.Store, amendments, (v, token) => SnapshotOfAsync(snapshots, catalog.Store, v, token),
                await rulesCache.GetAsync(ct), now, ct);
            return refused is not null ? refused
                : TypedResults.Created($"{Links.Base(request)}/amendments/{file!.Id}", AmendmentViews.Of(file, 1, actor, now, withChanges: true));
        }
    }

    /// <summary>
    /// Proposes an amendment from a request body and stores it (with its case unless it is a draft): the one path for
    /// the HTTP endpoint and the <c>amend propose</c> verb. A refusal writes nothing and says what and where.
    /// </summary>
    public static async Task<(AmendmentFile? File, ProblemHttpResult? Problem)> ProposeAsync(JsonElement root, Actor actor, IPlanStore store, IAmendmentStore amendments,
        Func<Core.Model.PlanVersion, CancellationToken, Task<PlanSnapshot>> snapshotOf, ApprovalRules approvalRules, DateTimeOffset now, CancellationToken ct)
    {
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var title = Text("title")?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200 || title.Any(char.IsControl))
        {
            return (null, Invalid("title: give the amendment a title of 1 to 200 characters without control characters.", "title"));
        }

        var rationale = Text("rationale")?.Trim();
        if (string.IsNullOrEmpty(rationale) || rationale.Length > 8000)
        {
            return (null, Invalid("rationale: say why the plan should change (1 to 8,000 characters); it is published with the notice.", "rationale"));
        }

        var baseId = Text("baseVersion");
        if (baseId is null)
        {
            return (null, Invalid("baseVersion: name the plan version the changes are made against (GET /versions lists them).", "baseVersion"));
        }

        var baseRecord = await store.GetVersionRecordAsync(baseId, ct);
        if (baseRecord is null)
        {
            return (null, Problem(StatusCodes.Status404NotFound, "Unknown base version", $"baseVersion: no plan version has id \"{(baseId.Length > 80 ? baseId[..80] : baseId)}\"; GET /versions lists them.",
                new Dictionary<string, object?> { ["where"] = "baseVersion" }));
        }

        var baseVersion = baseRecord.Version;
        if (!DateOnly.TryParseExact(Text("effectiveFrom"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var effective))
        {
            return (null, Invalid("effectiveFrom: give the date the amendment takes effect as YYYY-MM-DD.", "effectiveFrom"));
        }

        var newest = await store.GetCurrentVersionAsync(ct) ?? baseVersion;
        if (effective < baseVersion.EffectiveFrom || effective < newest.EffectiveFrom)
        {
            var floor = newest.EffectiveFrom > baseVersion.EffectiveFrom ? newest : baseVersion;
            return (null, Invalid($"effectiveFrom: {effective:yyyy-MM-dd} is before {floor.Id} takes effect ({floor.EffectiveFrom:yyyy-MM-dd}); versions take effect in the order they are published.", "effectiveFrom"));
        }

        if (!root.TryGetProperty("changes", out var changesElement))
        {
            return (null, Invalid("changes: send the change set as a list of {op, layer, featureId, feature}.", "changes"));
        }

        var id = AmendmentFile.NewId();
        var (set, changeProblem) = await ChangeSetRequest.ReadAsync(changesElement, id, title, rationale, store, baseVersion, ct);
        if (changeProblem is not null)
        {
            return (null, Problem(Problems.StatusOf(changeProblem.Kind), "Invalid change set", changeProblem.Message, new Dictionary<string, object?> { ["where"] = changeProblem.Where }));
        }

        // A base that is no longer the newest version is fine as long as nothing it changes moved since.
        if (newest.Sequence > baseVersion.Sequence && await MovedAsync(store, set!, baseVersion, ct) is { Count: > 0 } moved)
        {
            return (null, Problem(StatusCodes.Status409Conflict, "Stale base version",
                $"baseVersion: {baseVersion.Id} is not the newest version ({newest.Id}), and these features changed since: {string.Join(", ", moved)}; propose against {newest.Id}.",
                new Dictionary<string, object?> { ["where"] = "baseVersion", ["features"] = moved, ["newest"] = newest.Id }));
        }

        var snapshot = await snapshotOf(baseVersion, ct);
        var balance = await AmendmentBalance.EvaluateAsync(store, baseVersion, snapshot, set!, ct);
        var approvalRecords = await AccountValidation.RecordsAsync(store, baseVersion.Id, ApprovalRules.LayerId, ct);
        var amendmentRules = AmendmentRules.Read(approvalRecords);
        var draft = root.TryGetProperty("draft", out var d) && d.ValueKind == JsonValueKind.True;
        var file = new AmendmentFile(id, baseVersion.PlanId, baseVersion.Id, baseVersion.Sequence, title, rationale, effective,
            draft ? AmendmentStatus.Draft : AmendmentStatus.PublicNotice, actor.Name, null, now, now, null, set!.Stored, balance, [],
            [new AmendmentEvent(now, actor.Name, "proposed", $"{set.Changes.Count} changes against {baseVersion.Id}; balance {(AmendmentFileOk(balance) ? "holds" : "fails")}")]);
        var audit = new List<AuditRecord> { ProposedAudit(actor, file) };
        CaseFile? caseFile = null;
        if (!draft)
        {
            var (opened, refusal) = Open(file, set, snapshot, amendmentRules, approvalRules, actor, now);
            if (refusal is not null)
            {
                return (null, refusal);
            }

            (file, caseFile, _) = opened!.Value;
            audit.AddRange(opened.Value.Audit);
        }

        await amendments.CreateAmendmentAsync(file, caseFile, audit, ct);
        return (file, null);
    }

    private static bool AmendmentFileOk(JsonNode balance) => balance["ok"]?.GetValue<bool>() ?? false;

    private static AuditRecord ProposedAudit(Actor actor, AmendmentFile file) => new(actor.Name, "amendment.proposed", file.Id, new JsonObject
    {
        ["baseVersion"] = file.BaseVersion,
        ["effectiveFrom"] = file.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["changes"] = file.Changes.Count,
        ["balanceOk"] = file.BalanceOk,
        ["status"] = file.Status,
    }.ToJsonString());

    /// <summary>Opens the amendment's case and starts public notice.</summary>
    private static ((AmendmentFile File, CaseFile Case, IReadOnlyList<AuditRecord> Audit)? Opened, ProblemHttpResult? Refusal) Open(AmendmentFile file, CheckedChangeSet set,
        PlanSnapshot snapshot, AmendmentRules amendmentRules, ApprovalRules approvalRules, Actor actor, DateTimeOffset now)
    {
        var (verdict, rules, footprint) = AmendmentRouting.Route(set, snapshot, amendmentRules, approvalRules, file.BalanceOk);
        var change = CaseWorkflow.Open(CaseFile.NewId(), $"Amendment: {file.Title}", actor, new CheckedSubmission(file.Id, verdict, footprint, file.Rationale), rules, now);
        if (change.Refusal is { } refusal)
        {
            return (null, Problem(refusal.Kind == CaseRefusalKind.Forbidden ? 403 : 422, "Amendment cannot be routed", refusal.Message));
        }

        var noticeEnds = now.AddDays(amendmentRules.NoticeDays);
        var opened = file with
        {
            Status = AmendmentStatus.PublicNotice,
            CaseId = change.File!.Id,
            NoticeEndsAt = noticeEnds,
            UpdatedAt = now,
            Timeline = [.. file.Timeline, new AmendmentEvent(now, actor.Name, "public notice", $"notice until {noticeEnds:yyyy-MM-dd}; case {change.File.Id} routed to {change.File.Tasks.Count} tasks")],
        };
        return ((opened, change.File, change.Audit), null);
    }

    private static async Task<List<string>> MovedAsync(IPlanStore store, CheckedChangeSet set, Core.Model.PlanVersion baseVersion, CancellationToken ct)
    {
        var moved = new List<string>();
        foreach (var c in set.Changes)
        {
            var history = await store.GetFeatureHistoryAsync(baseVersion.PlanId, c.LayerId, c.FeatureId, ct);
            if (history.Any(h => h.Version.Sequence > baseVersion.Sequence))
            {
                moved.Add($"{c.LayerId}/{c.FeatureId}");
            }
        }

        return moved;
    }

    internal static async Task<PlanSnapshot> SnapshotOfAsync(SnapshotCache snapshots, IPlanStore store, Core.Model.PlanVersion version, CancellationToken ct) =>
        await snapshots.GetAsync(ct) is { } current && current.Version.Id == version.Id ? current : await PlanSnapshot.BuildAsync(store, version, ct);

    internal static async Task<Results<Ok<AmendmentList>, ProblemHttpResult>> List(ClaimsPrincipal user, IAmendmentStore amendments, TimeProvider time, int? limit,
        CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.BadRequest("Invalid limit", "limit must be a whole number from 1 to 1000.", "limit");
        }

        var actor = user.ToActor();
        var now = time.GetUtcNow();
        var list = await amendments.ListAmendmentsAsync(limit ?? 100, ct);
        return TypedResults.Ok(new AmendmentList([.. list.Where(a => AmendmentViews.CanSee(actor, a.File)).Select(a => AmendmentViews.Of(a.File, a.Version, actor, now, withChanges: false))]));
    }

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Get(string amendmentId, ClaimsPrincipal user, IAmendmentStore amendments, TimeProvider time,
        CancellationToken ct)
    {
        var actor = user.ToActor();
        var stored = await amendments.GetAmendmentAsync(amendmentId, ct);
        return stored is null || !AmendmentViews.CanSee(actor, stored.File)
            ? Unknown(amendmentId)
            : TypedResults.Ok(AmendmentViews.Of(stored.File, stored.Version, actor, time.GetUtcNow(), withChanges: true));
    }

    /// <summary>Reads, changes and writes an amendment under the version read, re-running the change when another writer got there first.</summary>
    private static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> UpdateAsync(string amendmentId, Actor actor, IAmendmentStore amendments, TimeProvider time,
        Func<StoredAmendment, DateTimeOffset, Task<(AmendmentFile? File, (CaseFile, long, bool)? Case, IReadOnlyList<AuditRecord> Audit, ProblemHttpResult? Problem)>> change,
        CancellationToken ct)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var stored = await amendments.GetAmendmentAsync(amendmentId, ct);
            if (stored is null || !AmendmentViews.CanSee(actor, stored.File))
            {
                return Unknown(amendmentId);
            }

            var now = time.GetUtcNow();
            var (file, caseFile, audit, problem) = await change(stored, now);
            if (problem is not null)
            {
                return problem;
            }

            try
            {
                var version = await amendments.UpdateAmendmentAsync(file!, stored.Version, caseFile, audit, ct);
                return TypedResults.Ok(AmendmentViews.Of(file!, version, actor, now, withChanges: true));
            }
            catch (StoreConflictException)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), ct);
            }
        }

        return Problem(StatusCodes.Status409Conflict, "Conflict", $"Amendment {amendmentId} is changing too fast to apply this; try again.");
    }

    private static (AmendmentFile?, (CaseFile, long, bool)?, IReadOnlyList<AuditRecord>, ProblemHttpResult?) Refuse(int status, string title, string detail) =>
        (null, null, [], Problem(status, title, detail));

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Comment(string amendmentId, HttpRequest request, ClaimsPrincipal user,
        IAmendmentStore amendments, PlanCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<CommentRequest>(request, 256 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        var text = body!.Text?.Trim();
        var limits = AmendmentRules.Read(await AccountValidation.RecordsAsync(catalog.Store, (await catalog.GetAsync(ct))?.Version.Id ?? "", ApprovalRules.LayerId, ct));
        if (string.IsNullOrEmpty(text) || text.Length > limits.MaxCommentChars || text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid comment",
                $"text: write 1 to {limits.MaxCommentChars} characters (no control characters); it was {(string.IsNullOrEmpty(text) ? "empty" : $"{text.Length} characters")}.",
                new Dictionary<string, object?> { ["where"] = "text" });
        }

        JsonNode? geometry = null;
        if (body.Geometry is { } g)
        {
            try
            {
                using var doc = JsonDocument.Parse(g.ToJsonString());
                var parsed = GeoJsonGeometry.Read(doc.RootElement);
                if (parsed is not (NetTopologySuite.Geometries.Point or NetTopologySuite.Geometries.Polygon) || !parsed.IsValid
                    || parsed.Coordinates.Any(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90) || parsed.NumPoints > 10_000)
                {
                    return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid comment", "geometry: give a valid Point or Polygon in lon/lat (at most 10,000 vertices), or leave it out.",
                        new Dictionary<string, object?> { ["where"] = "geometry" });
                }

                geometry = g.DeepClone();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException or OverflowException or GeoJsonFormatException or NotSupportedException)
            {
                return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid comment", $"geometry: cannot be read as GeoJSON: {e.Message}",
                    new Dictionary<string, object?> { ["where"] = "geometry" });
            }
        }

        return await UpdateAsync(amendmentId, actor, amendments, time, (stored, now) =>
        {
            var file = stored.File;
            if (file.StatusOn(now) != AmendmentStatus.PublicNotice)
            {
                return Task.FromResult(Refuse(StatusCodes.Status409Conflict, "Not in public notice",
                    $"amendment {file.Id} is {file.StatusOn(now)}; comments are taken during public notice only{(file.NoticeEndsAt is { } end ? $" (it ended {end:yyyy-MM-dd})" : "")}."));
            }

            if (file.Comments.Count >= 10_000)
            {
                return Task.FromResult(Refuse(StatusCodes.Status409Conflict, "Too many comments", $"amendment {file.Id} holds 10,000 comments, the most one notice keeps; write to the coordination office."));
            }

            var comment = new AmendmentComment($"c{file.Comments.Count + 1}", now, actor.Name, text, geometry, CommentStatus.Pending);
            var next = file with { Comments = [.. file.Comments, comment], UpdatedAt = now };
            return Task.FromResult<(AmendmentFile?, (CaseFile, long, bool)?, IReadOnlyList<AuditRecord>, ProblemHttpResult?)>((next, null,
                [new AuditRecord(actor.Name, "amendment.commented", file.Id, new JsonObject { ["comment"] = comment.Id, ["chars"] = text.Length, ["geometry"] = geometry is not null }.ToJsonString())],
                null));
        }, ct);
    }

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Moderate(string amendmentId, string commentId, HttpRequest request, ClaimsPrincipal user,
        IAmendmentStore amendments, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<ModerationRequest>(request, 64 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        if (!AmendmentViews.CanModerate(actor))
        {
            return Problem(StatusCodes.Status403Forbidden, "Not allowed", "only the coordination office and administrators moderate comments");
        }

        if (body!.Decision is not ("show" or "refuse"))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid moderation", $"decision: \"{body.Decision}\" is not show or refuse.");
        }

        if (body.Decision == "refuse" && string.IsNullOrWhiteSpace(body.Reason))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid moderation", "reason: say why the comment is refused (it stays in the record).");
        }

        return await UpdateAsync(amendmentId, actor, amendments, time, (stored, now) =>
        {
            var file = stored.File;
            var comment = file.Comments.FirstOrDefault(c => c.Id == commentId);
            if (comment is null)
            {
                return Task.FromResult(Refuse(StatusCodes.Status404NotFound, "Unknown comment", $"amendment {file.Id} has no comment \"{commentId}\""));
            }

            if (comment.Status != CommentStatus.Pending)
            {
                return Task.FromResult(Refuse(StatusCodes.Status409Conflict, "Already moderated", $"comment {commentId} was {comment.Status} by {comment.ModeratedBy} at {comment.ModeratedAt:u}"));
            }

            var status = body.Decision == "show" ? CommentStatus.Shown : CommentStatus.Refused;
            var moderated = comment with { Status = status, ModeratedBy = actor.Name, ModeratedAt = now, ModerationReason = body.Reason?.Trim() };
            var next = file with { Comments = [.. file.Comments.Select(c => c.Id == commentId ? moderated : c)], UpdatedAt = now };
            return Task.FromResult<(AmendmentFile?, (CaseFile, long, bool)?, IReadOnlyList<AuditRecord>, ProblemHttpResult?)>((next, null,
                [new AuditRecord(actor.Name, "amendment.comment-moderated", file.Id, new JsonObject { ["comment"] = commentId, ["status"] = status, ["reason"] = body.Reason }.ToJsonString())],
                null));
        }, ct);
    }

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Answer(string amendmentId, string commentId, HttpRequest request, ClaimsPrincipal user,
        IAmendmentStore amendments, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<AnswerRequest>(request, 64 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        var answer = body!.Answer?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > 8000)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Invalid answer", "answer: write 1 to 8,000 characters.");
        }

        return await UpdateAsync(amendmentId, actor, amendments, time, (stored, now) =>
        {
            var file = stored.File;
            if (!AmendmentViews.CanAnswer(actor, file))
            {
                return Task.FromResult(Refuse(StatusCodes.Status403Forbidden, "Not allowed", $"only the proposer of {file.Id} ({file.Proposer}) or the coordination office answers its comments"));
            }

            var comment = file.Comments.FirstOrDefault(c => c.Id == commentId);
            if (comment is null)
            {
                return Task.FromResult(Refuse(StatusCodes.Status404NotFound, "Unknown comment", $"amendment {file.Id} has no comment \"{commentId}\""));
            }

            if (comment.Answer is not null)
            {
                return Task.FromResult(Refuse(StatusCodes.Status409Conflict, "Already answered", $"comment {commentId} was answered by {comment.AnsweredBy} at {comment.AnsweredAt:u}"));
            }

            var answered = comment with { Answer = answer, AnsweredBy = actor.Name, AnsweredAt = now };
            var next = file with { Comments = [.. file.Comments.Select(c => c.Id == commentId ? answered : c)], UpdatedAt = now };
            return Task.FromResult<(AmendmentFile?, (CaseFile, long, bool)?, IReadOnlyList<AuditRecord>, ProblemHttpResult?)>((next, null,
                [new AuditRecord(actor.Name, "amendment.comment-answered", file.Id, new JsonObject { ["comment"] = commentId, ["chars"] = answer.Length }.ToJsonString())], null));
        }, ct);
    }

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Withdraw(string amendmentId, HttpRequest request, ClaimsPrincipal user,
        IAmendmentStore amendments, ICaseStore cases, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestJson.ReadAsync<AmendmentNoteRequest>(request, 64 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        return await UpdateAsync(amendmentId, actor, amendments, time, async (stored, now) =>
        {
            var file = stored.File;
            if (file.Proposer != actor.Name)
            {
                return Refuse(StatusCodes.Status403Forbidden, "Not allowed", $"only the proposer of {file.Id} ({file.Proposer}) may withdraw it");
            }

            if (file.IsClosed)
            {
                return Refuse(StatusCodes.Status409Conflict, "Amendment closed", $"amendment {file.Id} is {file.Status}; it can no longer be withdrawn");
            }

            (CaseFile, long, bool)? caseWrite = null;
            var audit = new List<AuditRecord>();
            if (file.CaseId is { } caseId && await cases.GetCaseAsync(caseId, ct) is { } c)
            {
                var change = CaseWorkflow.Withdraw(c.File, actor, body!.Reason, now);
                if (change.Refusal is { } refusal)
                {
                    return Refuse(StatusCodes.Status409Conflict, "Cannot withdraw", refusal.Message);
                }

                caseWrite = (change.File!, c.Version, false);
                audit.AddRange(change.Audit);
            }

            var next = file with
            {
                Status = AmendmentStatus.Withdrawn,
                UpdatedAt = now,
                Timeline = [.. file.Timeline, new AmendmentEvent(now, actor.Name, "withdrawn", body!.Reason?.Trim() ?? "")],
            };
            audit.Add(new AuditRecord(actor.Name, "amendment.withdrawn", file.Id, new JsonObject { ["reason"] = body.Reason }.ToJsonString()));
            return (next, caseWrite, audit, null);
        }, ct);
    }

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> Submit(string amendmentId, HttpRequest request, ClaimsPrincipal user,
        IAmendmentStore amendments, PlanCatalog catalog, SnapshotCache snapshots, CaseRulesCache rulesCache, TimeProvider time, CancellationToken ct)
    {
        var (_, problem) = await RequestJson.ReadAsync<AmendmentNoteRequest>(request, 64 * 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        var actor = user.ToActor();
        var store = catalog.Store;
        return await UpdateAsync(amendmentId, actor, amendments, time, async (stored, now) =>
        {
            var file = stored.File;
            if (file.Proposer != actor.Name)
            {
                return Refuse(StatusCodes.Status403Forbidden, "Not allowed", $"only the proposer of {file.Id} ({file.Proposer}) may submit it");
            }

            if (file.Status != AmendmentStatus.Draft)
            {
                return Refuse(StatusCodes.Status409Conflict, "Not a draft", $"amendment {file.Id} is {file.StatusOn(now)}; only a draft is submitted");
            }

            var baseVersion = (await store.GetVersionRecordAsync(file.BaseVersion, ct))!.Version;
            using var doc = JsonDocument.Parse(file.Changes.ToJsonString());
            var (set, changeProblem) = await ChangeSetRequest.ReadAsync(doc.RootElement, file.Id, file.Title, file.Rationale, store, baseVersion, ct);
            if (changeProblem is not null)
            {
                return Refuse(Problems.StatusOf(changeProblem.Kind), "Invalid change set", changeProblem.Message);
            }

            var snapshot = await SnapshotOfAsync(snapshots, store, baseVersion, ct);
            var amendmentRules = AmendmentRules.Read(await AccountValidation.RecordsAsync(store, baseVersion.Id, ApprovalRules.LayerId, ct));
            var (opened, refusal) = Open(file, set!, snapshot, amendmentRules, await rulesCache.GetAsync(ct), actor, now);
            if (refusal is not null)
            {
                return (null, null, [], refusal);
            }

            var audit = new List<AuditRecord>(opened!.Value.Audit) { new(actor.Name, "amendment.submitted", file.Id, "{}") };
            return (opened.Value.File, (opened.Value.Case, 0, true), audit, null);
        }, ct);
    }
}
