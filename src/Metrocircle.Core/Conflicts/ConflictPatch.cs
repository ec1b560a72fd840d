using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Conflicts;

/// <summary>Where a conflict patch stands.</summary>
public enum ConflictStatus
{
    /// <summary>Found and not yet dealt with.</summary>
    Open,

    /// <summary>Feature A states an exemption in the rule's exemption property (a crossing allowed by name).</summary>
    Exempt,

    /// <summary>Removed by an amendment (<see cref="ConflictPatch.AmendmentId"/>); set by the amendment workflow, not by detection.</summary>
    Resolved,

    /// <summary>Kept on purpose by the coordination office, with a reason; set by an office decision, not by detection.</summary>
    Accepted,
}

/// <summary>
/// One conflict patch: the part of feature A (of layer A) that overlaps, or lies within the rule's distance of,
/// feature B, inside one county. <see cref="Metric"/> is in the plan's equal-area projection.
/// </summary>
/// <param name="Id">Stable: a hash of the rule, both features with a hash of their content, and the county.</param>
/// <param name="AreaM2">Area in the equal-area projection, for polygonal patches; null for lines.</param>
/// <param name="LengthM">Length in the equal-area projection, for linear patches; null for areas.</param>
public sealed record ConflictPatch(
    string Id,
    string Rule,
    string Severity,
    string LayerA,
    string FeatureA,
    string LayerB,
    string FeatureB,
    string? County,
    string? Province,
    double? AreaM2,
    double? LengthM,
    ConflictStatus Status,
    string? Reason,
    string? AmendmentId,
    Geometry Metric);

/// <summary>How one rule fared on a plan version.</summary>
/// <param name="Applicable">False when a layer of either kind is absent from the version; <see cref="Note"/> says which.</param>
/// <param name="Slivers">Pieces under the minimum mapping unit, counted and not listed.</param>
public sealed record ConflictRuleSummary(
    string Rule,
    string Title,
    string Severity,
    bool Applicable,
    string? Note,
    int Patches,
    double AreaM2,
    double LengthM,
    int Slivers,
    double SliverAreaM2);

/// <summary>Every conflict patch of a plan version, in a stable order, with a summary per rule.</summary>
public sealed record ConflictReport(string PlanVersion, IReadOnlyList<ConflictPatch> Patches, IReadOnlyList<ConflictRuleSummary> Rules);
