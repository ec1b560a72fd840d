using System.Globalization;
using System.Net;
using System.Text;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>What the health check needs to report on the tasks: the catalogue, every progress update, and the day to judge on.</summary>
public sealed record TaskHealthInput(PlanTasks Tasks, IReadOnlyList<ProgressUpdate> Progress, DateOnly AsOf)
{
    /// <summary>
    /// The last day of <paramref name="year"/>, or today while that year is not over, so that a report for the current
    /// year does not call overdue what is due later this year.
    /// </summary>
    public static DateOnly AsOfFor(int year, DateOnly today) => new[] { new DateOnly(year, 12, 31), today }.Min();
}

/// <summary>
/// The "Collaboration tasks" section of the annual health check: tasks grouped by the strategic role they serve (in the
/// plan's order, with each role's counts by state; by dimension when the plan defines no roles), their status, and the
/// overdue warnings.
/// </summary>
public static class TaskHealthSection
{
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string Badge(string name, string css) => $"<span class=\"status {css}\">{E(name)}</span>";

    private static string Badge(TaskState s) => Badge(TaskEvaluator.Name(s), s switch { TaskState.Overdue => "off-track", TaskState.Done => "done", _ => "on-track" });

    public static void Render(StringBuilder html, TaskHealthInput? input, StrategicRoles? roles = null)
    {
        html.Append("<h2 id=\"tasks\">Collaboration tasks</h2>");
        if (input is null || input.Tasks.Tasks.Count == 0)
        {
            html.Append("<p>The plan version in force has no collaboration tasks.</p>");
            return;
        }

        var day = input.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var evaluations = TaskEvaluator.EvaluateAll(input.Tasks.Tasks, input.Progress, input.AsOf);
        html.Append(CultureInfo.InvariantCulture, $"""
            <p class="meta">Status as of {day}, from the progress reported up to that day. A milestone is overdue the day after its due date
            if it is not reported done; due dates marked indicative are the project's reading where the sources give only a year or none.</p>
            <p class="summary">
            """);
        foreach (var s in Enum.GetValues<TaskState>())
        {
            html.Append(CultureInfo.InvariantCulture, $"<span>{Badge(s)} {evaluations.Count(e => e.State == s)}</span>");
        }

        html.Append("</p>");
        if (roles is { Roles.Count: > 0 })
        {
            // Tasks whose role is not stated, or not one of the plan's, come last.
            string? RoleOf(TaskEvaluation e) => roles.TaskRoles.GetValueOrDefault(e.Task.Id);
            var byRole = evaluations.ToLookup(RoleOf);
            foreach (var role in roles.Roles.Where(r => byRole[r.Id].Any()))
            {
                var group = byRole[role.Id].ToList();
                html.Append(CultureInfo.InvariantCulture, $"<h3 id=\"tasks-role-{E(role.Id)}\">{E(role.NameZh)} · {E(role.NameEn)}</h3><p class=\"summary\">");
                foreach (var s in Enum.GetValues<TaskState>())
                {
                    html.Append(CultureInfo.InvariantCulture, $"<span>{Badge(s)} {group.Count(e => e.State == s)}</span>");
                }

                html.Append("</p>");
                Table(html, group, withDimension: true);
            }

            var known = roles.Roles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var unassigned = evaluations.Where(e => RoleOf(e) is not { } r || !known.Contains(r)).ToList();
            if (unassigned.Count > 0)
            {
                html.Append("<h3 id=\"tasks-role-none\">No strategic role stated</h3>");
                Table(html, unassigned, withDimension: true);
            }
        }
        else
        {
            foreach (var group in evaluations.GroupBy(e => e.Task.Dimension).OrderBy(g => g.Key))
            {
                html.Append(CultureInfo.InvariantCulture, $"<h3>{E(TaskDimensions.Name(group.Key))}</h3>");
                Table(html, [.. group], withDimension: false);
            }
        }

        var warnings = TaskEvaluator.Warnings(evaluations);
        html.Append(CultureInfo.InvariantCulture, $"<h3>Overdue milestones as of {day}</h3>");
        if (warnings.Count == 0)
        {
            html.Append("<p>No milestone is overdue.</p>");
            return;
        }

        html.Append("<table id=\"task-warnings\"><tr><th>Task</th><th>Milestone</th><th>Due</th><th>Days overdue</th><th>Lead</th><th>Supporting</th></tr>");
        foreach (var w in warnings)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{E(w.Task.NameEn)}<br><span class="meta">{E(w.Task.Id)}</span></td><td>{E(w.Milestone.Title)}</td>
                <td>{w.Due:yyyy-MM-dd}{(w.Milestone.DueCertainty == Certainty.Indicative ? " <span class=\"meta\">(indicative)</span>" : "")}</td>
                <td>{w.DaysOverdue}</td><td>{E(w.Task.Lead)}</td><td>{E(string.Join(", ", w.Task.Supporting))}</td></tr>
                """);
        }

        html.Append("</table>");
    }

    private static void Table(StringBuilder html, IReadOnlyList<TaskEvaluation> tasks, bool withDimension)
    {
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"tasks\"><tr><th>Task</th>{(withDimension ? "<th>Dimension</th>" : "")}<th>Lead</th><th>Supporting</th><th>Status</th><th>Milestones</th><th>Last update</th></tr>");
        foreach (var e in tasks)
        {
            var milestones = e.Milestones.Count == 0 ? "none" : string.Join("<br>", e.Milestones.Select(Milestone));
            var last = e.LastUpdate is { } u ? $"{u.At:yyyy-MM-dd} {E(ProgressStatuses.Name(u.Status))} by {E(u.Actor)}<br><span class=\"meta\">{E(u.Note)}</span>" : "none reported";
            var status = Badge(e.State) + (e.Percent is { } p ? $" {p}%" : "") + (e.Blocked ? " " + Badge("blocked", "at-risk") : "");
            var dimension = withDimension ? $"<td>{E(TaskDimensions.Name(e.Task.Dimension))}</td>" : "";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr id="task-{E(e.Task.Id)}"><td>{E(e.Task.NameZh)} · {E(e.Task.NameEn)}<br><span class="meta">{E(e.Task.Id)} · {E(Provenance.ToText(e.Task.Provenance.Certainty))}</span></td>{dimension}
                <td>{E(e.Task.Lead)}</td><td>{E(string.Join(", ", e.Task.Supporting))}</td><td>{status}</td><td>{milestones}</td><td>{last}</td></tr>
                """);
        }

        html.Append("</table>");
    }

    private static string Milestone(MilestoneEvaluation m)
    {
        var due = m.Milestone.Due is { } d
            ? $"due {d:yyyy-MM-dd}{(m.Milestone.DueCertainty == Certainty.Indicative ? " (indicative)" : "")}"
            : "no date";
        var css = m.State switch { MilestoneState.Overdue => "off-track", MilestoneState.Done => "done", MilestoneState.InProgress => "on-track", _ => "insufficient" };
        return $"{E(m.Milestone.Title)} {Badge(TaskEvaluator.Name(m.State), css)}{(m.DoneLate ? " late" : "")} <span class=\"meta\">{E(due)}</span>";
    }
}
