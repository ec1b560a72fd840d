namespace Metrocircle.Core.Collaboration;

/// <summary>Where a milestone stands on a date.</summary>
public enum MilestoneState
{
    /// <summary>Its latest update by the date says done.</summary>
    Done,

    /// <summary>Reported on, not done, and not past its due date (or it has none).</summary>
    InProgress,

    /// <summary>Past its due date and not done; the day it is due is not yet overdue.</summary>
    Overdue,

    /// <summary>Nothing reported yet and not past its due date.</summary>
    Upcoming,
}

/// <summary>Where a task stands on a date.</summary>
public enum TaskState
{
    OnTrack,
    Overdue,
    Done,
}

public sealed record MilestoneEvaluation(Milestone Milestone, MilestoneState State, ProgressUpdate? Latest, int DaysOverdue, bool DoneLate);

public sealed record TaskEvaluation(
    CollaborationTask Task,
    DateOnly AsOf,
    TaskState State,
    IReadOnlyList<MilestoneEvaluation> Milestones,
    IReadOnlyList<ProgressUpdate> Timeline,
    int? Percent,
    bool Blocked)
{
    public ProgressUpdate? LastUpdate => Timeline.Count == 0 ? null : Timeline[^1];
}

/// <summary>A milestone past its due date and not done, for the jurisdictions of its task to act on.</summary>
public sealed record OverdueWarning(CollaborationTask Task, Milestone Milestone, DateOnly Due, int DaysOverdue, DateOnly AsOf)
{
    public string Message =>
        $"{Task.NameEn}: milestone \"{Milestone.Title}\" was due {Due:yyyy-MM-dd}{(Milestone.DueCertainty == Model.Certainty.Indicative ? " (indicative date)" : "")} and is {DaysOverdue} day{(DaysOverdue == 1 ? "" : "s")} overdue as of {AsOf:yyyy-MM-dd}; lead {Task.Lead}";
}

/// <summary>
/// Judges tasks on a date from their progress updates. Only updates dated on or before that date count, so a past
/// date reads as it stood then; the latest update of a milestone decides it, so a later report can reopen one.
/// </summary>
public static class TaskEvaluator
{
    public static string Name(MilestoneState state) => state switch
    {
        MilestoneState.Done => "done",
        MilestoneState.InProgress => "in-progress",
        MilestoneState.Overdue => "overdue",
        MilestoneState.Upcoming => "upcoming",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static string Name(TaskState state) => state switch
    {
        TaskState.OnTrack => "on-track",
        TaskState.Overdue => "overdue",
        TaskState.Done => "done",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? text, out TaskState state)
    {
        foreach (var s in Enum.GetValues<TaskState>())
        {
            if (string.Equals(Name(s), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static string TaskStates => string.Join(", ", Enum.GetValues<TaskState>().Select(Name));

    /// <summary>One task on <paramref name="asOf"/>; <paramref name="updates"/> may hold other tasks' updates, which are ignored.</summary>
    public static TaskEvaluation Evaluate(CollaborationTask task, IEnumerable<ProgressUpdate> updates, DateOnly asOf)
    {
        var timeline = updates.Where(u => u.TaskId == task.Id && u.At <= asOf).OrderBy(u => u.At).ThenBy(u => u.Sequence).ToList();
        var milestones = new List<MilestoneEvaluation>();
        foreach (var m in task.Milestones)
        {
            var latest = timeline.LastOrDefault(u => u.MilestoneId == m.Id);
            if (latest?.Status == ProgressStatus.Done)
            {
                milestones.Add(new(m, MilestoneState.Done, latest, 0, m.Due is { } due && latest.At > due));
            }
            else if (m.Due is { } due && due < asOf)
            {
                milestones.Add(new(m, MilestoneState.Overdue, latest, asOf.DayNumber - due.DayNumber, false));
            }
            else
            {
                milestones.Add(new(m, latest is null ? MilestoneState.Upcoming : MilestoneState.InProgress, latest, 0, false));
            }
        }

        var taskLevel = timeline.LastOrDefault(u => u.MilestoneId is null);
        var state = task.Milestones.Count == 0
            ? taskLevel?.Status == ProgressStatus.Done ? TaskState.Done : TaskState.OnTrack
            : milestones.All(m => m.State == MilestoneState.Done) ? TaskState.Done
            : milestones.Any(m => m.State == MilestoneState.Overdue) ? TaskState.Overdue
            : TaskState.OnTrack;
        int? percent = state == TaskState.Done ? 100
            : timeline.LastOrDefault(u => u.MilestoneId is null && u.Percent is not null)?.Percent
              ?? (task.Milestones.Count > 0 ? (int)Math.Round(100.0 * milestones.Count(m => m.State == MilestoneState.Done) / task.Milestones.Count) : null);

        // Blocked while the newest word on anything still open says so.
        var blocked = state != TaskState.Done
            && (taskLevel?.Status == ProgressStatus.Blocked || milestones.Any(m => m.State != MilestoneState.Done && m.Latest?.Status == ProgressStatus.Blocked));
        return new TaskEvaluation(task, asOf, state, milestones, timeline, percent, blocked);
    }

    public static IReadOnlyList<TaskEvaluation> EvaluateAll(IEnumerable<CollaborationTask> tasks, IReadOnlyList<ProgressUpdate> updates, DateOnly asOf)
    {
        var byTask = updates.ToLookup(u => u.TaskId, StringComparer.Ordinal);
        return [.. tasks.Select(t => Evaluate(t, byTask[t.Id], asOf))];
    }

    /// <summary>Every overdue milestone, the most recently due first (then by task and milestone id, for a stable order).</summary>
    public static IReadOnlyList<OverdueWarning> Warnings(IEnumerable<TaskEvaluation> evaluations) =>
    [
        .. evaluations
            .SelectMany(e => e.Milestones.Where(m => m.State == MilestoneState.Overdue).Select(m => new OverdueWarning(e.Task, m.Milestone, m.Milestone.Due!.Value, m.DaysOverdue, e.AsOf)))
            .OrderByDescending(w => w.Due)
            .ThenBy(w => w.Task.Id, StringComparer.Ordinal)
            .ThenBy(w => w.Milestone.Id, StringComparer.Ordinal),
    ];
}
