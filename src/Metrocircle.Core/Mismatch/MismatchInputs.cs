namespace Metrocircle.Core.Mismatch;

/// <summary>
/// A county as the analysis sees it: its province, its centroid in the plan's equal-area projection (metres) and in
/// lon/lat (for drawing), and its area.
/// </summary>
public sealed record CountyPlace(string Id, string Name, string ProvinceId, double X, double Y, double Lon, double Lat, double AreaKm2);

/// <summary>A circle of the plan with the counties it holds (those whose interior point lies in it).</summary>
public sealed record CirclePlace(string Id, string Kind, string Name, IReadOnlyList<string> Members);

/// <summary>
/// A project (a stored case) placed against the zones of the plan: its category, the county it lies in, whether it
/// touches a zone of the industry rule's kind, and its distance (m) to the nearest station of the housing rule.
/// </summary>
public sealed record ProjectPlace(string Id, string Category, string? County, double AreaM2, bool InIndustryZone, double? RailDistanceM);

/// <summary>
/// Construction land sought by open cases in a jurisdiction (their open holds, and the takings of open cases whose holds
/// could not be covered) against the quota it has left (the account's balance: not yet consumed by approved cases).
/// </summary>
public sealed record QuotaPlace(string Jurisdiction, double DemandM2, double RemainingM2);

/// <summary>
/// Everything the analysis of one year reads, already gathered from the store and the plan: figures per county
/// (population of the year and of the year before, jobs), the OD flows of the year, urban land per county (km²) at the
/// end of the year and, when an earlier plan version is to compare with, at the end of the year before.
/// </summary>
public sealed record MismatchInputs(
    int Year,
    IReadOnlyList<CountyPlace> Counties,
    IReadOnlyDictionary<string, double> Population,
    IReadOnlyDictionary<string, double> PopulationBefore,
    IReadOnlyDictionary<string, double> Jobs,
    IReadOnlyList<CommuteFlow> Flows,
    IReadOnlyList<CirclePlace> Circles,
    IReadOnlyDictionary<string, double> UrbanLandKm2,
    IReadOnlyDictionary<string, double>? UrbanLandBeforeKm2,
    IReadOnlyList<ProjectPlace>? Projects = null,
    bool HasIndustryZones = false,
    bool HasRailStations = false,
    IReadOnlyList<QuotaPlace>? Quota = null,
    string? QuotaNotApplicable = null);
