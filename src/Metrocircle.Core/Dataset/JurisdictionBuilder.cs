using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace Metrocircle.Core.Dataset;

/// <summary>The jurisdiction layers of a dataset and a lookup of their geometry by reference (<c>county:city/name</c>).</summary>
public sealed class JurisdictionSet
{
    public List<PlanFeature> Provinces { get; } = [];

    public List<PlanFeature> Cities { get; } = [];

    public List<PlanFeature> Counties { get; } = [];

    public Dictionary<string, Geometry> ByReference { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Builds provinces, cities and counties from the boundary package a dataset names: validates and repairs each
/// county, applies the dataset's patches, and removes the area a county shares with one read before it, so that
/// the counties tile the region without overlap. Everything it changes goes into the report.
/// </summary>
internal static class JurisdictionBuilder
{
    private const string CountiesLayer = "counties";

    public static async Task<JurisdictionSet> BuildAsync(
        string folder, BoundariesManifest boundaries, EqualAreaProjection projection, ImportReport report, CancellationToken ct)
    {
        var package = Path.Combine(folder, "node_modules", boundaries.Package);
        await CheckPackageAsync(package, boundaries, ct);
        var data = Path.Combine(package, boundaries.Folder);
        if (!Enum.TryParse<Certainty>(boundaries.Certainty, ignoreCase: true, out var certainty))
        {
            throw new DatasetException($"dataset.json: boundaries.certainty \"{boundaries.Certainty}\" is not confirmed, indicative or synthetic");
        }

        var provenance = new Provenance(boundaries.Source, certainty, boundaries.Basis);
        var set = new JurisdictionSet();
        var accepted = new List<Geometry>();
        var codes = boundaries.Codes is { } codeManifest ? await CodeList.ReadAsync(folder, codeManifest, ct) : null;
        var unmatched = new List<string>();
        var renamed = new List<string>();

        foreach (var province in boundaries.Provinces)
        {
            var provinceParts = new List<Geometry>();
            var units = province.File is not null
                ? [(Id: province.Id, NameZh: province.NameZh, NameEn: province.NameEn, Code: province.Code, File: province.File, province.Patches, province.Counties, IsCity: false, province.FormerId)]
                : (province.Cities ?? []).Select(c => (c.Id, c.NameZh, c.NameEn, c.Code, c.File, c.Patches, c.Counties, IsCity: true, c.FormerId)).ToList();
            if (units.Count == 0)
            {
                throw new DatasetException($"dataset.json: province {province.Id} has neither a file nor cities");
            }

            foreach (var unit in units)
            {
                var cityParts = new List<Geometry>();
                var entries = await ReadBoundaryFileAsync(Path.Combine(data, unit.File), ct);
                var matchedCodes = new HashSet<string>(StringComparer.Ordinal);
                var index = 0;
                foreach (var (name, labelPoint, geometryElement) in entries)
                {
                    index++;
                    ct.ThrowIfCancellationRequested();
                    var label = $"{name} ({unit.NameZh})";
                    report.CountRead();
                    Geometry? raw;
                    try
                    {
                        raw = GeoJsonGeometry.Read(geometryElement);
                    }
                    catch (GeoJsonFormatException e)
                    {
                        report.Add(new ImportIssue(ImportAction.Dropped, CountiesLayer, label, $"{unit.File}: {e.Message}"));
                        continue;
                    }

                    var patch = unit.Patches?.FirstOrDefault(p => p.County == name);
                    if (patch is not null)
                    {
                        var patched = await ReadPatchAsync(Path.Combine(package, patch.File), name, ct);
                        report.Add(new ImportIssue(ImportAction.Patched, CountiesLayer, label,
                            $"geometry {(raw is null || raw.IsEmpty ? "was empty" : "was replaced")}; taken from {patch.File} ({patch.Reason})"));
                        raw = patched;
                    }

                    var geometry = FeatureValidator.Validate(raw, LayerGeometry.Polygon, CountiesLayer, label, report);
                    if (geometry is null)
                    {
                        continue;
                    }

                    geometry = Trim(geometry, accepted, projection, label, report);
                    if (geometry is null)
                    {
                        continue;
                    }

                    accepted.Add(geometry);
                    cityParts.Add(geometry);
                    provinceParts.Add(geometry);
                    var county = unit.Counties?.GetValueOrDefault(name);
                    var cityId = unit.Id;
                    var positional = string.Create(CultureInfo.InvariantCulture, $"{cityId}-{index:00}");
                    var code = codes is null ? county?.Code : MatchCode(codes, unit.Code, unit.NameZh, name, county, label, report, unmatched);
                    if (code is null && codes is not null)
                    {
                        continue;
                    }

                    matchedCodes.Add(code ?? positional);
                    var id = code ?? positional;
                    var nameNow = county?.RenamedTo ?? name;
                    if (county?.RenamedTo is not null)
                    {
                        renamed.Add($"{name} → {county.RenamedTo}");
                    }

                    var props = new JsonObject
                    {
                        ["name"] = nameNow,
                        ["nameZh"] = nameNow,
                        ["nameEn"] = county?.NameEn,
                        ["nameEnDerived"] = county?.NameEnDerived == true ? true : null,
                        ["formerName"] = county?.RenamedTo is null ? null : name,
                        ["formerId"] = county?.FormerId,
                        ["code"] = code,
                        ["level"] = "county",
                        ["province"] = province.NameZh,
                        ["provinceId"] = province.Id,
                        ["city"] = unit.NameZh,
                        ["cityId"] = cityId,
                        ["parent"] = cityId,
                        ["areaKm2"] = Math.Round(projection.Area(geometry) / 1e6, 3),
                        ["labelLon"] = labelPoint?.X,
                        ["labelLat"] = labelPoint?.Y,
                    };
                    set.Counties.Add(new PlanFeature(CountiesLayer, id, geometry, props, provenance));
                    set.ByReference[$"county:{id}"] = geometry;
                    set.ByReference[$"county:{cityId}/{nameNow}"] = geometry;
                    set.ByReference[$"county:{cityId}/{name}"] = geometry;
                    if (unit.FormerId is not null)
                    {
                        // The references of the version before codes (county:CITY/NAME with the city's slug) resolve for one version.
                        set.ByReference[$"county:{unit.FormerId}/{name}"] = geometry;
                    }
                }

                if (codes is not null && unit.Code is not null)
                {
                    var without = codes.Below(unit.Code).Where(e => !matchedCodes.Contains(e.Code)).Select(e => $"{e.Name} ({e.Code})").ToList();
                    if (without.Count > 0)
                    {
                        report.AddNote($"{unit.NameZh}: {without.Count} entr{(without.Count == 1 ? "y" : "ies")} of the code list ha{(without.Count == 1 ? "s" : "ve")} no outline in the boundary file (development zones and divisions newer than the file): {string.Join(", ", without)}");
                    }
                }

                if (unit.IsCity)
                {
                    var city = Union(cityParts);
                    set.ByReference[$"city:{unit.Id}"] = city;
                    if (unit.FormerId is not null)
                    {
                        set.ByReference[$"city:{unit.FormerId}"] = city;
                    }

                    set.Cities.Add(new PlanFeature("cities", unit.Id, city, new JsonObject
                    {
                        ["name"] = unit.NameZh,
                        ["nameZh"] = unit.NameZh,
                        ["nameEn"] = unit.NameEn,
                        ["code"] = unit.Code,
                        ["formerId"] = unit.FormerId,
                        ["level"] = "city",
                        ["province"] = province.NameZh,
                        ["provinceId"] = province.Id,
                        ["parent"] = province.Id,
                        ["areaKm2"] = Math.Round(projection.Area(city) / 1e6, 3),
                    }, provenance));
                }
            }

            var whole = Union(provinceParts);
            set.ByReference[$"province:{province.Id}"] = whole;
            if (province.FormerId is not null)
            {
                set.ByReference[$"province:{province.FormerId}"] = whole;
            }

            set.Provinces.Add(new PlanFeature("provinces", province.Id, whole, new JsonObject
            {
                ["name"] = province.NameZh,
                ["nameZh"] = province.NameZh,
                ["nameEn"] = province.NameEn,
                ["code"] = province.Code,
                ["formerId"] = province.FormerId,
                ["level"] = "province",
                ["parent"] = null,
                ["areaKm2"] = Math.Round(projection.Area(whole) / 1e6, 3),
            }, provenance));
        }

        if (unmatched.Count > 0)
        {
            throw new DatasetException(
                $"dataset.json: {unmatched.Count} count{(unmatched.Count == 1 ? "y" : "ies")} of the boundary file match no entry of the code list {codes!.Source} within their city, and the dataset gives no code for them: {string.Join("; ", unmatched)}. "
                + "Give each, under its city's \"counties\", \"renamedTo\" (its name in the code list) or \"code\", with a \"reason\"");
        }

        var changed = set.Provinces.Concat(set.Cities).Concat(set.Counties)
            .Where(f => f.Properties["formerId"] is JsonValue v && v.TryGetValue<string>(out var former) && former != f.Id)
            .Select(f => $"{f.Properties["formerId"]} → {f.Id}").ToList();
        if (changed.Count > 0)
        {
            report.AddNote($"Jurisdiction ids are GB/T 2260 codes; {changed.Count} former ids are accepted as aliases for this version: {string.Join(", ", changed)}");
        }

        if (renamed.Count > 0)
        {
            report.AddNote($"Renamed to their name in the code list: {string.Join(", ", renamed)}");
        }

        report.CountStored("provinces", set.Provinces.Count);
        report.CountStored("cities", set.Cities.Count);
        report.CountStored(CountiesLayer, set.Counties.Count);
        return set;
    }

    /// <summary>Polygon union that always comes back polygonal and in RFC 7946 winding.</summary>
    public static Geometry Union(IReadOnlyList<Geometry> parts)
    {
        if (parts.Count == 0)
        {
            return GeoJsonGeometry.Factory.CreatePolygon();
        }

        var union = FeatureValidator.Extract(UnaryUnionOp.Union(parts), LayerGeometry.Polygon) ?? GeoJsonGeometry.Factory.CreatePolygon();
        var (oriented, _) = FeatureValidator.OrientRfc7946(union);
        oriented.SRID = 4326;
        return oriented;
    }

    private static Geometry? Trim(Geometry geometry, List<Geometry> accepted, EqualAreaProjection projection, string label, ImportReport report)
    {
        var env = geometry.EnvelopeInternal;
        var overlapping = accepted.Where(a => a.EnvelopeInternal.Intersects(env) && a.Intersects(geometry)).ToList();
        if (overlapping.Count == 0)
        {
            return geometry;
        }

        var before = projection.Area(geometry);
        var trimmed = FeatureValidator.Extract(geometry.Difference(UnaryUnionOp.Union(overlapping)), LayerGeometry.Polygon);
        if (trimmed is null || trimmed.IsEmpty)
        {
            report.Add(new ImportIssue(ImportAction.Dropped, CountiesLayer, label, "lies entirely inside counties read before it"));
            return null;
        }

        var removed = before - projection.Area(trimmed);
        if (removed <= 0)
        {
            return geometry;
        }

        var (oriented, _) = FeatureValidator.OrientRfc7946(trimmed);
        oriented.SRID = 4326;
        report.Add(new ImportIssue(ImportAction.Trimmed, CountiesLayer, label,
            (removed >= 1e4
                ? string.Create(CultureInfo.InvariantCulture, $"removed {removed / 1e6:0.###} km²")
                : removed < 1 ? "removed a sliver of less than 1 m²" : string.Create(CultureInfo.InvariantCulture, $"removed {removed:0} m²")) + " shared with a neighbouring county read before it"));
        return oriented;
    }

    private static Task CheckPackageAsync(string package, BoundariesManifest boundaries, CancellationToken ct) =>
        CheckPackageAsync(package, boundaries.Package, boundaries.Version, ct);

    /// <summary>
    /// The county's code from the code list by its name (or the name the dataset says it has now) within its parent;
    /// else the code the dataset gives. Every departure from a plain match goes into the report; a county with neither
    /// is added to <paramref name="unmatched"/> and null returned.
    /// </summary>
    private static string? MatchCode(CodeList codes, string? parentCode, string parentName, string name, CountyManifest? county, string label,
        ImportReport report, List<string> unmatched)
    {
        if (parentCode is null)
        {
            throw new DatasetException($"dataset.json: {parentName} has no code, so its counties cannot be matched against the code list");
        }

        var lookFor = county?.RenamedTo ?? name;
        var listed = codes.Find(parentCode, lookFor);
        var why = county?.Reason is { } r ? $" ({r})" : "";
        if (listed is not null)
        {
            if (county?.Code is { } given && given != listed)
            {
                throw new DatasetException($"dataset.json: {label} is {listed} in the code list {codes.Source} but the dataset gives code {given}; remove one");
            }

            if (county?.RenamedTo is not null)
            {
                report.Add(new ImportIssue(ImportAction.Recoded, CountiesLayer, label, $"not in the code list as {name}; matched as {county.RenamedTo} ({listed}){why}"));
            }

            return listed;
        }

        if (county?.Code is { } code)
        {
            report.Add(new ImportIssue(ImportAction.Recoded, CountiesLayer, label,
                $"not in the code list as {lookFor}; code {code} given by the dataset{(codes.Contains(code) ? "" : ", which the code list no longer carries")}{why}"));
            return code;
        }

        unmatched.Add($"{name} in {parentName} ({parentCode})");
        report.Add(new ImportIssue(ImportAction.Dropped, CountiesLayer, label, $"no entry of the code list below {parentCode} is named {lookFor}"));
        return null;
    }

    internal static async Task CheckPackageAsync(string package, string packageName, string packageVersion, CancellationToken ct)
    {
        var packageJson = Path.Combine(package, "package.json");
        if (!File.Exists(packageJson))
        {
            throw new DatasetException(
                $"the package {packageName} {packageVersion} is not installed at {package}; run `npm ci` in the dataset folder (the build does this when npm is available)");
        }

        await using var stream = File.OpenRead(packageJson);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var version = doc.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
        if (version != packageVersion)
        {
            throw new DatasetException($"{packageJson}: version {version} is installed but the dataset needs {packageVersion}");
        }
    }

    private static async Task<List<(string Name, Coordinate? LabelPoint, JsonElement Geometry)>> ReadBoundaryFileAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException($"boundary file {path} is missing");
        }

        await using var stream = File.OpenRead(path);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            throw new DatasetException($"{path}: not valid JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }

        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new DatasetException($"{path}: not a GeoJSON FeatureCollection (no \"features\" array)");
            }

            var result = new List<(string, Coordinate?, JsonElement)>();
            var i = 0;
            foreach (var f in features.EnumerateArray())
            {
                var props = f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
                var name = props.ValueKind == JsonValueKind.Object && props.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    ? n.GetString()!
                    : throw new DatasetException($"{path}: feature {i} has no \"name\" property");
                Coordinate? cp = null;
                if (props.TryGetProperty("cp", out var cpe) && cpe.ValueKind == JsonValueKind.Array && cpe.GetArrayLength() == 2)
                {
                    cp = new Coordinate(cpe[0].GetDouble(), cpe[1].GetDouble());
                }

                var geometry = f.TryGetProperty("geometry", out var g) ? g.Clone() : default;
                result.Add((name, cp, geometry));
                i++;
            }

            return result;
        }
    }

    private static async Task<Geometry?> ReadPatchAsync(string path, string county, CancellationToken ct)
    {
        var entries = await ReadBoundaryFileAsync(path, ct);
        var entry = entries.FirstOrDefault(e => e.Name == county);
        if (entry.Name is null)
        {
            throw new DatasetException($"patch file {path} has no feature named {county}");
        }

        return GeoJsonGeometry.Read(entry.Geometry);
    }
}
