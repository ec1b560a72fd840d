using System.Text.Json.Nodes;

namespace Metrocircle.Core.Alignment;

/// <summary>A jurisdiction or circle the footprint lies in, with its share of the footprint.</summary>
public sealed record ShareOfPlace(string Layer, string Id, string Name, string? NameEn, double AreaHa, double Share, JsonObject? Detail = null);

/// <summary>An overlap with one layer: which features, how many hectares, what share of the footprint.</summary>
public sealed record Overlap(string Layer, string Kind, string Title, IReadOnlyList<string> FeatureIds, double AreaHa, double Share);

/// <summary>Features of a layer the footprint only touches within the edge tolerance: reported, not counted.</summary>
public sealed record EdgeContact(string Layer, IReadOnlyList<string> FeatureIds, double ToleranceM, string Note);

/// <summary>The result of one rule.</summary>
public sealed record RuleResult(string Id, string Title, string Basis, string Outcome, string Message, JsonObject? Evidence);

/// <summary>An authority whose approval the rules call for, and which rules call for it.</summary>
public sealed record Approval(string Authority, IReadOnlyList<string> RuleIds);

/// <summary>
/// The verdict of an alignment check. Reproducible: the same input hash, plan version and rules version give the
/// same verdict.
/// </summary>
public sealed record Verdict(
    [property: System.Text.Json.Serialization.JsonPropertyName("verdict")] string Result,
    string PlanVersion,
    string RulesVersion,
    string InputHash,
    string Category,
    string CategoryName,
    double AreaHa,
    IReadOnlyList<ShareOfPlace> Jurisdictions,
    IReadOnlyList<ShareOfPlace> Provinces,
    IReadOnlyList<ShareOfPlace> Circles,
    IReadOnlyList<Overlap> Overlaps,
    IReadOnlyList<EdgeContact> EdgeContacts,
    IReadOnlyList<RuleResult> Rules,
    IReadOnlyList<Approval> Approvals)
{
    public const string Aligned = "aligned";
    public const string Conditional = "conditional";
    public const string NotAligned = "not-aligned";
}
