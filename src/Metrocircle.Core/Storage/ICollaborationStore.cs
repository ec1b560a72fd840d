using Metrocircle.Core.Audit;
using Metrocircle.Core.Collaboration;

namespace Metrocircle.Core.Storage;

/// <summary>
/// Progress updates of collaboration tasks: facts over time, appended and never edited, kept apart from plan versions
/// (a task keeps its history when a new version is published). The store checks what it can without the plan (note,
/// percent, status, evidence); the task and milestone are checked by <see cref="ProgressValidator"/> before the call.
/// </summary>
public interface ICollaborationStore
{
    /// <summary>
    /// Appends one update and returns it with its sequence number and the time it was recorded. When
    /// <paramref name="audit"/> is given, the audit entry it makes of the stored update commits in the same transaction,
    /// so the log never records progress that is not there, nor misses progress that is. A bad update is refused with
    /// <see cref="StoreException"/> and nothing is written.
    /// </summary>
    Task<ProgressUpdate> AppendProgressAsync(ProgressUpdate update, Func<ProgressUpdate, AuditRecord>? audit, CancellationToken ct);

    /// <summary>The updates of one task (or all when null), ordered by task, date and sequence.</summary>
    Task<IReadOnlyList<ProgressUpdate>> GetProgressAsync(string? taskId, CancellationToken ct);
}

/// <summary>Checks shared by the engines before they write an update.</summary>
public static class ProgressRows
{
    public static void Guard(ProgressUpdate update)
    {
        string? problem = update switch
        {
            { TaskId: null or "" } => "it names no task",
            { MilestoneId: "" } => "its milestone id is empty",
            { Actor: null or "" } => "it names no actor",
            { Percent: < 0 or > 100 } => $"percent {update.Percent} is outside 0–100",
            _ when string.IsNullOrWhiteSpace(update.Note) => "its note is empty",
            _ when update.Evidence.Any(string.IsNullOrWhiteSpace) => "an evidence item is empty",
            _ when !Enum.IsDefined(update.Status) => $"status {(int)update.Status} is unknown",
            _ => null,
        };
        if (problem is not null)
        {
            throw new StoreException($"a progress update of task {update.TaskId} was refused: {problem}; nothing was written");
        }
    }
}
