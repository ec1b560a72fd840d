using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Metrocircle.Core.Dataset;

/// <summary>
/// The dataset.json of a data folder: which plan, which boundaries, which layer files, and which observation files
/// (indicator,scope,year,value,unit,source) and commuting files (origin,destination,year,trips,mode,source) ship with it.
/// </summary>
public sealed record DatasetManifest(
    string Id,
    PlanManifest Plan,
    VersionManifest Version,
    EqualAreaManifest EqualArea,
    BoundariesManifest Boundaries,
    IReadOnlyList<string> Layers,
    double? EdgeToleranceM = null,
    IReadOnlyList<string>? Observations = null,
    IReadOnlyList<string>? Commuting = null)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

public sealed record PlanManifest(string Id, string TitleZh, string TitleEn, string Description);

public sealed record VersionManifest(string Id, string Label, DateOnly EffectiveFrom);

public sealed record EqualAreaManifest(double Lat0, double Lon0, double Lat1, double Lat2);

public sealed record BoundariesManifest(
    string Package,
    string Version,
    string Folder,
    string Source,
    string Certainty,
    string Basis,
    IReadOnlyDictionary<string, LayerTitle> Layers,
    IReadOnlyList<ProvinceManifest> Provinces,
    CodeListManifest? Codes = null);

/// <summary>
/// The administrative code list counties are matched against by name within their parent (an npm package of the
/// data folder, like the boundaries): a JSON array of objects with <c>code</c> and <c>name</c>, codes of the
/// GB/T 2260 form whose leading digits are the parent's.
/// </summary>
public sealed record CodeListManifest(string Package, string Version, string File, string Source, string? Note = null);

public sealed record LayerTitle(string TitleZh, string TitleEn, int Order);

public sealed record ProvinceManifest(
    string Id,
    string NameZh,
    string NameEn,
    string? Code,
    string? File = null,
    IReadOnlyList<PatchManifest>? Patches = null,
    IReadOnlyDictionary<string, CountyManifest>? Counties = null,
    IReadOnlyList<CityManifest>? Cities = null,
    string? FormerId = null);

public sealed record CityManifest(
    string Id,
    string NameZh,
    string NameEn,
    string? Code,
    string File,
    IReadOnlyList<PatchManifest>? Patches = null,
    IReadOnlyDictionary<string, CountyManifest>? Counties = null,
    string? FormerId = null);

/// <summary>
/// What the dataset says of one county of a boundary file: its English name (<see cref="NameEnDerived"/> when it is
/// the pinyin of the name rather than a published English name), the name it has in the code list now when the
/// boundary file is older (<see cref="RenamedTo"/>), or its code given explicitly; <see cref="Reason"/> says why for
/// either; <see cref="FormerId"/> is the id it had before ids were codes, accepted as an alias for one version.
/// </summary>
public sealed record CountyManifest(
    string? NameEn = null,
    string? Code = null,
    bool NameEnDerived = false,
    string? RenamedTo = null,
    string? Reason = null,
    string? FormerId = null);

public sealed record PatchManifest(string County, string File, string Reason);

/// <summary>A layer file: the layer's description and its features, each with geometry or a composition of jurisdictions.</summary>
public sealed record LayerFile(
    string Id,
    string Kind,
    string TitleZh,
    string TitleEn,
    string Description,
    Model.LayerGeometry Geometry,
    int Order,
    IReadOnlyList<AttributeFile> Attributes,
    IReadOnlyList<FeatureFile>? Features = null,
    LayerDefaults? Defaults = null,
    SyntheticSpec? Synthetic = null);

/// <summary>
/// How the project generates an illustrative layer where no official one is published: deterministic for a seed,
/// so every machine builds the same features, and always marked synthetic.
/// </summary>
public sealed record SyntheticSpec(
    string Method,
    ulong Seed,
    IReadOnlyList<string> In,
    IReadOnlyList<string>? Exclude = null,
    IReadOnlyList<string>? AvoidLayers = null,
    int Count = 0,
    IReadOnlyList<double>? RadiusM = null,
    double SpacingM = 0,
    double Keep = 1,
    IReadOnlyList<double>? SizeM = null,
    JsonObject? Properties = null);

public sealed record AttributeFile(string Name, Model.AttributeType Type, bool Required = false);

public sealed record LayerDefaults(ProvenanceFile? Provenance);

public sealed record ProvenanceFile(string? Source = null, string? Certainty = null, string? Basis = null);

public sealed record FeatureFile(
    string Id,
    JsonObject Properties,
    JsonElement? Geometry = null,
    IReadOnlyList<string>? ComposeOf = null,
    ProvenanceFile? Provenance = null,
    DateOnly? ValidFrom = null,
    DateOnly? ValidTo = null)
{
    /// <summary>A geometry the project generated rather than read; never part of a file.</summary>
    [JsonIgnore]
    public NetTopologySuite.Geometries.Geometry? Built { get; init; }
}
