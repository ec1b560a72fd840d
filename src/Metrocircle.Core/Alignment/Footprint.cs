using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;

namespace Metrocircle.Core.Alignment;

/// <summary>Why a footprint cannot be checked: what kind of problem, a title, and a detail that says what and where.</summary>
public sealed record FootprintProblem(ProblemKind Kind, string Title, string Detail, Coordinate? Location = null);

/// <summary>A validated project footprint: lon/lat as given (buffered for points and lines), its metric twin, category and attributes.</summary>
public sealed record Footprint(Geometry LonLat, Geometry Metric, string Category, double? BufferM, JsonObject Attributes, string InputHash)
{
    public const int MaxVertices = 20_000;
    public const double MaxBufferM = 10_000;

    /// <summary>
    /// Reads a GeoJSON Feature whose properties carry <c>category</c> (and <c>bufferM</c> for a point or line site),
    /// and checks it against the snapshot; returns either the footprint or the problem.
    /// </summary>
    public static (Footprint? Footprint, FootprintProblem? Problem) FromFeature(JsonElement feature, PlanSnapshot snapshot)
    {
        try
        {
            return Read(feature, snapshot);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or TopologyException)
        {
            // Whatever a malformed footprint trips over in parsing or geometry code is the sender's input, not a fault here.
            return Fail(ProblemKind.Invalid, "Unreadable footprint", $"The footprint cannot be read as a GeoJSON Feature with a valid geometry: {e.Message}");
        }
    }

    private static (Footprint? Footprint, FootprintProblem? Problem) Read(JsonElement feature, PlanSnapshot snapshot)
    {
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
        {
            return Fail(ProblemKind.Malformed, "Not a GeoJSON Feature", "The body must be one GeoJSON Feature: {\"type\": \"Feature\", \"geometry\": …, \"properties\": {\"category\": …}}.");
        }

        var crs = UnsupportedCrs(feature) ?? (feature.TryGetProperty("geometry", out var withCrs) ? UnsupportedCrs(withCrs) : null);
        if (crs is not null)
        {
            return Fail(ProblemKind.Invalid, "Unsupported CRS", $"The footprint names the CRS \"{crs}\"; send WGS 84 or CGCS2000 longitude/latitude (CRS84, EPSG:4326 or EPSG:4490), or leave the crs member out as RFC 7946 does.");
        }

        JsonObject properties;
        try
        {
            properties = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(p.GetRawText())!.AsObject().DeepClone().AsObject()
                : [];
        }
        catch (ArgumentException e)
        {
            // A JSON object whose member names repeat cannot be a set of properties.
            return Fail(ProblemKind.Malformed, "Repeated property", $"The footprint's properties repeat a name: {e.Message}");
        }

        Geometry? geometry;
        try
        {
            geometry = feature.TryGetProperty("geometry", out var g) ? GeoJsonGeometry.Read(g) : null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OverflowException)
        {
            return Fail(ProblemKind.Invalid, "Unreadable geometry", $"The footprint's geometry cannot be read: {e.Message}.");
        }
        catch (GeoJsonFormatException e)
        {
            return Fail(ProblemKind.Invalid, "Unreadable geometry", $"The footprint's geometry cannot be read: {e.Message}.");
        }
        catch (FormatException e)
        {
            return Fail(ProblemKind.Invalid, "Unreadable geometry", $"The footprint's geometry cannot be read: {e.Message}.");
        }

        var category = properties["category"] is JsonValue cv && cv.TryGetValue<string>(out var c) ? c : null;
        double? buffer = properties["bufferM"] is JsonValue bv && bv.TryGetValue<double>(out var b) ? b : null;
        properties.Remove("category");
        properties.Remove("bufferM");
        return Create(geometry, category, buffer, properties, snapshot);
    }

    /// <summary>The name in an old-style GeoJSON <c>crs</c> member when it is not a lon/lat CRS this reader takes as WGS 84; else null.</summary>
    private static string? UnsupportedCrs(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("crs", out var crs) || crs.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var name = crs.ValueKind == JsonValueKind.Object && crs.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            && props.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : crs.GetRawText();
        string[] lonLat = ["CRS84", "EPSG:4326", "EPSG::4326", "EPSG:4490", "EPSG::4490"];
        return lonLat.Any(l => name.EndsWith(l, StringComparison.OrdinalIgnoreCase)) ? null : name.Length > 120 ? name[..120] + "…" : name;
    }

