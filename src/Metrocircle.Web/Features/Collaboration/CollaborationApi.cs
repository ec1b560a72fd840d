using Metrocircle.Core.Audit;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>
/// Collaboration tasks between the plan's jurisdictions: the tasks of the version in force with the status of each
/// milestone on a date, one task with its progress timeline, the overdue warnings, and progress reports by the
/// jurisdictions that lead or support a task.
/// </summary>
public static class CollaborationApi
{
    /// <summary>A progress update is a note and a few links; anything bigger is a mistake.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCollaboration(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Collaboration");
        group.MapGet("/tasks", GetTasks).WithName("getTasks").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Collaboration tasks with the status of each milestone on a date; ?dimension=, ?jurisdiction= (lead or supporting), ?status= (on-track, overdue, done), ?asOf=YYYY-MM-DD");
        group.MapGet("/tasks/warnings", GetWarnings).WithName("getTaskWarnings").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Overdue milestones, the most recently due first; ?jurisdiction= (lead or supporting), ?asOf=YYYY-MM-DD");
        group.MapGet("/tasks/{taskId}", GetTask).WithName("getTask").RequireAuthorization(Policies.SignedIn)
            .WithSummary("One task: definition, linked places, indicators and plan articles, milestones with status, progress timeline");
        group.MapPost("/tasks/{taskId}/progress", PostProgress).WithName("postTaskProgress").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Report progress on a task or one of its milestones (JSON: milestone, at, status, percent, note, evidence); only for those acting for its lead or a supporting jurisdiction")
            .Accepts<ProgressRequestBody>("application/json");
        return app;
    }

    // A version's tasks and jurisdictions never change once published, and reading them means reading the province and
    // city polygons; so they are read once per store and version rather than on every request.
    private static readonly ConditionalWeakTable<IPlanStore, PlanTasks> Loaded = [];

    private static async Task<PlanTasks> TasksAsync(PlanCatalog catalog, Core.Model.PlanVersion version, CancellationToken ct)
    {
        if (Loaded.TryGetValue(catalog.Store, out var cached) && cached.Version.Id == version.Id)
        {
            return cached;
        }

        var tasks = await PlanTasks.LoadAsync(catalog.Store, version, ct);
        Loaded.AddOrUpdate(catalog.Store, tasks);
        return tasks;
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>The date to judge on: <paramref name="asOf"/> when given, else today (UTC).</summary>
    private static bool TryAsOf(string? asOf, TimeProvider time, out DateOnly date, out ProblemHttpResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(asOf))
        {
            date = Today(time);
            return true;
        }

        if (DateOnly.TryParseExact(asOf.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        problem = Problems.BadRequest("Invalid date", $"asOf \"{asOf}\" is not a date yyyy-MM-dd.", "asOf");
        return false;
    }

    private static ProblemHttpResult? CheckJurisdiction(PlanTasks tasks, string? jurisdiction) =>
        jurisdiction is null || tasks.Jurisdictions.Contains(jurisdiction)
            ? null
            : Problems.BadRequest("Unknown jurisdiction",
                $"Plan version {tasks.Version.Id} has no province or city \"{jurisdiction}\"; use one of {string.Join(", ", tasks.Jurisdictions.Order(StringComparer.Ordinal))}.", "jurisdiction");

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal static async Task<Results<Ok<TaskList>, ProblemHttpResult>> GetTasks(
        PlanCatalog catalog, JurisdictionCache jurisdictions, ICollaborationStore progress, TimeProvider time, string? dimension, string? jurisdiction, string? status, string? asOf, CancellationToken ct)
    {
        if (!TryAsOf(asOf, time, out var date, out var dateProblem))
        {
            return dateProblem!;
        }

        TaskDimension? dimensionFilter = null;
        if (Trimmed(dimension) is { } d)
        {
            if (!TaskDimensions.TryParse(d, out var parsed))
            {
                return Problems.BadRequest("Unknown dimension", $"dimension \"{d}\" is not one of {TaskDimensions.List}.", "dimension");
            }

            dimensionFilter = parsed;
        }

        TaskState? stateFilter = null;
        if (Trimmed(status) is { } s)
        {
            if (!TaskEvaluator.TryParse(s, out var parsed))
            {
                return Problems.BadRequest("Unknown status", $"status \"{s}\" is not one of {TaskEvaluator.TaskStates}.", "status");
            }

            stateFilter = parsed;
        }

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var tasks = await TasksAsync(catalog, view.Version, ct);
        var j = (await jurisdictions.GetAsync(ct)).ResolveOptional(Trimmed(jurisdiction));
        if (CheckJurisdiction(tasks, j) is { } problem)
        {
            return problem;
        }

        var updates = await progress.GetProgressAsync(null, ct);
        var selected = tasks.Filter(TaskEvaluator.EvaluateAll(tasks.Tasks, updates, date), dimensionFilter, j, stateFilter);
        return TypedResults.Ok(new TaskList(view.Version.Id, TaskViews.Day(date), [.. selected.Select(TaskViews.Summary)]));
    }

    internal static async Task<Results<Ok<TaskDetail>, ProblemHttpResult>> GetTask(
        string taskId, HttpRequest request, PlanCatalog catalog, ICollaborationStore progress, TimeProvider time, string? asOf, CancellationToken ct)
    {
        if (!TryAsOf(asOf, time, out var date, out var dateProblem))
        {
            return dateProblem!;
        }

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var tasks = await TasksAsync(catalog, view.Version, ct);
        if (tasks.Find(taskId) is not { } task)
        {
            return UnknownTask(tasks, taskId);
        }

        var updates = await progress.GetProgressAsync(task.Id, ct);
        return TypedResults.Ok(TaskViews.Detail(TaskEvaluator.Evaluate(task, updates, date), Links.Base(request), view.Version.Id, date));
    }

    internal static async Task<Results<Ok<TaskWarnings>, ProblemHttpResult>> GetWarnings(
        PlanCatalog catalog, JurisdictionCache jurisdictions, ICollaborationStore progress, TimeProvider time, string? jurisdiction, string? asOf, CancellationToken ct)
    {
        if (!TryAsOf(asOf, time, out var date, out var dateProblem))
        {
            return dateProblem!;
        }

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var tasks = await TasksAsync(catalog, view.Version, ct);
        var j = (await jurisdictions.GetAsync(ct)).ResolveOptional(Trimmed(jurisdiction));
        if (CheckJurisdiction(tasks, j) is { } problem)
        {
            return problem;
        }

        var updates = await progress.GetProgressAsync(null, ct);
        var warnings = TaskEvaluator.Warnings(tasks.Filter(TaskEvaluator.EvaluateAll(tasks.Tasks, updates, date), jurisdiction: j));
        return TypedResults.Ok(new TaskWarnings(view.Version.Id, TaskViews.Day(date), j, [.. warnings.Select(TaskViews.Warning)]));
    }

    internal static async Task<Results<Created<ProgressView>, ProblemHttpResult>> PostProgress(
        string taskId, HttpRequest request, ClaimsPrincipal user, PlanCatalog catalog, ICollaborationStore progress, TimeProvider time, CancellationToken ct)
    {
        var (body, seen) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem($"The body is {seen} bytes or more; a progress update takes at most {MaxBodyBytes}. Link to large evidence instead of including it.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        using var buffer = body;
        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }


        var tasks = await TasksAsync(catalog, view.Version, ct);
        if (tasks.Find(taskId) is not { } task)
        {
            return UnknownTask(tasks, taskId);
        }

        var actor = user.ToActor();
        if (!tasks.MayReport(actor, task))
        {
            return TypedResults.Problem(
                $"{actor.Name} does not act for {task.Lead} (lead) or {(task.Supporting.Count == 0 ? "any supporting jurisdiction" : string.Join(", ", task.Supporting))} (supporting), so cannot report on task {task.Id}.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not a party to this task");
        }

        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var (update, shapeProblems) = ProgressRequest.Parse(text, task.Id, actor.Name, Today(time));
        if (update is null)
        {
            return Invalid(StatusCodes.Status400BadRequest, task, shapeProblems);
        }

        var problems = ProgressValidator.Validate(task, update, ProgressValidator.LatestAllowedDate(time.GetUtcNow()));
        if (problems.Count > 0)
        {
            return Invalid(StatusCodes.Status422UnprocessableEntity, task, problems);
        }

        // The audit entry commits with the update, so the log and the timeline never disagree.
        var stored = await progress.AppendProgressAsync(update, u => new AuditRecord(actor.Name, "task.progress", task.Id, new JsonObject
        {
            ["sequence"] = u.Sequence,
            ["milestone"] = u.MilestoneId,
            ["at"] = u.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["status"] = ProgressStatuses.Name(u.Status),
            ["percent"] = u.Percent,
            ["planVersion"] = view.Version.Id,
        }.ToJsonString()), ct);
        return TypedResults.Created($"{Links.Base(request)}/tasks/{Uri.EscapeDataString(task.Id)}", TaskViews.Update(stored));
    }

    private static ProblemHttpResult UnknownTask(PlanTasks tasks, string taskId) => Problems.NotFound("Unknown task",
        $"Plan version {tasks.Version.Id} has no task \"{taskId}\"; GET /tasks lists them ({string.Join(", ", tasks.Tasks.Select(t => t.Id))}).");

    /// <summary>Shape problems are 400, problems of meaning 422; both list each field's messages as a validation problem does.</summary>
    private static ProblemHttpResult Invalid(int status, CollaborationTask task, IReadOnlyList<ProgressProblem> problems) => TypedResults.Problem(
        $"The progress update of task {task.Id} was not stored: {string.Join("; ", problems.Select(p => p.Message))}.",
        statusCode: status, title: "Invalid progress update",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = problems.GroupBy(p => p.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal),
        });
}
