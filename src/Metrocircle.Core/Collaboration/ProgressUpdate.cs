namespace Metrocircle.Core.Collaboration;

/// <summary>What a progress update reports of a task or one of its milestones.</summary>
public enum ProgressStatus
{
    InProgress,
    Done,
    Blocked,
}

public static class ProgressStatuses
{
    public static IReadOnlyList<ProgressStatus> All { get; } = Enum.GetValues<ProgressStatus>();

    public static string Name(ProgressStatus status) => status switch
    {
        ProgressStatus.InProgress => "in-progress",
        ProgressStatus.Done => "done",
        ProgressStatus.Blocked => "blocked",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out ProgressStatus status)
    {
        foreach (var s in All)
        {
            if (string.Equals(Name(s), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = s;
                return true;
            }
        }

        status = default;
        return false;
    }

    public static string List => string.Join(", ", All.Select(Name));
}

/// <summary>
/// A dated report of progress on a task, or on one milestone of it, with the evidence that backs it (links or text).
/// Updates are facts over time, not plan content: they are appended, never edited, and outlive plan versions.
/// <see cref="At"/> is the day the reported state held; <see cref="RecordedAt"/> is when the store took it.
/// </summary>
public sealed record ProgressUpdate(
    string TaskId,
    string? MilestoneId,
    DateOnly At,
    string Actor,
    ProgressStatus Status,
    int? Percent,
    string Note,
    IReadOnlyList<string> Evidence,
    long Sequence = 0,
    DateTimeOffset RecordedAt = default);
