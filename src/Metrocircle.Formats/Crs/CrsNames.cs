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
}
