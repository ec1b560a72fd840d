using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>A problem with one change of a change set: what, and where (<c>changes[i]…</c>).</summary>
public sealed record ChangeProblem(ProblemKind Kind, string Where, string Message);

/// <summary>A change set read and checked against its base version: the changes, the features they replace, and the stored form.</summary>
public sealed record CheckedChangeSet(IReadOnlyList<FeatureChange> Changes, IReadOnlyDictionary<string, PlanFeature> Replaced, JsonArray Stored,
    IReadOnlyDictionary<string, PlanLayer> Layers);

/// <summary>
/// Reads the <c>changes</c> of an amendment: each <c>{"op": "add"|"change"|"retire", "layer", "featureId", "feature"}</c>,
/// checked against the base version as an import checks a file — the layer exists and is not a record layer, a changed
/// or retired feature exists at the base, an added id is new, the geometry fits the layer, lies in lon/lat and is
/// valid (an invalid ring is refused with where, not repaired behind the proposer's back), and no feature is named twice.
/// </summary>
public static class ChangeSetRequest
{
    public const int MaxChanges = 5_000;
    public const int MaxVertices = 200_000;

    public static async Task<(CheckedChangeSet? Set, ChangeProblem? Problem)> ReadAsync(JsonElement changes, string amendmentId, string title, string rationale,
        IPlanStore store, PlanVersion baseVersion, CancellationToken ct)
    {
        if (changes.ValueKind != JsonValueKind.Array)
        {
            return Fail(ProblemKind.Malformed, "changes", "must be a list of {op, layer, featureId, feature}");
        }

        var count = changes.GetArrayLength();
        if (count is 0 or > MaxChanges)
        {
            return Fail(ProblemKind.Invalid, "changes", $"must hold 1 to {MaxChanges} changes; it holds {count}");
        }

        var layers = (await store.GetLayersAsync(baseVersion, ct)).ToDictionary(l => l.Id, StringComparer.Ordinal);
        var result = new List<FeatureChange>();
        var replaced = new Dictionary<string, PlanFeature>(StringComparer.Ordinal);
        var stored = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var vertices = 0;
        var i = -1;
        foreach (var item in changes.EnumerateArray())
        {
            i++;
            var at = $"changes[{i}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Fail(ProblemKind.Malformed, at, "must be an object {op, layer, featureId, feature}");
            }

            var opText = Str(item, "op");
            ChangeOp? op = opText switch { "add" => ChangeOp.Add, "change" => ChangeOp.Change, "retire" => ChangeOp.Retire, _ => null };
            if (op is null)
            {
                return Fail(ProblemKind.Invalid, at + ".op", $"\"{Clip(opText)}\" is not add, change or retire");
            }

            var layerId = Str(item, "layer");
            if (layerId is null || !layers.TryGetValue(layerId, out var layer))
            {
                return Fail(ProblemKind.Invalid, at + ".layer", $"version {baseVersion.Id} has no layer \"{Clip(layerId)}\"; layers: {string.Join(", ", layers.Keys.Order(StringComparer.Ordinal))}");
            }

            if (layer.Geometry == LayerGeometry.None)
            {
                return Fail(ProblemKind.Invalid, at + ".layer", $"\"{layerId}\" is a record layer (rules, catalogues, settings); amendments change the plan's map layers");
            }

            JsonElement feature = default;
            var hasFeature = item.TryGetProperty("feature", out feature) && feature.ValueKind != JsonValueKind.Null;
            var featureId = Str(item, "featureId");
            if (op == ChangeOp.Add && featureId is null && hasFeature && feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out var fid))
            {
                featureId = fid.ValueKind switch { JsonValueKind.String => fid.GetString(), JsonValueKind.Number => fid.GetRawText(), _ => null };
            }

            featureId ??= op == ChangeOp.Add ? $"{amendmentId}-{i + 1}" : null;
            if (featureId is null || featureId.Length is 0 or > 200 || featureId.Any(char.IsControl))
            {
                return Fail(ProblemKind.Invalid, at + ".featureId", "give the id of the feature to change or retire (1 to 200 characters)");
            }

            if (!seen.Add($"{layerId}/{featureId}"))
            {
                return Fail(ProblemKind.Invalid, at + ".featureId", $"{layerId}/{featureId} is named twice in the change set; make one change per feature");
            }

            var existing = await store.GetFeatureAsync(baseVersion.Id, layerId, featureId, ct);
            if (op == ChangeOp.Add && existing is not null)
            {
                return Fail(ProblemKind.Invalid, at + ".featureId", $"{layerId}/{featureId} exists in version {baseVersion.Id}; use op \"change\" to replace it");
            }

            if (op != ChangeOp.Add && existing is null)
            {
                return Fail(ProblemKind.NotFound, at + ".featureId", $"version {baseVersion.Id} has no feature {layerId}/{featureId}");
            }

            if (existing is not null)
            {
                replaced[$"{layerId}/{featureId}"] = existing;
            }

            if (op == ChangeOp.Retire)
            {
                if (hasFeature)
                {
                    return Fail(ProblemKind.Invalid, at + ".feature", "a retirement carries no feature; leave it out");
                }

                result.Add(new FeatureChange(ChangeOp.Retire, layerId, featureId, null));
                stored.Add(new JsonObject { ["op"] = "retire", ["layer"] = layerId, ["featureId"] = featureId });
                continue;
            }

