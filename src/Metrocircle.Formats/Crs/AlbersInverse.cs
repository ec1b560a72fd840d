namespace Metrocircle.Formats.Crs;

/// <summary>
/// Inverse Albers equal-area conic on the WGS 84 ellipsoid (Snyder, Map Projections: A Working Manual, §14,
/// eq. 14-19 to 14-21, latitude by iteration), for files written in a dataset's metric CRS.
/// </summary>
internal sealed class AlbersInverse
{
    private const double A = 6378137.0;
    private const double F = 1 / 298.257223563;
    private static readonly double E2 = (2 * F) - (F * F);
    private static readonly double E = Math.Sqrt(E2);

    private readonly double _lon0;
    private readonly double _n;
    private readonly double _c;
    private readonly double _rho0;

    public AlbersInverse(double lat0, double lon0, double lat1, double lat2)
    {
        _lon0 = Radians(lon0);
        double phi1 = Radians(lat1), phi2 = Radians(lat2);
        double m1 = M(phi1), m2 = M(phi2), q1 = Q(phi1), q2 = Q(phi2);
        _n = Math.Abs(lat1 - lat2) < 1e-12 ? Math.Sin(phi1) : ((m1 * m1) - (m2 * m2)) / (q2 - q1);
        _c = (m1 * m1) + (_n * q1);
        _rho0 = A * Math.Sqrt(_c - (_n * Q(Radians(lat0)))) / _n;
    }

    public (double Lon, double Lat) Inverse(double x, double y)
    {
        var dy = _rho0 - y;
        var rho = Math.Sqrt((x * x) + (dy * dy));
        var theta = _n >= 0 ? Math.Atan2(x, dy) : Math.Atan2(-x, -dy);
        var q = (_c - (rho * rho * _n * _n / (A * A))) / _n;
        var phi = Math.Asin(Math.Clamp(q / 2, -1, 1));
        for (var i = 0; i < 15; i++)
        {
            var s = Math.Sin(phi);
            var es = E * s;
            var one = 1 - (E2 * s * s);
            var delta = one * one / (2 * Math.Cos(phi)) * ((q / (1 - E2)) - (s / one) + (1 / (2 * E) * Math.Log((1 - es) / (1 + es))));
            phi += delta;
            if (Math.Abs(delta) < 1e-14)
            {
                break;
            }
        }

        return ((_lon0 + (theta / _n)) * 180 / Math.PI, phi * 180 / Math.PI);
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;

    private static double M(double phi) => Math.Cos(phi) / Math.Sqrt(1 - (E2 * Math.Sin(phi) * Math.Sin(phi)));

    private static double Q(double phi)
    {
        var s = Math.Sin(phi);
        var es = E * s;
        return (1 - E2) * ((s / (1 - (es * es))) - (1 / (2 * E) * Math.Log((1 - es) / (1 + es))));
    }
}
