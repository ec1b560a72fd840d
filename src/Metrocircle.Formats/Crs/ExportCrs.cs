using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.Crs;

/// <summary>
/// A CRS <c>export --crs</c> can write besides lon/lat: CGCS2000 (EPSG:4490, the same numbers as WGS 84 within the
/// stated tolerance) and its Gauss–Krüger zones (EPSG:4491–4554), projected through ProjNET. The file names its CRS
/// in the GeoJSON 2008 <c>crs</c> member, as GDAL writes and reads it (and as <c>import</c> reads it back).
/// </summary>
public sealed class ExportCrs
{
    private readonly CrsTransform _forward;
    private readonly CrsTransform _inverse;

    private ExportCrs(long code, CrsTransform forward, CrsTransform inverse)
    {
        Code = code;
        _forward = forward;
        _inverse = inverse;
    }

    /// <summary>True for a projected CRS (a Gauss–Krüger zone, metres), false for CGCS2000 geographic (degrees).</summary>
    public bool IsProjected => Code != 4490;

    public long Code { get; }

    /// <summary>The CRS and the transformation, for the verb's message.</summary>
    public string Description => $"{_forward.Name}; {_forward.Method}";

    /// <summary>What <c>--crs</c> accepts, for the usage message.</summary>
    public const string Supported = "EPSG:4326 (lon/lat, the default), EPSG:4490 (CGCS2000) or a CGCS2000 Gauss-Kruger zone EPSG:4491-4554";

    /// <summary>The CRS named <c>EPSG:4527</c> (or as a URN or URI); null for lon/lat WGS 84; an exception for anything else.</summary>
    public static ExportCrs? Parse(string name)
    {
        if (CrsNames.IsLonLatWgs84Name(name))
        {
            return null;
        }

        var code = CrsNames.EpsgCode(name);
        if (code == 4490)
        {
            var identity = CrsTransform.Identity("EPSG:4490 (CGCS2000)", ChinaCrs.Cgcs2000AsWgs84);
            return new ExportCrs(4490, identity, identity);
        }

        return code is { } c && ChinaCrs.Zone(c) is { } zone
            ? new ExportCrs(c, zone.FromLonLat(), zone.ToLonLat())
            : throw new ArgumentException($"--crs \"{name}\" is not a CRS export can write; use {Supported}", nameof(name));
    }

    public void WriteCrsMember(Utf8JsonWriter w)
    {
        w.WriteStartObject("crs");
        w.WriteString("type", "name");
        w.WriteStartObject("properties");
        w.WriteString("name", string.Create(CultureInfo.InvariantCulture, $"urn:ogc:def:crs:EPSG::{Code}"));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The feature with its geometry in this CRS (easting, northing); the stored feature is not touched.</summary>
    public PlanFeature Project(PlanFeature feature)
    {
        if (feature.Geometry is not { IsEmpty: false } geometry)
        {
            return feature;
        }

        var copy = geometry.Copy();
        _forward.Apply(copy);
        return feature with { Geometry = copy };
    }

    /// <summary>A point of this CRS (easting, northing; or lon, lat) back to lon/lat.</summary>
    public (double Lon, double Lat) Unproject(double x, double y) => _inverse.Apply(x, y);

    /// <summary>
    /// The EPSG codes of the CGCS2000 3° Gauss–Krüger zones (with the zone-number prefix, 4513–4533, then without it,
    /// 4534–4554) whose 1.5° half-width around the central meridian covers some of the longitudes from
    /// <paramref name="minLon"/> to <paramref name="maxLon"/>.
    /// </summary>
    public static IReadOnlyList<long> GaussKruger3Covering(double minLon, double maxLon)
    {
        var first = Math.Max(25, (int)Math.Floor((minLon + 1.5) / 3));
        var last = Math.Min(45, (int)Math.Floor((maxLon + 1.5) / 3));
        var zones = Enumerable.Range(first, Math.Max(0, last - first + 1)).ToList();
        return [.. zones.Select(z => 4513L + z - 25), .. zones.Select(z => 4534L + z - 25)];
    }

    /// <summary>One lon/lat point in this CRS.</summary>
    public Coordinate Project(double lon, double lat)
    {
        var (x, y) = _forward.Apply(lon, lat);
        return new Coordinate(x, y);
    }
}
