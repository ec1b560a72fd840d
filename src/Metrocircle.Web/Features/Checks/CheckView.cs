using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Metrocircle.Core.Alignment;

namespace Metrocircle.Web.Features.Checks;

/// <summary>
/// A stored check as the API serves it: the verdict's members between the id and the footprint, in the order
/// <see cref="CheckDocument"/> stores them. <see cref="Attributes"/> are the footprint's properties as sent.
/// </summary>
public sealed record CheckView(
    string Id,
    string CheckedAt,
    [property: JsonPropertyName("verdict")] string Verdict,
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
    IReadOnlyList<Approval> Approvals,
    double? BufferM,
    JsonObject Attributes,
    JsonObject Footprint,
    string? SubmittedBy)
{
    /// <summary>The view of a check document; the document is the stored truth, so the view is read from it rather than rebuilt.</summary>
    public static CheckView Of(JsonObject document) =>
        document.Deserialize<CheckView>(CheckDocument.Json) ?? throw new JsonException("a check document is empty");
}

/// <summary>The properties of a footprint: the category from <c>GET /categories</c>, and the buffer width for a point or line.</summary>
public sealed record FootprintProperties(string Category, double? BufferM = null);

/// <summary>
/// The body of <c>POST /checks</c> as the document declares it: one GeoJSON Feature. Core reads the posted JSON
/// itself (any GeoJSON geometry, extra properties kept), so this record only describes it.
/// </summary>
public sealed record FootprintFeature(string Type, JsonObject? Geometry, FootprintProperties Properties);
