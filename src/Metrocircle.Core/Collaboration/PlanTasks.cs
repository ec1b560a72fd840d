using Metrocircle.Core.Access;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Collaboration;

/// <summary>
/// The collaboration tasks of one plan version with the province each city belongs to, so that a filter or a reviewer
/// for a province also covers the tasks of its cities.
/// </summary>
public sealed class PlanTasks
{
    private readonly Dictionary<string, CollaborationTask> _byId;
    private readonly IReadOnlyDictionary<string, string> _parentOf;

    public PlanTasks(PlanVersion version, IReadOnlyList<CollaborationTask> tasks, IReadOnlyDictionary<string, string> parentOf, IReadOnlySet<string>? jurisdictions = null)
    {
        Version = version;
        Tasks = tasks;
        _byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _parentOf = parentOf;
        Jurisdictions = jurisdictions ?? tasks.SelectMany(t => t.Jurisdictions).Concat(parentOf.Keys).Concat(parentOf.Values).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The ids a jurisdiction filter may name: the version's provinces and cities.</summary>
    public IReadOnlySet<string> Jurisdictions { get; }

    public PlanVersion Version { get; }

    public IReadOnlyList<CollaborationTask> Tasks { get; }

    public CollaborationTask? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The jurisdictions that contain <paramref name="jurisdiction"/> (a city's province), nearest first.</summary>
    public IReadOnlyList<string> ParentsOf(string jurisdiction)
    {
        var result = new List<string>();
        for (var j = jurisdiction; _parentOf.TryGetValue(j, out var parent) && !result.Contains(parent); j = parent)
        {
            result.Add(parent);
        }

        return result;
    }

    /// <summary>Whether <paramref name="jurisdiction"/> leads or supports the task, itself or through one of its cities.</summary>
    public bool Involves(CollaborationTask task, string jurisdiction) =>
        task.Jurisdictions.Any(j => string.Equals(j, jurisdiction, StringComparison.Ordinal) || ParentsOf(j).Contains(jurisdiction, StringComparer.Ordinal));

    /// <summary>The evaluations that match every filter given (a null filter matches all).</summary>
    public IReadOnlyList<TaskEvaluation> Filter(IEnumerable<TaskEvaluation> evaluations, TaskDimension? dimension = null, string? jurisdiction = null, TaskState? state = null) =>
    [
        .. evaluations.Where(e => (dimension is null || e.Task.Dimension == dimension)
            && (jurisdiction is null || Involves(e.Task, jurisdiction))
            && (state is null || e.State == state)),
    ];

    /// <summary>
    /// Whether <paramref name="actor"/> may report progress on the task: region-wide roles always, a reviewer when they
    /// act for the lead or a supporting jurisdiction (a province's reviewer also for its cities).
    /// </summary>
    public bool MayReport(Actor actor, CollaborationTask task) => task.Jurisdictions.Any(j => actor.ActsFor(j, ParentsOf(j)));

    public static async Task<PlanTasks> LoadAsync(IPlanStore store, PlanVersion version, CancellationToken ct)
    {
        var records = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync(version.Id, TaskCatalog.LayerId, ct))
        {
            records.Add(f);
        }

        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        var jurisdictions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in TaskCatalog.JurisdictionLayers)
        {
            await foreach (var f in store.StreamFeaturesAsync(version.Id, layer, ct))
            {
                jurisdictions.Add(f.Id);
                if (f.Properties["parent"]?.GetValue<string>() is { Length: > 0 } parent)
                {
                    parents[f.Id] = parent;
                }
            }
        }

        return new PlanTasks(version, TaskCatalog.Read(records), parents, jurisdictions);
    }
}
