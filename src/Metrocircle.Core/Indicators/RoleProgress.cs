using Metrocircle.Core.Collaboration;

namespace Metrocircle.Core.Indicators;

/// <summary>
/// How one strategic role is doing: its indicators by their worst evaluation (an indicator judged on track for one
/// milestone and off track for another counts as off track; one without targets is counted apart), and its tasks by
/// state. Tasks are counted only when their evaluations are given.
/// </summary>
public sealed record RoleProgress(
    StrategicRole Role,
    IReadOnlyList<string> Indicators,
    int OnTrack,
    int AtRisk,
    int OffTrack,
    int Insufficient,
    int WithoutTarget,
    IReadOnlyList<string> Tasks,
    int TasksDone,
    int TasksOverdue,
    int TasksOnTrack)
{
    /// <summary>One line a person reads: "3 indicators (1 on track, 1 at risk, 1 off track); 2 tasks (1 done, 1 overdue)".</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            void Add(int n, string what)
            {
                if (n > 0)
                {
                    parts.Add($"{n} {what}");
                }
            }

            Add(OnTrack, "on track");
            Add(AtRisk, "at risk");
            Add(OffTrack, "off track");
            Add(Insufficient, "too few observations");
            Add(WithoutTarget, "without target");
            var indicators = $"{Indicators.Count} indicator{(Indicators.Count == 1 ? "" : "s")}{(parts.Count > 0 ? $" ({string.Join(", ", parts)})" : "")}";
            var tasks = $"{Tasks.Count} task{(Tasks.Count == 1 ? "" : "s")} ({TasksDone} done, {TasksOverdue} overdue, {TasksOnTrack} on track)";
            return $"{indicators}; {tasks}";
        }
    }

    /// <summary>
    /// The progress of every role, in the order the roles are defined, then a role-less group ("unassigned") when an
    /// indicator or task names no role or one the version does not define (versions stored before roles existed).
    /// </summary>
    public static IReadOnlyList<RoleProgress> Summarise(StrategicRoles roles, IEnumerable<Indicator> indicators, IEnumerable<Evaluation> evaluations, IEnumerable<TaskEvaluation> tasks)
    {
        var defined = roles.Roles.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var worst = evaluations.GroupBy(e => e.IndicatorId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Status).Aggregate(Worse), StringComparer.Ordinal);
        var byRole = indicators.GroupBy(i => RoleOf(i.Role, defined), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var tasksByRole = tasks.GroupBy(t => RoleOf(roles.TaskRoles.GetValueOrDefault(t.Task.Id), defined), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var order = roles.Roles.Select(r => r.Id).ToList();
        if (byRole.ContainsKey(Unassigned.Id) || tasksByRole.ContainsKey(Unassigned.Id))
        {
            order.Add(Unassigned.Id);
        }

        return [.. order.Select(id =>
        {
            var own = byRole.GetValueOrDefault(id) ?? [];
            var ownTasks = tasksByRole.GetValueOrDefault(id) ?? [];
            int Count(TrajectoryStatus s) => own.Count(i => worst.TryGetValue(i.Id, out var w) && w == s);
            return new RoleProgress(defined.GetValueOrDefault(id) ?? Unassigned, [.. own.Select(i => i.Id)],
                Count(TrajectoryStatus.OnTrack), Count(TrajectoryStatus.AtRisk), Count(TrajectoryStatus.OffTrack), Count(TrajectoryStatus.Insufficient),
                own.Count(i => !worst.ContainsKey(i.Id)),
                [.. ownTasks.Select(t => t.Task.Id)], ownTasks.Count(t => t.State == TaskState.Done), ownTasks.Count(t => t.State == TaskState.Overdue),
                ownTasks.Count(t => t.State == TaskState.OnTrack));
        })];
    }

    /// <summary>The group of indicators and tasks that name no role the version defines.</summary>
    public static readonly StrategicRole Unassigned = new("unassigned", "未归属", "Not assigned to a role", "No role");

    private static string RoleOf(string? role, Dictionary<string, StrategicRole> defined) => role is not null && defined.ContainsKey(role) ? role : Unassigned.Id;

    /// <summary>Off track is worst, then at risk, then on track; too few observations only when nothing better is known.</summary>
    private static TrajectoryStatus Worse(TrajectoryStatus a, TrajectoryStatus b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(TrajectoryStatus s) => s switch
    {
        TrajectoryStatus.OffTrack => 3,
        TrajectoryStatus.AtRisk => 2,
        TrajectoryStatus.OnTrack => 1,
        _ => 0,
    };
}
