using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using ProjNet.IO.CoordinateSystems;

namespace Metrocircle.Formats.Crs;

/// <summary>
/// The Chinese national CRSs a plan's files come in: CGCS2000 geographic (EPSG:4490) and its Gauss–Krüger zones
/// (EPSG:4491–4554), recognised by EPSG code or from WKT (a shapefile's .prj, a GeoPackage without an EPSG code).
/// The projection is ProjNET's transverse Mercator on the CGCS2000 ellipsoid; CGCS2000 longitude and latitude are
/// then taken as WGS 84's, which is also what PROJ does (a "ballpark" null transformation, unknown accuracy). The frames
/// agree at the centimetre level at epoch 2000.0 (CGCS2000 is ITRF97 at 2000.0); since then north China has moved about
/// 3 cm a year with the Eurasian plate, so a point's current WGS 84 coordinates lie up to about 0.8 m from its CGCS2000
/// ones (2026): within the stated sub-metre tolerance and the plan's 1 m edge tolerance, not survey-grade.
/// Beijing 1954 and Xi'an 1980 are refused by name: the EPSG dataset (as PROJ 9 lists it) has Beijing 1954 → WGS 84
/// transformations with a stated accuracy only for the Tarim and Ordos basins and offshore, and none for Xi'an 1980.
/// </summary>
internal static class ChinaCrs
{
    public const double SemiMajor = 6378137;
    public const double InverseFlattening = 298.257222101;

    /// <summary>What the import report says of CGCS2000 taken as WGS 84.</summary>
    public const string Cgcs2000AsWgs84 = "CGCS2000 longitude/latitude taken as WGS 84 (null datum transformation; the frames differ by under 1 m in north China, about 3 cm a year of plate motion since epoch 2000.0: within the stated sub-metre tolerance)";

    private static readonly Lazy<GeographicCoordinateSystem> Cgcs2000 = new(() =>
    {
        var factory = new CoordinateSystemFactory();
        var ellipsoid = factory.CreateFlattenedSphere("CGCS2000", SemiMajor, InverseFlattening, LinearUnit.Metre);
        var datum = factory.CreateHorizontalDatum("China_2000", DatumType.HD_Geocentric, ellipsoid, null);
        return factory.CreateGeographicCoordinateSystem("China Geodetic Coordinate System 2000", AngularUnit.Degrees, datum,
            PrimeMeridian.Greenwich, new AxisInfo("Lon", AxisOrientationEnum.East), new AxisInfo("Lat", AxisOrientationEnum.North));
    });

    /// <summary>A Gauss–Krüger zone: central meridian in degrees and false easting in metres (500000, or the zone number's prefix on it).</summary>
    public sealed record GaussKruger(string Name, double CentralMeridian, double FalseEasting)
    {
        public ProjectedCoordinateSystem CoordinateSystem()
        {
            var factory = new CoordinateSystemFactory();
            var projection = factory.CreateProjection("Gauss-Kruger", "Transverse_Mercator",
            [
                new ProjectionParameter("latitude_of_origin", 0),
                new ProjectionParameter("central_meridian", CentralMeridian),
                new ProjectionParameter("scale_factor", 1),
                new ProjectionParameter("false_easting", FalseEasting),
                new ProjectionParameter("false_northing", 0),
            ]);
            return factory.CreateProjectedCoordinateSystem(Name, Cgcs2000.Value, projection, LinearUnit.Metre,
                new AxisInfo("East", AxisOrientationEnum.East), new AxisInfo("North", AxisOrientationEnum.North));
        }

        /// <summary>Easting, northing to CGCS2000 lon/lat.</summary>
        public CrsTransform ToLonLat()
        {
            var cs = CoordinateSystem();
            var math = new CoordinateTransformationFactory().CreateFromCoordinateSystems(cs, cs.GeographicCoordinateSystem).MathTransform;
            return new CrsTransform(Name, (x, y) => Apply(math, x, y), Described(cs, "inverse"));
        }

        /// <summary>CGCS2000 (taken as WGS 84) lon/lat to easting, northing.</summary>
        public CrsTransform FromLonLat()
        {
            var cs = CoordinateSystem();
            var math = new CoordinateTransformationFactory().CreateFromCoordinateSystems(cs.GeographicCoordinateSystem, cs).MathTransform;
            return new CrsTransform(Name, (lon, lat) => Apply(math, lon, lat), Described(cs, "forward"));
        }

