namespace Metrocircle.Formats.Crs;

internal static class CrsNames
{
    /// <summary>Names by which files say "longitude, latitude on WGS 84".</summary>
    public static bool IsLonLatWgs84Name(string name)
    {
        var n = name.Trim();
        return n.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase)
            || n.Equals("EPSG:4326", StringComparison.OrdinalIgnoreCase)
            || n.EndsWith("EPSG::4326", StringComparison.OrdinalIgnoreCase)
            || n.EndsWith("EPSG/0/4326", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The EPSG code in <c>EPSG:4527</c>, <c>urn:ogc:def:crs:EPSG::4527</c> or <c>http://www.opengis.net/def/crs/EPSG/0/4527</c>.</summary>
    public static long? EpsgCode(string name)
    {
        var n = name.Trim();
        var at = n.LastIndexOf("EPSG", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var tail = n[(at + 4)..].TrimStart(':', '/');
        if (tail.StartsWith("0/", StringComparison.Ordinal))
        {
            tail = tail[2..];
        }

        return long.TryParse(tail, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
    }
}
