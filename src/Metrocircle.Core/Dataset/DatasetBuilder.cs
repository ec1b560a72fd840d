using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Dataset;

/// <summary>A plan version built from a data folder, ready to be written to a store in one transaction.</summary>
public sealed record DatasetBuild(
    Plan Plan,
    PlanVersion Version,
    EqualAreaProjection Projection,
    IReadOnlyList<PlanLayer> Layers,
    IReadOnlyList<PlanFeature> Features,
    ImportReport Report,
    IReadOnlyList<string>? ObservationFiles = null,
    IReadOnlyList<string>? CommutingFiles = null);

/// <summary>
/// Reads a data folder (dataset.json, its layer files and the boundary package it names) and builds the first
/// version of its plan. Nothing here is specific to one metropolitan area: another area is another folder.
/// </summary>
public static class DatasetBuilder
{
    public static async Task<DatasetBuild> BuildAsync(string folder, CancellationToken ct)
    {
        var manifestPath = Path.Combine(folder, "dataset.json");
        var manifest = await ReadAsync<DatasetManifest>(manifestPath, ct);
        var ea = manifest.EqualArea;
        var projection = new EqualAreaProjection(ea.Lat0, ea.Lon0, ea.Lat1, ea.Lat2);
        var report = new ImportReport($"dataset {manifest.Id} ({Path.GetFullPath(folder)})");

        var jurisdictions = await JurisdictionBuilder.BuildAsync(folder, manifest.Boundaries, projection, report, ct);
        var layers = new List<PlanLayer>();
        var features = new List<PlanFeature>();
        foreach (var (id, geometryKind, items) in new[]
        {
            ("provinces", LayerGeometry.Polygon, jurisdictions.Provinces),
            ("cities", LayerGeometry.Polygon, jurisdictions.Cities),
            ("counties", LayerGeometry.Polygon, jurisdictions.Counties),
        })
        {
            var title = manifest.Boundaries.Layers.GetValueOrDefault(id)
                ?? throw new DatasetException($"{manifestPath}: boundaries.layers has no titles for \"{id}\"");
            layers.Add(new PlanLayer(id, LayerKinds.Jurisdiction, title.TitleZh, title.TitleEn,
                $"{title.TitleEn} from {manifest.Boundaries.Source}", geometryKind, title.Order, JurisdictionAttributes));
            features.AddRange(items);
        }

        var built = new Dictionary<string, List<PlanFeature>>(StringComparer.Ordinal);
        foreach (var relative in manifest.Layers)
        {
            var path = Path.Combine(folder, relative);
            var file = await ReadAsync<LayerFile>(path, ct);
            var (layer, layerFeatures) = BuildLayer(file, relative, jurisdictions, built, projection, report);
            built[layer.Id] = layerFeatures;
            if (layers.Any(l => l.Id == layer.Id))
            {
                throw new DatasetException($"{relative}: layer id \"{layer.Id}\" is used twice");
            }

            layers.Add(layer);
            features.AddRange(layerFeatures);
        }

        // Tasks point into the other layers; a link to nothing would only show as a dead end later, so it stops the build.
        if (Collaboration.TaskCatalog.CheckBuild(features) is { Count: > 0 } taskProblems)
        {
            throw new DatasetException($"{manifestPath}: collaboration tasks refer to what the plan does not hold: {string.Join("; ", taskProblems)}");
        }

        // Category codes, the categories rules name, the roles indicators and tasks serve, membership certainties.
        if (Alignment.ProjectCategories.CheckBuild(features).Concat(Indicators.StrategicRoles.CheckBuild(features)).Concat(Membership.CheckBuild(features)).ToList() is { Count: > 0 } planProblems)
        {
            throw new DatasetException($"{manifestPath}: {string.Join("; ", planProblems)}");
        }

        // The plan carries its own settings as a record layer, so analysis of any stored version knows its projection.
        layers.Add(new PlanLayer(PlanSettings.LayerId, LayerKinds.Record, "规划参数", "Plan settings",
            "Parameters analysis needs: the equal-area projection for areas and the edge tolerance of overlaps.", LayerGeometry.None, 99, []));
        features.Add(PlanSettings.ToFeature(projection, manifest.EdgeToleranceM ?? PlanSettings.DefaultEdgeToleranceM));

        var plan = new Plan(manifest.Plan.Id, manifest.Plan.TitleZh, manifest.Plan.TitleEn, manifest.Plan.Description);
        var version = new PlanVersion(manifest.Version.Id, plan.Id, 1, manifest.Version.Label, manifest.Version.EffectiveFrom, DateTimeOffset.UtcNow);
        return new DatasetBuild(plan, version, projection, layers, features, report, ObservationFiles(folder, manifestPath, manifest.Observations, "observations"),
            ObservationFiles(folder, manifestPath, manifest.Commuting, "commuting"));
    }

