using System.Buffers;
using System.Text.Json;
using Metrocircle.Core.Spatial;

namespace Metrocircle.Core.Conflicts;

/// <summary>The properties of a conflict patch as served (names fixed by the conflicts contract).</summary>
public sealed record ConflictProperties(
    string Rule,
    string Severity,
    string Status,
    string LayerA,
    string FeatureA,
    string LayerB,
    string FeatureB,
    string? County,
    string? Province,
    double? AreaM2,
    double? LengthM,
    string? Reason,
    string? AmendmentId,
    string PlanVersion);

/// <summary>A conflict patch as a GeoJSON Feature in lon/lat (CRS84); <see cref="Id"/> is the patch's stable id.</summary>
public sealed record ConflictFeature(string Type, string Id, JsonElement Geometry, ConflictProperties Properties)
{
    /// <summary>The patch as a Feature, its geometry taken back from the plan's equal-area projection to lon/lat.</summary>
    public static ConflictFeature From(ConflictPatch patch, EqualAreaProjection projection, string planVersion) =>
        From(patch, projection.Unproject(patch.Metric), planVersion);

    /// <summary>The patch as a Feature with its geometry already in lon/lat.</summary>
    public static ConflictFeature From(ConflictPatch patch, NetTopologySuite.Geometries.Geometry lonLat, string planVersion)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(w, lonLat);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return new ConflictFeature("Feature", patch.Id, doc.RootElement.Clone(), new ConflictProperties(
            patch.Rule, patch.Severity, Name(patch.Status), patch.LayerA, patch.FeatureA, patch.LayerB, patch.FeatureB,
            patch.County, patch.Province, Round(patch.AreaM2), Round(patch.LengthM), patch.Reason, patch.AmendmentId, planVersion));
    }

    /// <summary>The same feature with another status (and its reason), as an office decision sets it.</summary>
    public ConflictFeature WithStatus(ConflictStatus status, string? reason) =>
        this with { Properties = Properties with { Status = Name(status), Reason = reason } };

    /// <summary>The wire name of a status.</summary>
    public static string Name(ConflictStatus status) => status.ToString().ToLowerInvariant();

    // Centimetres and square centimetres: more would be noise from the projection, less would hide the 0.1% check.
    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
