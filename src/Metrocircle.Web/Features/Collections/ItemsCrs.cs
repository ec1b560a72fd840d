using System.Globalization;
using System.Text.RegularExpressions;
using Metrocircle.Core.Model;
using Metrocircle.Formats.Crs;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Collections;

/// <summary>
/// A CRS an items read can answer in (OGC API – Features Part 2): CRS84 (the default), EPSG:4326, CGCS2000
/// (EPSG:4490) and any CGCS2000 Gauss–Krüger zone (EPSG:4491–4554), projected through ProjNET
/// (<see cref="ExportCrs"/>). Coordinates are in the CRS's own axis order as EPSG defines it, which Part 2 requires:
/// latitude first for EPSG:4326 and 4490, northing (X) first for the Gauss–Krüger zones; projected numbers are
/// rounded to the millimetre.
/// </summary>
internal sealed partial class ItemsCrs
{
    public const string Crs84Uri = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const string EpsgUri = "http://www.opengis.net/def/crs/EPSG/0/";

    private readonly ExportCrs? _projection;

    private ItemsCrs(string uri, ExportCrs? projection, bool latitudeFirst)
    {
        Uri = uri;
        _projection = projection;
        SwapsAxes = latitudeFirst;
    }

    public static ItemsCrs Crs84 { get; } = new(Crs84Uri, null, false);

    public string Uri { get; }

    /// <summary>True when the CRS's first axis is north (latitude or northing).</summary>
    public bool SwapsAxes { get; }

    public bool IsCrs84 => ReferenceEquals(this, Crs84);

    /// <summary>The CRSs a collection lists: CRS84, EPSG:4326, EPSG:4490 and the 3° Gauss–Krüger zones over its extent (any other zone is still accepted).</summary>
    public static IEnumerable<string> Offered(Envelope? extent)
    {
        yield return Crs84Uri;
        yield return EpsgUri + "4326";
        yield return EpsgUri + "4490";
        if (extent is not null)
        {
            foreach (var code in ExportCrs.GaussKruger3Covering(extent.MinX, extent.MaxX))
            {
                yield return EpsgUri + code.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// The CRS named by a URI (<c>http://www.opengis.net/def/crs/EPSG/0/4527</c>), a safe CURIE (<c>[EPSG:4527]</c>) or
    /// <c>EPSG:4527</c>; null when Metrocircle cannot answer in it.
    /// </summary>
    public static ItemsCrs? Parse(string text)
    {
        var t = text.Trim();
        if (t is Crs84Uri or "[OGC:CRS84]" or "OGC:CRS84" or "CRS84")
        {
            return Crs84;
        }

        var m = EpsgName().Match(t);
        if (!m.Success || !long.TryParse(m.Groups["code"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        var uri = EpsgUri + code.ToString(CultureInfo.InvariantCulture);
        if (code == 4326)
        {
            return new ItemsCrs(uri, null, true);
        }

        try
        {
            return ExportCrs.Parse($"EPSG:{code}") is { } projection ? new ItemsCrs(uri, projection, true) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The feature as it is written in this CRS; the stored feature is not touched.</summary>
    public PlanFeature Apply(PlanFeature feature)
    {
        if (IsCrs84 || feature.Geometry is not { IsEmpty: false })
        {
            return feature;
        }

        var projected = _projection is { IsProjected: true } p ? p.Project(feature) : feature with { Geometry = feature.Geometry.Copy() };
        projected.Geometry!.Apply(new AxisFilter(SwapsAxes, _projection is { IsProjected: true }));
        projected.Geometry.GeometryChanged();
        return projected;
    }

    /// <summary>
    /// A bbox given in this CRS's axis order, as the lon/lat box the store filters by. A projected box's edges are
    /// curved in lon/lat, so each edge is sampled and the lon/lat envelope of the samples taken: it holds the whole
    /// box, and a feature near a corner may be returned that lies just outside the projected box.
    /// </summary>
    public Envelope ToLonLat(double min1, double min2, double max1, double max2)
    {
        var (minX, minY, maxX, maxY) = SwapsAxes ? (min2, min1, max2, max1) : (min1, min2, max1, max2);
        if (_projection is not { IsProjected: true } p)
        {
            return new Envelope(minX, maxX, minY, maxY);
        }

        var envelope = new Envelope();
        const int Steps = 16;
        for (var i = 0; i <= Steps; i++)
        {
            var x = minX + ((maxX - minX) * i / Steps);
            var y = minY + ((maxY - minY) * i / Steps);
            foreach (var (ex, ny) in new[] { (x, minY), (x, maxY), (minX, y), (maxX, y) })
            {
                var (lon, lat) = p.Unproject(ex, ny);
                envelope.ExpandToInclude(lon, lat);
            }
        }

        return envelope;
    }

    [GeneratedRegex(@"^(?:https?://www\.opengis\.net/def/crs/EPSG/0/|\[?EPSG:{1,2}|urn:ogc:def:crs:EPSG::)(?<code>\d{4,5})\]?$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgName();

    private sealed class AxisFilter(bool swap, bool roundToMillimetre) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = (seq.GetX(i), seq.GetY(i));
                if (roundToMillimetre)
                {
                    (x, y) = (Math.Round(x, 3, MidpointRounding.AwayFromZero), Math.Round(y, 3, MidpointRounding.AwayFromZero));
                }

                (x, y) = swap ? (y, x) : (x, y);
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }
}