    /// <summary>
    /// Reads one layer file that needs no jurisdictions (records, or features with their own geometry), as the
    /// dataset build would; tests and tools use it to load a plan's rules or catalogue on their own.
    /// </summary>
    public static async Task<(PlanLayer Layer, IReadOnlyList<PlanFeature> Features, ImportReport Report)> ReadLayerFileAsync(
        string path, EqualAreaProjection projection, CancellationToken ct)
    {
        var file = await ReadAsync<LayerFile>(path, ct);
        var report = new ImportReport(path);
        var (layer, features) = BuildLayer(file, Path.GetFileName(path), new JurisdictionSet(), new Dictionary<string, List<PlanFeature>>(), projection, report);
        return (layer, features, report);
    }

    private static readonly AttributeDefinition[] JurisdictionAttributes =
    [
        new("name", AttributeType.String, Required: true),
        new("nameZh", AttributeType.String, Required: true),
        new("nameEn", AttributeType.String),
        new("code", AttributeType.String),
        new("formerId", AttributeType.String),
        new("formerName", AttributeType.String),
        new("nameEnDerived", AttributeType.Boolean),
        new("level", AttributeType.String, Required: true),
        new("province", AttributeType.String),
        new("provinceId", AttributeType.String),
        new("city", AttributeType.String),
        new("cityId", AttributeType.String),
        new("parent", AttributeType.String),
        new("areaKm2", AttributeType.Number),
        new("labelLon", AttributeType.Number),
        new("labelLat", AttributeType.Number),
    ];

    private static (PlanLayer Layer, List<PlanFeature> Features) BuildLayer(
        LayerFile file, string relative, JurisdictionSet jurisdictions, IReadOnlyDictionary<string, List<PlanFeature>> built,
        EqualAreaProjection projection, ImportReport report)
    {
        if (!LayerKinds.IsValid(file.Kind))
        {
            throw new DatasetException($"{relative}: layer kind \"{file.Kind}\" is not one of jurisdiction, circle, structure, corridor, key-area, control[:sub-kind], thematic, sector[:sub-kind], record");
        }

        var schema = KindSchemas.For(file.Kind);
        var attributes = KindSchemas.Declare(schema, file.Attributes.Select(a => new AttributeDefinition(a.Name, a.Type, a.Required)), out var schemaError).ToList();
        if (schemaError is not null)
        {
            throw new DatasetException($"{relative}: {schemaError}");
        }

        if (file.Geometry == LayerGeometry.Polygon)
        {
            attributes.Add(new AttributeDefinition("areaKm2", AttributeType.Number));
        }
        else if (file.Geometry == LayerGeometry.LineString)
        {
            attributes.Add(new AttributeDefinition("lengthKm", AttributeType.Number));
        }

        var layer = new PlanLayer(file.Id, file.Kind, file.TitleZh, file.TitleEn, file.Description, file.Geometry, file.Order, attributes);
        var result = new List<PlanFeature>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var features = (file.Features ?? []).ToList();
        if (file.Synthetic is { } spec)
        {
            if (file.Defaults?.Provenance?.Certainty != "synthetic")
            {
                throw new DatasetException($"{relative}: a generated layer must declare defaults.provenance.certainty \"synthetic\"");
            }

            foreach (var (id, geometry, properties) in SyntheticLayers.Generate(spec, relative, jurisdictions, built, projection))
            {
                features.Add(new FeatureFile(id, properties) { Built = geometry });
            }
        }

        foreach (var f in features)
        {
            report.CountRead();
            var label = $"#{f.Id}";
            if (!seen.Add(f.Id))
            {
                report.Add(new ImportIssue(ImportAction.Dropped, file.Id, label, "duplicate feature id"));
                continue;
            }

            if (!TryProvenance(f.Provenance, file.Defaults?.Provenance, out var provenance, out var provenanceError))
            {
                report.Add(new ImportIssue(ImportAction.Dropped, file.Id, label, provenanceError));
                continue;
            }

            // A shipped value outside its kind's codes is a data error, never quietly dropped from the map.
            if (schema?.Check(f.Properties) is { Count: > 0 } schemaProblems)
            {
                throw new DatasetException($"{relative}: feature {f.Id}: {string.Join("; ", schemaProblems.Select(p => $"{p.Message}, not {p.Value?.ToJsonString() ?? "missing"}"))}");
            }

            var attributeError = CheckAttributes(f.Properties, attributes);
            if (attributeError is not null)
            {
                report.Add(new ImportIssue(ImportAction.Dropped, file.Id, label, attributeError));
                continue;
            }

            Geometry? raw;
            try
            {
                raw = Compose(f, relative, jurisdictions);
            }
            catch (GeoJsonFormatException e)
            {
                report.Add(new ImportIssue(ImportAction.Dropped, file.Id, label, e.Message));
                continue;
            }

            var geometry = FeatureValidator.Validate(raw, file.Geometry, file.Id, label, report);
            if (geometry is null && file.Geometry != LayerGeometry.None)
            {
                continue;
            }

            var props = (JsonObject)f.Properties.DeepClone();
            if (geometry is not null && file.Geometry == LayerGeometry.Polygon)
            {
                props["areaKm2"] = Math.Round(projection.Area(geometry) / 1e6, 3);
            }
            else if (geometry is not null && file.Geometry == LayerGeometry.LineString)
            {
                props["lengthKm"] = Math.Round(projection.Length(geometry) / 1e3, 3);
            }

            result.Add(new PlanFeature(file.Id, f.Id, geometry, props, provenance, f.ValidFrom, f.ValidTo));
        }

        report.CountStored(file.Id, result.Count);
        return (layer, result);
    }

