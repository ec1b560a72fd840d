namespace Metrocircle.Core.Model;

/// <summary>A plan: the document whose versions hold the layers.</summary>
public sealed record Plan(string Id, string TitleZh, string TitleEn, string Description);

/// <summary>
/// One published state of a plan. Versions of a plan are ordered by <see cref="Sequence"/>;
/// a feature row is visible in every version from the one that wrote it until the one that replaced it.
/// </summary>
public sealed record PlanVersion(
    string Id,
    string PlanId,
    int Sequence,
    string Label,
    DateOnly EffectiveFrom,
    DateTimeOffset PublishedAt);
