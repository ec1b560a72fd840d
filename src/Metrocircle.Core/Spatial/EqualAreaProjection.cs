using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Spatial;

/// <summary>
/// Albers equal-area conic on the WGS 84 ellipsoid (Snyder, Map Projections: A Working Manual, §14).
/// Areas are computed here, never in degrees; each dataset names its own parameters.
/// </summary>
public sealed class EqualAreaProjection
{
    private const double A = 6378137.0;
    private const double F = 1 / 298.257223563;
    private static readonly double E2 = (2 * F) - (F * F);
    private static readonly double E = Math.Sqrt(E2);

    private readonly double _lon0;
    private readonly double _n;
    private readonly double _c;
    private readonly double _rho0;

    public EqualAreaProjection(double lat0, double lon0, double lat1, double lat2)
    {
        Lat0 = lat0;
        Lon0 = lon0;
        Lat1 = lat1;
        Lat2 = lat2;
        _lon0 = Radians(lon0);
        double phi1 = Radians(lat1), phi2 = Radians(lat2);
        double m1 = M(phi1), m2 = M(phi2), q1 = Q(phi1), q2 = Q(phi2);
        _n = Math.Abs(lat1 - lat2) < 1e-12 ? Math.Sin(phi1) : ((m1 * m1) - (m2 * m2)) / (q2 - q1);
        _c = (m1 * m1) + (_n * q1);
        _rho0 = Rho(Radians(lat0));
    }

    public double Lat0 { get; }

    public double Lon0 { get; }

    public double Lat1 { get; }

    public double Lat2 { get; }

    /// <summary>The projection as a PROJ string, for reports and for PostGIS.</summary>
    public string Proj4 => FormattableString.Invariant(
        $"+proj=aea +lat_0={Lat0} +lon_0={Lon0} +lat_1={Lat1} +lat_2={Lat2} +datum=WGS84 +units=m +no_defs");

    public (double X, double Y) Forward(double lon, double lat)
    {
        var rho = Rho(Radians(lat));
        var (sin, cos) = Math.SinCos(_n * NormalizeLongitude(Radians(lon) - _lon0));
        return (rho * sin, _rho0 - (rho * cos));
    }

    /// <summary>Projected metres back to lon/lat (Snyder eq. 14-19 to 14-21, latitude by iteration).</summary>
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

    /// <summary>A copy of a projected geometry back in lon/lat.</summary>
    public Geometry Unproject(Geometry geometry)
    {
        var copy = geometry.Copy();
        copy.Apply(new InverseFilter(this));
        copy.GeometryChanged();
        copy.SRID = 4326;
        return copy;
    }

    /// <summary>A copy of the geometry in projected metres.</summary>
    public Geometry Project(Geometry geometry)
    {
        var copy = geometry.Copy();
        copy.Apply(new ProjectFilter(this));
        copy.GeometryChanged();
        return copy;
    }

    /// <summary>Area in square metres of a lon/lat geometry.</summary>
    public double Area(Geometry geometry) => geometry.IsEmpty ? 0 : Project(geometry).Area;

    /// <summary>Length in metres of a lon/lat geometry.</summary>
    public double Length(Geometry geometry) => geometry.IsEmpty ? 0 : Project(geometry).Length;

    private double Rho(double phi) => A * Math.Sqrt(_c - (_n * Q(phi))) / _n;

    private static double Q(double phi)
    {
        var s = Math.Sin(phi);
        var es = E * s;
        return (1 - E2) * ((s / (1 - (E2 * s * s))) - (1 / (2 * E) * Math.Log((1 - es) / (1 + es))));
    }

    private static double M(double phi)
    {
        var s = Math.Sin(phi);
        return Math.Cos(phi) / Math.Sqrt(1 - (E2 * s * s));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180.0;

    private static double NormalizeLongitude(double lambda)
    {
        while (lambda > Math.PI)
        {
            lambda -= 2 * Math.PI;
        }

        while (lambda < -Math.PI)
        {
            lambda += 2 * Math.PI;
        }

        return lambda;
    }

    private sealed class InverseFilter(EqualAreaProjection projection) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (lon, lat) = projection.Inverse(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, lon);
                seq.SetY(i, lat);
            }
        }
    }

    private sealed class ProjectFilter(EqualAreaProjection projection) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = projection.Forward(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }
}
