using Metrocircle.Core.Model;

namespace Metrocircle.Core.Collaboration;

/// <summary>The fields of collaboration the plan names; a task belongs to exactly one.</summary>
public enum TaskDimension
{
    Innovation,
    Industry,
    Transport,
    Ecology,
    PublicServices,
    Culture,
    Safety,
}

/// <summary>The wire names of dimensions (kebab-case, as in the layer file, the API and the CLI).</summary>
public static class TaskDimensions
{
    public static IReadOnlyList<TaskDimension> All { get; } = Enum.GetValues<TaskDimension>();

    public static string Name(TaskDimension dimension) => dimension switch
    {
        TaskDimension.Innovation => "innovation",
        TaskDimension.Industry => "industry",
        TaskDimension.Transport => "transport",
        TaskDimension.Ecology => "ecology",
        TaskDimension.PublicServices => "public-services",
        TaskDimension.Culture => "culture",
        TaskDimension.Safety => "safety",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };

    public static bool TryParse(string? text, out TaskDimension dimension)
    {
        foreach (var d in All)
        {
            if (string.Equals(Name(d), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                dimension = d;
                return true;
            }
        }

        dimension = default;
        return false;
    }

    public static string List => string.Join(", ", All.Select(Name));
}

/// <summary>A feature of one of the plan's layers that a task concerns.</summary>
public sealed record PlaceLink(string Layer, string FeatureId)
{
    public override string ToString() => $"{Layer}/{FeatureId}";
}

/// <summary>
/// A step of a task. <see cref="Due"/> is empty when the sources give no date; a date the sources give only as a year,
/// or not at all, is <see cref="Certainty.Indicative"/> and <see cref="DueBasis"/> says what it rests on.
/// </summary>
public sealed record Milestone(string Id, string Title, DateOnly? Due, Certainty DueCertainty = Certainty.Confirmed, string? DueBasis = null);

/// <summary>
/// A collaboration task of the plan: what is to be done together, in which dimension, led by one jurisdiction and
/// supported by others (ids of the plan's province or city features), where (links to features of the plan's layers),
/// measured by which indicators, resting on which parts of the plan, and in which steps.
/// </summary>
public sealed record CollaborationTask(
    string Id,
    string NameZh,
    string NameEn,
    TaskDimension Dimension,
    string Lead,
    IReadOnlyList<string> Supporting,
    IReadOnlyList<PlaceLink> Places,
    IReadOnlyList<string> Indicators,
    IReadOnlyList<string> Articles,
    IReadOnlyList<Milestone> Milestones,
    Provenance Provenance,
    string? Description = null)
{
    /// <summary>The lead first, then the supporting jurisdictions.</summary>
    public IEnumerable<string> Jurisdictions => Supporting.Prepend(Lead);

    public Milestone? FindMilestone(string id) => Milestones.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));
}
