namespace Metrocircle.Core.Collaboration;

/// <summary>A field of a progress update and what is wrong with it.</summary>
public sealed record ProgressProblem(string Field, string Message);

/// <summary>
/// Checks a progress update against its task before anything is stored; the web API and the store's callers share it,
/// so both refuse the same things with the same words.
/// </summary>
public static class ProgressValidator
{
    public const int MaxNoteLength = 4000;
    public const int MaxEvidenceItems = 20;
    public const int MaxEvidenceLength = 2000;

    /// <summary>
    /// The latest date a report may carry: the calendar day already begun somewhere on Earth (UTC+14), so a reporter
    /// east of the server is not refused for writing their own today.
    /// </summary>
    public static DateOnly LatestAllowedDate(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime.AddHours(14));

    /// <summary>Every problem of <paramref name="update"/> (the task is known), empty when it may be stored.</summary>
    public static IReadOnlyList<ProgressProblem> Validate(CollaborationTask task, ProgressUpdate update, DateOnly latestAllowed)
    {
        var problems = new List<ProgressProblem>();
        if (update.MilestoneId is { } milestone && task.FindMilestone(milestone) is null)
        {
            problems.Add(new("milestone", task.Milestones.Count == 0
                ? $"task {task.Id} has no milestones; leave \"milestone\" out to report on the task as a whole"
                : $"task {task.Id} has no milestone \"{milestone}\"; its milestones are {string.Join(", ", task.Milestones.Select(m => m.Id))}"));
        }

        if (update.MilestoneId is null && update.Status == ProgressStatus.Done && task.Milestones.Count > 0)
        {
            // A task with milestones is done when each of them is; a bare "done" would say nothing about which.
            problems.Add(new("milestone", $"task {task.Id} is done when each of its milestones is; report done on a milestone ({string.Join(", ", task.Milestones.Select(m => m.Id))})"));
        }

        if (update.Percent is { } percent && (percent < 0 || percent > 100))
        {
            problems.Add(new("percent", $"percent {percent} is outside 0–100"));
        }

        if (update.Status == ProgressStatus.Done && update.Percent is { } p && p != 100)
        {
            problems.Add(new("percent", $"status done with percent {p} contradicts itself; give 100 or leave percent out"));
        }

        if (string.IsNullOrWhiteSpace(update.Note))
        {
            problems.Add(new("note", "note is empty; say what was done or what blocks the work"));
        }
        else if (update.Note.Length > MaxNoteLength)
        {
            problems.Add(new("note", $"note has {update.Note.Length} characters; at most {MaxNoteLength} are kept"));
        }

        if (update.At > latestAllowed)
        {
            problems.Add(new("at", $"at {update.At:yyyy-MM-dd} is in the future; report progress that has happened"));
        }

        if (update.Evidence.Count > MaxEvidenceItems)
        {
            problems.Add(new("evidence", $"{update.Evidence.Count} evidence items; at most {MaxEvidenceItems}"));
        }

        foreach (var (item, i) in update.Evidence.Select((e, i) => (e, i)))
        {
            if (string.IsNullOrWhiteSpace(item))
            {
                problems.Add(new($"evidence[{i}]", "evidence item is empty; give a link or a short text"));
            }
            else if (item.Length > MaxEvidenceLength)
            {
                problems.Add(new($"evidence[{i}]", $"evidence item has {item.Length} characters; at most {MaxEvidenceLength}"));
            }
        }

        if (string.IsNullOrWhiteSpace(update.Actor))
        {
            problems.Add(new("actor", "the update names nobody as its author"));
        }

        return problems;
    }
}