            if (!hasFeature || feature.ValueKind != JsonValueKind.Object || Str(feature, "type") != "Feature")
            {
                return Fail(ProblemKind.Malformed, at + ".feature", "must be a GeoJSON Feature {\"type\": \"Feature\", \"geometry\": …, \"properties\": {…}}");
            }

            Geometry? geometry;
            try
            {
                geometry = feature.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object ? GeoJsonGeometry.Read(g) : null;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or JsonException or GeoJsonFormatException or NotSupportedException)
            {
                return Fail(ProblemKind.Invalid, at + ".feature.geometry", $"cannot be read as GeoJSON: {e.Message}");
            }

            if (geometry is null || geometry.IsEmpty)
            {
                return Fail(ProblemKind.Invalid, at + ".feature.geometry", $"is missing or empty; layer {layerId} holds {layer.Geometry} features");
            }

            vertices += geometry.NumPoints;
            if (vertices > MaxVertices)
            {
                return Fail(ProblemKind.TooLarge, at + ".feature.geometry", $"the change set has more than {MaxVertices} vertices; split it into several amendments");
            }

            if (!geometry.IsValid)
            {
                var error = new NetTopologySuite.Operation.Valid.IsValidOp(geometry).ValidationError;
                var where = error.Coordinate is { } c ? string.Create(CultureInfo.InvariantCulture, $" at {c.X:0.######} {c.Y:0.######}") : "";
                return Fail(ProblemKind.Invalid, at + ".feature.geometry", $"is not valid: {error.Message.ToLowerInvariant()}{where}; send a valid geometry");
            }

            var report = new ImportReport("amendment");
            var checkedGeometry = FeatureValidator.Validate(geometry, layer.Geometry, layerId, featureId, report);
            if (checkedGeometry is null)
            {
                return Fail(ProblemKind.Invalid, at + ".feature.geometry", string.Join("; ", report.Issues.Select(x => x.Message)));
            }

            JsonObject properties;
            try
            {
                properties = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? JsonNode.Parse(p.GetRawText())!.AsObject() : [];
            }
            catch (Exception e) when (e is ArgumentException or JsonException)
            {
                return Fail(ProblemKind.Invalid, at + ".feature.properties", e.Message);
            }

            if (properties.Any(kv => kv.Value is JsonObject or JsonArray))
            {
                return Fail(ProblemKind.Invalid, at + ".feature.properties", "plan attributes are plain values (string, number, boolean, null), not objects or lists");
            }

            foreach (var required in layer.Attributes.Where(a => a.Required).Select(a => a.Name).Where(n => properties[n] is null))
            {
                if (existing?.Properties[required] is { } kept)
                {
                    properties[required] = kept.DeepClone();
                }
                else
                {
                    return Fail(ProblemKind.Invalid, at + ".feature.properties." + required, $"layer {layerId} requires the attribute \"{required}\"");
                }
            }

            var provenance = new Provenance($"amendment {amendmentId}: {title}", Certainty.Indicative, $"proposed in amendment {amendmentId}: {rationale}");
            var planFeature = new PlanFeature(layerId, featureId, checkedGeometry, properties, provenance, existing?.ValidFrom, existing?.ValidTo);
            result.Add(new FeatureChange(op.Value, layerId, featureId, planFeature));
            var storedFeature = new JsonObject
            {
                ["type"] = "Feature",
                ["id"] = featureId,
                ["geometry"] = JsonNode.Parse(GeometryJson(checkedGeometry)),
                ["properties"] = properties.DeepClone(),
            };
            stored.Add(new JsonObject { ["op"] = FeatureChange.Name(op.Value), ["layer"] = layerId, ["featureId"] = featureId, ["feature"] = storedFeature });
        }

        return (new CheckedChangeSet(result, replaced, stored, layers), null);
    }

    /// <summary>The change set as it was stored when proposed, back as changes to publish (the same features that were reviewed).</summary>
    public static IReadOnlyList<FeatureChange> FromStored(AmendmentFile amendment)
    {
        var provenance = new Provenance($"amendment {amendment.Id}: {amendment.Title}", Certainty.Indicative, $"proposed in amendment {amendment.Id}: {amendment.Rationale}");
        return [.. amendment.Changes.Select(n =>
        {
            var op = n!["op"]!.GetValue<string>() switch { "add" => ChangeOp.Add, "change" => ChangeOp.Change, _ => ChangeOp.Retire };
            var layer = n["layer"]!.GetValue<string>();
            var id = n["featureId"]!.GetValue<string>();
            if (op == ChangeOp.Retire)
            {
                return new FeatureChange(op, layer, id, null);
            }

            using var doc = JsonDocument.Parse(n["feature"]!["geometry"]!.ToJsonString());
            var geometry = GeoJsonGeometry.Read(doc.RootElement)!;
            geometry.SRID = 4326;
            return new FeatureChange(op, layer, id, new PlanFeature(layer, id, geometry, n["feature"]!["properties"]!.AsObject().DeepClone().AsObject(), provenance));
        })];
    }

    private static string GeometryJson(Geometry g)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(w, g);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Clip(string? s) => s is null ? "" : s.Length > 60 ? s[..60] + "…" : s;

    private static (CheckedChangeSet?, ChangeProblem?) Fail(ProblemKind kind, string where, string message) => (null, new ChangeProblem(kind, where, $"{where}: {message}"));
}
