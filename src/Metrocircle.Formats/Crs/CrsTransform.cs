using System.Globalization;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.Crs;

/// <summary>
/// Moves coordinates between a file's CRS and lon/lat in place, and says which CRS and which transformation, for the
/// import report. Known: Web Mercator and Albers equal-area on WGS 84 (the datasets' own metric CRS), whose inverses
/// Metrocircle has, and CGCS2000 with its Gauss–Krüger zones through ProjNET (<see cref="ChinaCrs"/>). Anything else
/// is refused by the reader with the CRS's name rather than guessed at.
/// </summary>
internal sealed partial class CrsTransform(string name, Func<double, double, (double X, double Y)>? transform, string method)
{
    private const double EarthRadius = 6378137.0;

    /// <summary>The source CRS, e.g. <c>EPSG:4527 (CGCS2000 / 3-degree Gauss-Kruger zone 39)</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The transformation used, for the import report.</summary>
    public string Method { get; } = method;

    public static CrsTransform WebMercator { get; } = new("EPSG:3857 (Web Mercator)", (x, y) =>
        (x / EarthRadius * 180 / Math.PI, ((2 * Math.Atan(Math.Exp(y / EarthRadius))) - (Math.PI / 2)) * 180 / Math.PI),
        "spherical Web Mercator inverse");

    /// <summary>A CRS whose coordinates are already lon/lat as Metrocircle stores them.</summary>
    public static CrsTransform Identity(string name, string method) => new(name, null, method);

    /// <summary>The sentence of the import report: source CRS and transformation.</summary>
    public string Describe() => $"source CRS {Name}; transformation: {Method}";

    public void Apply(Geometry geometry)
    {
        if (transform is null)
        {
            return;
        }

        geometry.Apply(new InverseFilter(transform));
        geometry.GeometryChanged();
    }

    public (double X, double Y) Apply(double x, double y) => transform is null ? (x, y) : transform(x, y);

    public static bool IsWebMercator(string? organization, long? code, string? definition) =>
        (string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase) && code is 3857 or 3785 or 900913 or 102100)
        || (definition is not null && (definition.Contains("Pseudo-Mercator", StringComparison.OrdinalIgnoreCase)
            || definition.Contains("Mercator_Auxiliary_Sphere", StringComparison.OrdinalIgnoreCase)
            || definition.Contains("Popular Visualisation", StringComparison.OrdinalIgnoreCase)));

    public static bool IsWgs84Datum(string wkt) =>
        wkt.Contains("WGS_1984", StringComparison.OrdinalIgnoreCase) || wkt.Contains("WGS 84", StringComparison.OrdinalIgnoreCase)
        || wkt.Contains("WGS84", StringComparison.OrdinalIgnoreCase);

    public static bool IsProjectedWkt(string wkt) =>
        wkt.TrimStart().StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase) || wkt.TrimStart().StartsWith("PROJCRS", StringComparison.OrdinalIgnoreCase);

    public static bool IsGeographicWkt(string wkt)
    {
        var t = wkt.TrimStart();
        return t.StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase) || t.StartsWith("GEOGCRS", StringComparison.OrdinalIgnoreCase)
            || t.StartsWith("GEODCRS", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An Albers equal-area CRS on WGS 84 in metres, from WKT 1 or WKT 2; null for anything else.</summary>
    public static CrsTransform? AlbersFromWkt(string wkt)
    {
        if (!IsProjectedWkt(wkt) || !wkt.Contains("Albers", StringComparison.OrdinalIgnoreCase) || !IsWgs84Datum(wkt))
        {
            return null;
        }

        var p = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Parameter().Matches(wkt))
        {
            p[m.Groups[1].Value.ToLowerInvariant().Replace(' ', '_')] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        double? Get(params string[] names) => names.Select(n => p.TryGetValue(n, out var v) ? v : (double?)null).FirstOrDefault(v => v is not null);
        var lat1 = Get("standard_parallel_1", "latitude_of_1st_standard_parallel");
        var lat2 = Get("standard_parallel_2", "latitude_of_2nd_standard_parallel");
        var lat0 = Get("latitude_of_center", "latitude_of_origin", "latitude_of_false_origin");
        var lon0 = Get("longitude_of_center", "central_meridian", "longitude_of_false_origin");
        if (lat1 is null || lat2 is null || lat0 is null || lon0 is null)
        {
            return null;
        }

        var fe = Get("false_easting", "easting_at_false_origin") ?? 0;
        var fn = Get("false_northing", "northing_at_false_origin") ?? 0;
        var projection = new Metrocircle.Core.Spatial.EqualAreaProjection(lat0.Value, lon0.Value, lat1.Value, lat2.Value);
        return new CrsTransform(FormattableString.Invariant($"+proj=aea +lat_0={lat0} +lon_0={lon0} +lat_1={lat1} +lat_2={lat2} +datum=WGS84"),
            (x, y) => projection.Inverse(x - fe, y - fn), "Metrocircle's Albers equal-area inverse on WGS 84");
    }

    [GeneratedRegex("""PARAMETER\[\s*"([^"]+)"\s*,\s*([-+0-9.eE]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex Parameter();

    private sealed class InverseFilter(Func<double, double, (double Lon, double Lat)> inverse) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (lon, lat) = inverse(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, lon);
                seq.SetY(i, lat);
            }
        }
    }
}