        private string Described(ProjectedCoordinateSystem cs, string direction) => string.Create(CultureInfo.InvariantCulture,
            $"ProjNET transverse Mercator ({direction}) on the CGCS2000 ellipsoid (a={SemiMajor}, 1/f={InverseFlattening}), central meridian {CentralMeridian}°, k=1, false easting {FalseEasting} m; {Cgcs2000AsWgs84}");

        private static (double, double) Apply(MathTransform math, double x, double y)
        {
            math.Transform(ref x, ref y);
            return (x, y);
        }
    }

    /// <summary>The EPSG code's CRS: null when the code is not CGCS2000's; a <see cref="LayerFileException"/> for Beijing 1954 or Xi'an 1980.</summary>
    public static CrsTransform? FromEpsg(long code, string where)
    {
        if (code == 4490)
        {
            return CrsTransform.Identity("EPSG:4490 (CGCS2000)", Cgcs2000AsWgs84);
        }

        if (Zone(code) is { } zone)
        {
            return zone.ToLonLat();
        }

        if (RefusedName(code) is { } refused)
        {
            throw Refusal(where, $"EPSG:{code} ({refused})");
        }

        return null;
    }

    /// <summary>The Gauss–Krüger zone of an EPSG code in 4491–4554, or null.</summary>
    public static GaussKruger? Zone(long code)
    {
        static string N(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        return code switch
        {
            >= 4491 and <= 4501 => new GaussKruger(N($"EPSG:{code} (CGCS2000 / Gauss-Kruger zone {code - 4491 + 13})"), (6 * (code - 4491 + 13)) - 3, ((code - 4491 + 13) * 1e6) + 500000),
            >= 4502 and <= 4512 => new GaussKruger(N($"EPSG:{code} (CGCS2000 / Gauss-Kruger CM {75 + (6 * (code - 4502))}E)"), 75 + (6 * (code - 4502)), 500000),
            >= 4513 and <= 4533 => new GaussKruger(N($"EPSG:{code} (CGCS2000 / 3-degree Gauss-Kruger zone {code - 4513 + 25})"), 3 * (code - 4513 + 25), ((code - 4513 + 25) * 1e6) + 500000),
            >= 4534 and <= 4554 => new GaussKruger(N($"EPSG:{code} (CGCS2000 / 3-degree Gauss-Kruger CM {75 + (3 * (code - 4534))}E)"), 75 + (3 * (code - 4534)), 500000),
            _ => null,
        };
    }

    /// <summary>
    /// A CGCS2000 CRS described by WKT 1 (ESRI or OGC flavour): geographic, or a Gauss–Krüger / transverse Mercator
    /// zone with k = 1, latitude of origin 0, false northing 0 and a false easting of 500000 or the zone's prefix on it.
    /// Null when the WKT describes something else; a refusal for Beijing 1954 and Xi'an 1980.
    /// </summary>
    public static CrsTransform? FromWkt(string wkt, string where)
    {
        CoordinateSystem cs;
        try
        {
            cs = (CoordinateSystem)CoordinateSystemWktReader.Parse(wkt);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // WKT 2, ESRI variants ProjNET does not know, or plain text: not a CRS this class recognises.
            return null;
        }

        var geographic = cs switch
        {
            ProjectedCoordinateSystem p => p.GeographicCoordinateSystem,
            GeographicCoordinateSystem g => g,
            _ => null,
        };
        if (geographic?.HorizontalDatum?.Ellipsoid is not { } ellipsoid)
        {
            return null;
        }

        if (RefusedDatum(geographic.HorizontalDatum.Name, ellipsoid) is { } refused)
        {
            throw Refusal(where, $"\"{cs.Name}\" ({refused})");
        }

        if (!IsCgcs2000(geographic.HorizontalDatum.Name, ellipsoid))
        {
            return null;
        }

        if (cs is GeographicCoordinateSystem)
        {
            return CrsTransform.Identity($"\"{cs.Name}\" (CGCS2000 geographic)", Cgcs2000AsWgs84);
        }

        var projected = (ProjectedCoordinateSystem)cs;
        var className = projected.Projection.ClassName.Replace(' ', '_');
        if (!className.Equals("Gauss_Kruger", StringComparison.OrdinalIgnoreCase) && !className.Equals("Transverse_Mercator", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        double? Get(string name) => Enumerable.Range(0, projected.Projection.NumParameters).Select(projected.Projection.GetParameter)
            .FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;
        var metres = projected.LinearUnit?.MetersPerUnit ?? 1;
        var (cm, fe, fn, k, lat0) = (Get("central_meridian"), Get("false_easting"), Get("false_northing") ?? 0, Get("scale_factor") ?? 1, Get("latitude_of_origin") ?? 0);
        if (cm is null || fe is null || Math.Abs(metres - 1) > 1e-12 || fn != 0 || Math.Abs(k - 1) > 1e-12 || lat0 != 0)
        {
            return null;
        }

        // The zone prefix (easting 39500000 in zone 39) must agree with the central meridian, or the file is mislabelled.
        var prefix = Math.Floor(fe.Value / 1e6);
        var is6 = prefix > 0 && Math.Abs((6 * prefix) - 3 - cm.Value) < 1e-9;
        var is3 = prefix > 0 && Math.Abs((3 * prefix) - cm.Value) < 1e-9;
        if (fe.Value - (prefix * 1e6) != 500000)
        {
            return null;
        }

        if (prefix > 0 && !is6 && !is3)
        {
            throw new LayerFileException(string.Create(CultureInfo.InvariantCulture,
                $"{where} is in CRS \"{cs.Name}\", a CGCS2000 Gauss-Kruger zone whose false easting {fe} names zone {prefix}, but whose central meridian {cm}° belongs to neither 3° zone {prefix} ({3 * prefix}°) nor 6° zone {prefix} ({(6 * prefix) - 3}°); fix the CRS of the file rather than have Metrocircle guess which is right"));
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"\"{cs.Name}\" (CGCS2000 Gauss-Kruger, central meridian {cm}°, false easting {fe} m)");
        return new GaussKruger(name, cm.Value, fe.Value).ToLonLat();
    }

    private static bool IsCgcs2000(string? datum, Ellipsoid e) =>
        Math.Abs(e.SemiMajorAxis - SemiMajor) < 1e-6 && Math.Abs(e.InverseFlattening - InverseFlattening) < 1e-6
        && datum is not null && (datum.Contains("China_2000", StringComparison.OrdinalIgnoreCase) || datum.Contains("China 2000", StringComparison.OrdinalIgnoreCase)
            || datum.Contains("CGCS", StringComparison.OrdinalIgnoreCase) || datum.Contains("China Geodetic Coordinate System 2000", StringComparison.OrdinalIgnoreCase)
            || datum.Contains("China_Geodetic_Coordinate_System_2000", StringComparison.OrdinalIgnoreCase));

    /// <summary>Beijing 1954 (Krassowsky 1940) and Xi'an 1980 (IAG 1975) by datum name or ellipsoid.</summary>
    private static string? RefusedDatum(string? datum, Ellipsoid e)
    {
        var d = datum ?? string.Empty;
        if (d.Contains("Beijing", StringComparison.OrdinalIgnoreCase) || (Math.Abs(e.SemiMajorAxis - 6378245) < 1e-6 && Math.Abs(e.InverseFlattening - 298.3) < 1e-6))
        {
            return "Beijing 1954";
        }

        return d.Contains("Xian", StringComparison.OrdinalIgnoreCase) || d.Contains("Xi'an", StringComparison.OrdinalIgnoreCase)
            || (Math.Abs(e.SemiMajorAxis - 6378140) < 1e-6 && Math.Abs(e.InverseFlattening - 298.257) < 1e-6)
            ? "Xi'an 1980"
            : null;
    }

    /// <summary>The EPSG codes of Beijing 1954 and Xi'an 1980, geographic and Gauss–Krüger.</summary>
    private static string? RefusedName(long code) => code switch
    {
        4214 or (>= 2401 and <= 2442) or (>= 21413 and <= 21423) or (>= 21453 and <= 21463) or (>= 21473 and <= 21483) => "Beijing 1954",
        4610 or (>= 2327 and <= 2390) => "Xi'an 1980",
        _ => null,
    };

    private static LayerFileException Refusal(string where, string crs) => new(
        $"{where} is in CRS {crs}, which Metrocircle does not import: no published transformation to WGS 84 with a stated accuracy covers the land of the plan area (the EPSG dataset has Beijing 1954 ones only for the Tarim and Ordos basins and offshore, none for Xi'an 1980), and a guessed one would move features by tens of metres; transform it to CGCS2000 (EPSG:4490 or a Gauss-Kruger zone EPSG:4491-4554) with your surveying authority's parameters first");
}
