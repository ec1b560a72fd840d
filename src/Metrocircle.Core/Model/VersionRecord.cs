namespace Metrocircle.Core.Model;

/// <summary>What produced a plan version.</summary>
public static class VersionSource
{
    public const string Seed = "seed";
    public const string Import = "import";
    public const string Amendment = "amendment";
}

/// <summary>How many features of one layer a version added, changed (replaced under the same id) and retired.</summary>
public sealed record LayerChangeCount(string LayerId, int Added, int Changed, int Retired);

/// <summary>
/// A plan version with what produced it: <see cref="Source"/> is one of <see cref="VersionSource"/>; the amendment id
/// and rationale where there are any; the per-layer change counts, derived from the feature rows the version opened
/// and closed (so they hold for versions written before this record existed).
/// </summary>
public sealed record VersionRecord(PlanVersion Version, string Source, string? AmendmentId, string? Rationale, IReadOnlyList<LayerChangeCount> Changes);

/// <summary>One version in which a feature was added, changed or retired; <see cref="Feature"/> is the row it opened (null when retired).</summary>
public sealed record FeatureHistoryEntry(PlanVersion Version, string Change, PlanFeature? Feature);
