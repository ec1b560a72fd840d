using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Web.Infrastructure;

// The OGC API documents are standard shapes written straight to the response with Utf8JsonWriter (no object graph,
// for speed); these records only declare those shapes in the OpenAPI document, so the web client is typed against
// them too. Members a handler writes only sometimes are nullable here.

/// <summary>A link of an OGC API document.</summary>
public sealed record OgcLink(string Href, string Rel, string? Type, string? Title);

/// <summary>The plan and version a landing page serves.</summary>
public sealed record LandingPlan(string PlanId, string TitleZh, string TitleEn, string PlanVersion, string? VersionLabel, string EffectiveFrom);

/// <summary>The OGC API landing page as JSON; <see cref="Metrocircle"/> is absent while the store holds no plan.</summary>
public sealed record LandingPage(string Title, string? Description, LandingPlan? Metrocircle, IReadOnlyList<OgcLink> Links);

/// <summary>The conformance classes the server implements.</summary>
public sealed record ConformanceDeclaration(IReadOnlyList<string> ConformsTo);

/// <summary>An attribute of a layer's features.</summary>
public sealed record CollectionAttribute(string Name, string Type, bool Required);

/// <summary>What Metrocircle adds to an OGC collection: the layer's kind, titles, counts, certainty and version.</summary>
public sealed record CollectionPlanInfo(string Kind, string TitleZh, string TitleEn, string GeometryType, long FeatureCount, string? Certainty, int Order,
    string PlanVersion, IReadOnlyList<CollectionAttribute> Attributes);

/// <summary>An OGC API collection (one layer of the plan version served).</summary>
public sealed record CollectionDocument(string Id, string Title, string? Description, string ItemType, IReadOnlyList<string> Crs, string StorageCrs,
    JsonObject? Extent, IReadOnlyList<OgcLink> Links, CollectionPlanInfo Metrocircle);

/// <summary>The collections of the plan version served.</summary>
public sealed record CollectionsDocument(IReadOnlyList<OgcLink> Links, IReadOnlyList<CollectionDocument> Collections);

/// <summary>A GeoJSON feature in CRS84; <see cref="Id"/> is a string or a number.</summary>
public sealed record FeatureDocument(string Type, JsonElement? Id, JsonObject? Geometry, JsonObject? Properties, IReadOnlyList<OgcLink>? Links);

/// <summary>A page of a collection's features as a GeoJSON FeatureCollection with OGC paging members; <see cref="NumberMatched"/> is absent when more match than the server counts.</summary>
public sealed record FeatureCollectionDocument(string Type, long? NumberMatched, int NumberReturned, string TimeStamp, IReadOnlyList<OgcLink> Links,
    IReadOnlyList<FeatureDocument> Features);

/// <summary>A collection's queryables (OGC API – Features Part 3): a JSON Schema whose properties a CQL2 filter may name.</summary>
public sealed record QueryablesDocument(
    [property: System.Text.Json.Serialization.JsonPropertyName("$schema")] string Schema,
    [property: System.Text.Json.Serialization.JsonPropertyName("$id")] string Id,
    string Type,
    string? Title,
    string? Description,
    IReadOnlyDictionary<string, JsonObject> Properties,
    bool AdditionalProperties);