    public static (Footprint? Footprint, FootprintProblem? Problem) Create(Geometry? geometry, string? category, double? bufferM, JsonObject attributes, PlanSnapshot snapshot)
    {
        if (string.IsNullOrWhiteSpace(category))
        {
            return Fail(ProblemKind.Malformed, "Missing category", $"properties.category is required; one of: {string.Join(", ", snapshot.Categories.Keys)}.");
        }

        var match = ProjectCategories.Resolve(snapshot.Categories, category);
        if (match.IsAmbiguous)
        {
            // A code that names several categories is a request that does not say what it asks for, not a bad value.
            return Fail(ProblemKind.Malformed, "Ambiguous category code",
                $"category \"{category}\" is a land-use code carried by {match.Candidates.Count} categories of plan version {snapshot.Version.Id}: "
                + $"{string.Join("; ", match.Candidates.Select(c => $"{c.Id} ({c.NameEn}, {string.Join("/", c.Codes)})"))}; name one of them by its id.");
        }

        if (match.Category is null)
        {
            return Fail(ProblemKind.Invalid, "Unknown category",
                $"category \"{category}\" is not in the catalogue of plan version {snapshot.Version.Id}, by id or by land-use code; use one of: {string.Join(", ", snapshot.Categories.Values.Select(c => c.Codes.Count == 0 ? c.Id : $"{c.Id} ({string.Join("/", c.Codes)})"))}.");
        }

        category = match.Category.Id;

        if (geometry is null || geometry.IsEmpty)
        {
            return Fail(ProblemKind.Invalid, "Empty geometry", "The footprint has no geometry; give a Polygon or MultiPolygon, or a Point or LineString with properties.bufferM.");
        }

        if (geometry.NumPoints > MaxVertices)
        {
            return Fail(ProblemKind.TooLarge, "Footprint too detailed", $"The footprint has {geometry.NumPoints} vertices; at most {MaxVertices} are accepted. Simplify it first.");
        }

        foreach (var coordinate in geometry.Coordinates)
        {
            if (!double.IsFinite(coordinate.X) || !double.IsFinite(coordinate.Y) || coordinate.X is < -180 or > 180 || coordinate.Y is < -90 or > 90)
            {
                return Fail(ProblemKind.Invalid, "Coordinates are not longitude/latitude",
                    string.Create(CultureInfo.InvariantCulture, $"Position ({coordinate.X}, {coordinate.Y}) is outside longitude -180..180 / latitude -90..90; send WGS 84 lon/lat (CRS84), not projected metres."),
                    double.IsFinite(coordinate.X) && double.IsFinite(coordinate.Y) ? coordinate : null); // JSON cannot carry an infinite location
            }
        }

        var isArea = geometry is Polygon or MultiPolygon;
        var isSite = geometry is Point or LineString or MultiPoint or MultiLineString;
        if (!isArea && !isSite)
        {
            return Fail(ProblemKind.Invalid, "Unsupported geometry", $"A {geometry.GeometryType} cannot be a footprint; use a Polygon, MultiPolygon, or a Point/LineString with properties.bufferM.");
        }

        if (isSite && (bufferM is not > 0 || bufferM > MaxBufferM))
        {
            return Fail(ProblemKind.Invalid, "Buffer width needed", string.Create(CultureInfo.InvariantCulture,
                $"A {geometry.GeometryType} footprint needs properties.bufferM, a width in metres between 0 and {MaxBufferM} (got {(bufferM is null ? "none" : bufferM.Value.ToString(CultureInfo.InvariantCulture))})."));
        }

        if (isArea)
        {
            var validity = new IsValidOp(geometry);
            if (!validity.IsValid)
            {
                var at = validity.ValidationError.Coordinate;
                return Fail(ProblemKind.Invalid, "Invalid footprint", string.Create(CultureInfo.InvariantCulture,
                    $"The footprint is not a valid polygon: {validity.ValidationError.Message.ToLowerInvariant()} at {at.X:0.######} {at.Y:0.######}. Fix the ring there and send it again."), at);
            }
        }

        var metric = snapshot.Projection.Project(geometry);
        if (isSite)
        {
            metric = metric.Buffer(bufferM!.Value, 8);
        }

        if (snapshot.PlanArea is { } area && !area.Intersects(metric.EnvelopeInternal))
        {
            return Fail(ProblemKind.Invalid, "Outside the plan area", "The footprint lies entirely outside the area this plan covers; check the coordinates (longitude first).");
        }

        var lonLat = isSite ? snapshot.Projection.Unproject(metric) : geometry;
        return (new Footprint(lonLat, metric, category, isSite ? bufferM : null, attributes, Hash(geometry, category, isSite ? bufferM : null)), null);
    }

    /// <summary>
    /// SHA-256 of the inputs that decide the verdict: the normalised geometry (so ring start and orientation do not
    /// matter), the category and the buffer width.
    /// </summary>
    private static string Hash(Geometry geometry, string category, double? bufferM)
    {
        var normalised = geometry.Copy();
        normalised.Normalize();
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false).Write(normalised);
        var suffix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"|{category}|{bufferM?.ToString("R", CultureInfo.InvariantCulture) ?? "-"}"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. wkb, .. suffix]));
    }

    private static (Footprint?, FootprintProblem?) Fail(ProblemKind kind, string title, string detail, Coordinate? at = null) => (null, new FootprintProblem(kind, title, detail, at));
}
