using System.Globalization;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Model;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>
/// The body of <c>POST /tasks/{taskId}/progress</c> as the document declares it; <see cref="ProgressRequest"/> reads it
/// field by field so that every wrong field is reported at once.
/// </summary>
public sealed record ProgressRequestBody(string Status, string Note, string? Milestone = null, string? At = null, int? Percent = null, IReadOnlyList<string>? Evidence = null);

/// <summary>A milestone judged on the day asked for; <see cref="DaysOverdue"/> only when overdue, <see cref="DoneLate"/> only when done.</summary>
public sealed record MilestoneView(string Id, string Title, string? Due, string? DueCertainty, string? DueBasis, string Status, int? DaysOverdue, bool? DoneLate);

/// <summary>A progress update as stored (days as yyyy-MM-dd).</summary>
public sealed record ProgressView(long Sequence, string Task, string? Milestone, string At, string Actor, string Status, int? Percent, string Note,
    IReadOnlyList<string> Evidence, string? RecordedAt);

/// <summary>A task with its state on the day asked for.</summary>
public sealed record TaskSummary(string Id, string NameZh, string NameEn, string Dimension, string Lead, IReadOnlyList<string> Supporting, string Status,
    int? Percent, bool Blocked, IReadOnlyList<MilestoneView> Milestones, ProgressView? LastUpdate, string Certainty, string Source, string? Basis);

/// <summary>A place of the plan a task concerns, linked to its feature.</summary>
public sealed record TaskPlace(string Layer, string FeatureId, string Href);

/// <summary>An indicator a task serves, linked.</summary>
public sealed record TaskIndicator(string Id, string Href);

/// <summary>One task: its summary, description, places, indicators, plan articles and every progress update.</summary>
public sealed record TaskDetail(string Id, string NameZh, string NameEn, string Dimension, string Lead, IReadOnlyList<string> Supporting, string Status,
    int? Percent, bool Blocked, IReadOnlyList<MilestoneView> Milestones, ProgressView? LastUpdate, string Certainty, string Source, string? Basis,
    string? Description, IReadOnlyList<TaskPlace> Places, IReadOnlyList<TaskIndicator> Indicators, IReadOnlyList<string> Articles,
    IReadOnlyList<ProgressView> Timeline, string PlanVersion, string AsOf);

/// <summary>An overdue milestone, with a sentence that says whose and how late.</summary>
public sealed record TaskWarning(string Task, string TaskNameEn, string Dimension, string Lead, IReadOnlyList<string> Supporting, string Milestone,
    string Title, string Due, string DueCertainty, int DaysOverdue, string Message);

/// <summary>The answer of <c>GET /tasks</c>.</summary>
public sealed record TaskList(string PlanVersion, string AsOf, IReadOnlyList<TaskSummary> Tasks);

/// <summary>The answer of <c>GET /tasks/warnings</c>.</summary>
public sealed record TaskWarnings(string PlanVersion, string AsOf, string? Jurisdiction, IReadOnlyList<TaskWarning> Warnings);

/// <summary>The wire shapes of tasks, milestones, progress updates and warnings, one place so that every endpoint writes them alike.</summary>
internal static class TaskViews
{
    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TaskSummary Summary(TaskEvaluation e) => new(e.Task.Id, e.Task.NameZh, e.Task.NameEn, TaskDimensions.Name(e.Task.Dimension), e.Task.Lead,
        e.Task.Supporting, TaskEvaluator.Name(e.State), e.Percent, e.Blocked, [.. e.Milestones.Select(Milestone)], e.LastUpdate is { } u ? Update(u) : null,
        Provenance.ToText(e.Task.Provenance.Certainty), e.Task.Provenance.Source, e.Task.Provenance.Basis);

    public static TaskDetail Detail(TaskEvaluation e, string baseUrl, string planVersion, DateOnly asOf)
    {
        var s = Summary(e);
        return new TaskDetail(s.Id, s.NameZh, s.NameEn, s.Dimension, s.Lead, s.Supporting, s.Status, s.Percent, s.Blocked, s.Milestones, s.LastUpdate,
            s.Certainty, s.Source, s.Basis, e.Task.Description,
            [.. e.Task.Places.Select(p => new TaskPlace(p.Layer, p.FeatureId, $"{baseUrl}/collections/{Uri.EscapeDataString(p.Layer)}/items/{Uri.EscapeDataString(p.FeatureId)}"))],
            [.. e.Task.Indicators.Select(i => new TaskIndicator(i, $"{baseUrl}/indicators/{Uri.EscapeDataString(i)}"))],
            e.Task.Articles, [.. e.Timeline.Select(Update)], planVersion, Day(asOf));
    }

    public static MilestoneView Milestone(MilestoneEvaluation m) => new(m.Milestone.Id, m.Milestone.Title,
        m.Milestone.Due is { } due ? Day(due) : null,
        m.Milestone.Due is null ? null : Provenance.ToText(m.Milestone.DueCertainty),
        m.Milestone.DueBasis,
        TaskEvaluator.Name(m.State),
        m.State == MilestoneState.Overdue ? m.DaysOverdue : null,
        m.State == MilestoneState.Done ? m.DoneLate : null);

    public static ProgressView Update(ProgressUpdate u) => new(u.Sequence, u.TaskId, u.MilestoneId, Day(u.At), u.Actor, ProgressStatuses.Name(u.Status),
        u.Percent, u.Note, u.Evidence, u.RecordedAt == default ? null : u.RecordedAt.ToString("O", CultureInfo.InvariantCulture));

    public static TaskWarning Warning(OverdueWarning w) => new(w.Task.Id, w.Task.NameEn, TaskDimensions.Name(w.Task.Dimension), w.Task.Lead,
        w.Task.Supporting, w.Milestone.Id, w.Milestone.Title, Day(w.Due), Provenance.ToText(w.Milestone.DueCertainty), w.DaysOverdue, w.Message);
}
