using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Core.Amendments;

/// <summary>The base features of one layer a balance rule may concern, with the layer (its id and kind).</summary>
public sealed record BalanceLayer(PlanLayer Layer, IReadOnlyList<PlanFeature> Features);

/// <summary>
/// What a change set is balanced against: the base version's features of the layers concerned, the province
/// features (the jurisdiction layer of level province, <c>provinces</c> in the default dataset) that area is
/// attributed to, the change set, and the plan's equal-area projection.
/// </summary>
public sealed record BalanceInput(
    IReadOnlyList<BalanceLayer> Layers,
    IReadOnlyList<PlanFeature> Provinces,
    IReadOnlyList<FeatureChange> Changes,
    EqualAreaProjection Projection);

/// <summary>
/// One line of a balance sheet: one rule in one province the change set touches. Areas are square metres in the
/// plan's equal-area projection (<see cref="BalanceSheet.Unit"/>).
/// For no-decrease and cap, <see cref="Before"/> and <see cref="After"/> are the layer's total in the province and
/// <see cref="Allowed"/> the least (no-decrease) or most (cap) the total after may be. For compensate, Before is the
/// area taken, After the area added in compensation and Allowed the least compensation needed. For
/// valid-and-disjoint, Before is 0, After the largest overlap found and Allowed the tolerance.
/// </summary>
/// <param name="Id">The rule's id.</param>
/// <param name="Features">The features responsible, as <c>layer/featureId</c>.</param>
/// <param name="Province">The province's id; null for area outside every province.</param>
public sealed record BalanceLine(
    string Id,
    bool Ok,
    double Before,
    double After,
    double Allowed,
    IReadOnlyList<string> Features,
    string? Province,
    bool Overridable,
    string Message);

/// <summary>The balance of a change set: ok when every line is.</summary>
public sealed record BalanceSheet(bool Ok, IReadOnlyList<BalanceLine> Rules)
{
    /// <summary>The unit of every area in the sheet: square metres in the plan's equal-area projection.</summary>
    public string Unit => "m2";
}
