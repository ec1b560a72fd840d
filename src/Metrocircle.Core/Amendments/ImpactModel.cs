using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Amendments;

/// <summary>
/// A stored check as the impact assessment needs it: its footprint in lon/lat (buffered already for point and line
/// sites), its category, its verdict, and its routing: the keys that decide who must approve it
/// (<see cref="ImpactAssessor.Routing"/>).
/// </summary>
public sealed record CheckOnRecord(string CheckId, Geometry Footprint, string Category, string Verdict, IReadOnlyList<string> Routing)
{
    /// <summary>Reads a stored check document (<see cref="CheckDocument"/>); null when it lacks a footprint, category or verdict.</summary>
    /// <param name="routingKinds">The layer kinds whose overlap calls for coordination (the approval rules' <c>coordinationWhen.overlapsKinds</c>).</param>
    public static CheckOnRecord? FromDocument(JsonObject document, IReadOnlyCollection<string> routingKinds)
    {
        static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (Text(document["id"]) is not { } id || Text(document["category"]) is not { } category || Text(document["verdict"]) is not { } verdict
            || document["footprint"] is not JsonObject footprint)
        {
            return null;
        }

        using var json = JsonDocument.Parse(footprint.ToJsonString());
        if (GeoJsonGeometry.Read(json.RootElement) is not { } geometry)
        {
            return null;
        }

        var provinces = (document["provinces"] as JsonArray ?? []).Select(p => Text(p?["id"])).OfType<string>();
        var authorities = (document["approvals"] as JsonArray ?? []).Select(a => Text(a?["authority"])).OfType<string>();
        var kinds = (document["overlaps"] as JsonArray ?? []).Select(o => Text(o?["kind"])).OfType<string>();
        return new CheckOnRecord(id, geometry, category, verdict, ImpactAssessor.Routing(provinces, authorities, kinds, routingKinds));
    }
}

/// <summary>
/// A stored check whose verdict or routing the amendment changes. <see cref="Rules"/> are the ids of the rules whose
/// outcome differs between the base version and the amended one.
/// </summary>
public sealed record ImpactCheck(string CheckId, string VerdictBefore, string VerdictAfter, IReadOnlyList<string> Rules)
{
    /// <summary>The routing before and after (province, approval and overlap keys), when it changes; empty otherwise.</summary>
    public IReadOnlyList<string> RoutingBefore { get; init; } = [];

    /// <summary>See <see cref="RoutingBefore"/>.</summary>
    public IReadOnlyList<string> RoutingAfter { get; init; } = [];
}

/// <summary>Area a layer gains and loses in one county (square metres, equal-area); null county for area outside every county.</summary>
public sealed record ImpactArea(string Layer, string? County, string? Province, double AddedM2, double RemovedM2);

/// <summary>A computed indicator for one scope (county, circle) whose value the amendment changes, in the indicator's unit.</summary>
public sealed record ImpactIndicator(string Indicator, string Scope, string Unit, double Before, double After);

/// <summary>
/// A feature of another layer that an added or changed feature newly overlaps (more than a sliver of the plan's edge
/// tolerance) or touches; <see cref="Feature"/> and <see cref="Other"/> are <c>layer/featureId</c>.
/// </summary>
public sealed record ImpactAdjacency(string Feature, string Other, string Relation, double OverlapM2)
{
    public const string Overlaps = "overlaps";
    public const string Touches = "touches";
}

/// <summary>
/// What an amendment does beyond its own features: the stored checks whose verdict or routing changes (among the
/// <see cref="Rechecked"/> whose footprint box meets a changed feature's box; the other
/// <see cref="UnchangedWithoutRecheck"/> cannot change), the area gained and lost per layer and county, the computed
/// indicators that move, and the features of other layers newly overlapped or touched.
/// </summary>
public sealed record AmendmentImpact(
    IReadOnlyList<ImpactCheck> Checks,
    IReadOnlyList<ImpactArea> Areas,
    IReadOnlyList<ImpactIndicator> Indicators,
    IReadOnlyList<ImpactAdjacency> Adjacent,
    int Rechecked,
    int UnchangedWithoutRecheck);