    private static Geometry? Compose(FeatureFile f, string relative, JurisdictionSet jurisdictions)
    {
        if (f.Built is not null)
        {
            return f.Built;
        }

        if (f.ComposeOf is { Count: > 0 } refs)
        {
            if (f.Geometry is { ValueKind: not JsonValueKind.Null })
            {
                throw new DatasetException($"{relative}: feature {f.Id} has both geometry and composeOf; give one");
            }

            var parts = refs.Select(r => jurisdictions.ByReference.GetValueOrDefault(r)
                ?? throw new DatasetException($"{relative}: feature {f.Id} refers to unknown jurisdiction \"{r}\" (use province:ID, city:ID, county:ID or county:CITY/NAME)")).ToList();
            return JurisdictionBuilder.Union(parts);
        }

        return f.Geometry is { } g ? GeoJsonGeometry.Read(g) : null;
    }

    private static bool TryProvenance(ProvenanceFile? own, ProvenanceFile? defaults, out Provenance provenance, out string error)
    {
        var source = own?.Source ?? defaults?.Source;
        var certaintyText = own?.Certainty ?? defaults?.Certainty;
        var basis = own?.Basis ?? defaults?.Basis;
        provenance = null!;
        if (string.IsNullOrWhiteSpace(source))
        {
            error = "provenance has no source";
            return false;
        }

        if (!Provenance.TryParse(certaintyText, out var certainty))
        {
            error = $"provenance certainty \"{certaintyText}\" is not confirmed, indicative or synthetic";
            return false;
        }

        if (certainty != Certainty.Confirmed && string.IsNullOrWhiteSpace(basis))
        {
            error = $"a {certaintyText} item must state its basis";
            return false;
        }

        provenance = new Provenance(source, certainty, basis);
        error = string.Empty;
        return true;
    }

    /// <summary>Checks declared attributes: required ones present and not null, every declared one of its type.</summary>
    public static string? CheckAttributes(JsonObject properties, IReadOnlyList<AttributeDefinition> attributes)
    {
        foreach (var a in attributes)
        {
            var present = properties.TryGetPropertyValue(a.Name, out var value);
            if (value is null)
            {
                if (a.Required)
                {
                    return present ? $"required property \"{a.Name}\" is null" : $"required property \"{a.Name}\" is missing";
                }

                continue;
            }

            if (!Fits(value, a.Type))
            {
                return $"property \"{a.Name}\" should be {a.Type.ToString().ToLowerInvariant()} but is {value.GetValueKind().ToString().ToLowerInvariant()} {value.ToJsonString()}";
            }
        }

        return null;
    }

    private static bool Fits(JsonNode value, AttributeType type)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            AttributeType.String => kind == JsonValueKind.String,
            AttributeType.Number => kind == JsonValueKind.Number,
            AttributeType.Integer => kind == JsonValueKind.Number && double.IsInteger(value.GetValue<double>()),
            AttributeType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            AttributeType.Date => kind == JsonValueKind.String && DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => false,
        };
    }

    /// <summary>The observation (or commuting) files the manifest names, as full paths; a missing one stops the build.</summary>
    private static List<string> ObservationFiles(string folder, string manifestPath, IReadOnlyList<string>? named, string key)
    {
        var files = new List<string>();
        foreach (var relative in named ?? [])
        {
            var path = Path.GetFullPath(Path.Combine(folder, relative));
            if (!File.Exists(path))
            {
                throw new DatasetException($"{manifestPath}: {key} names {relative}, which does not exist");
            }

            files.Add(path);
        }

        return files;
    }

    private static async Task<T> ReadAsync<T>(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException($"{path} is missing");
        }

        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, DatasetManifest.Json, ct)
                ?? throw new DatasetException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new DatasetException($"{path}: {e.Message}", e);
        }
    }
}
