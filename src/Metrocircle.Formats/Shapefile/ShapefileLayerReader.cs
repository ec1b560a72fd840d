using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Metrocircle.Formats.Crs;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;

namespace Metrocircle.Formats.Shapefile;

/// <summary>
/// A shapefile (.shp + .shx + .dbf, optional .prj) streamed record by record through NetTopologySuite.IO.Esri.
/// A .prj must be geographic WGS 84 or CGCS2000 (geographic or a Gauss–Krüger zone, brought to lon/lat through
/// <see cref="ChinaCrs"/>); anything else is refused with its name.
/// </summary>
public sealed class ShapefileLayerReader : LayerReader
{
    private readonly CrsTransform? _transform;

    private ShapefileLayerReader(string path, CrsTransform? transform) : base(path, "Shapefile")
    {
        _transform = transform;
        if (transform is not null)
        {
            CrsNote = transform.Describe();
        }
    }

    public static ShapefileLayerReader Open(string shp)
    {
        if (!File.Exists(shp))
        {
            throw new LayerFileException($"{shp}: no such file");
        }

        foreach (var part in new[] { ".dbf", ".shx" })
        {
            var sibling = Sibling(shp, part);
            if (sibling is null)
            {
                throw new LayerFileException($"{shp}: the shapefile has no {part} beside it ({System.IO.Path.ChangeExtension(shp, part)}); a shapefile needs .shp, .shx and .dbf together");
            }
        }

        CrsTransform? transform = null;
        if (Sibling(shp, ".prj") is { } prj)
        {
            var wkt = File.ReadAllText(prj).Trim();
            if (wkt.Length > 0 && !(CrsTransform.IsGeographicWkt(wkt) && CrsTransform.IsWgs84Datum(wkt)))
            {
                transform = ChinaCrs.FromWkt(wkt, $"{shp}: the .prj") ?? throw new LayerFileException(
                    $"{shp}: the .prj names CRS \"{CrsName(wkt)}\", which is neither geographic WGS 84 (lon/lat) nor CGCS2000 (geographic or a Gauss-Kruger zone); reproject it first, e.g. ogr2ogr -t_srs EPSG:4326");
            }
        }

        return new ShapefileLayerReader(shp, transform);
    }

    /// <summary>The sibling file with the given extension in either case, as shapefiles from Windows often have.</summary>
    private static string? Sibling(string shp, string extension)
    {
        foreach (var candidate in new[] { System.IO.Path.ChangeExtension(shp, extension), System.IO.Path.ChangeExtension(shp, extension.ToUpperInvariant()) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string CrsName(string wkt)
    {
        var open = wkt.IndexOf('"', StringComparison.Ordinal);
        var close = open < 0 ? -1 : wkt.IndexOf('"', open + 1);
        return close > open ? wkt[(open + 1)..close] : wkt[..Math.Min(60, wkt.Length)];
    }

    public override async IAsyncEnumerable<RawFeature> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        using var reader = NetTopologySuite.IO.Esri.Shapefile.OpenRead(Path, new ShapefileReaderOptions { Factory = GeometryFactories.LonLat });
        var total = Math.Max(1, reader.RecordCount);
        long record = 0;
        long index = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            bool deleted;
            try
            {
                more = reader.Read(out deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new LayerFileException(string.Create(CultureInfo.InvariantCulture, $"{Path}: record {record + 1}: cannot be read: {e.Message}"), e);
            }

            if (!more)
            {
                break;
            }

            record++;
            if (deleted)
            {
                continue;
            }

            index++;
            var properties = new JsonObject();
            foreach (var field in reader.Fields)
            {
                properties[field.Name] = field.Value switch
                {
                    null => null,
                    string s => JsonValue.Create(s.TrimEnd()),
                    bool b => JsonValue.Create(b),
                    int i => JsonValue.Create(i),
                    long l => JsonValue.Create(l),
                    double d => JsonValue.Create(d),
                    decimal m => JsonValue.Create(m),
                    DateTime t => JsonValue.Create(t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    var other => JsonValue.Create(Convert.ToString(other, CultureInfo.InvariantCulture)),
                };
            }

            var id = properties.TryGetPropertyValue("id", out var idNode) && idNode is JsonValue v
                ? (v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
                : null;
            if ((record & 1023) == 0)
            {
                SetFraction((double)record / total);
            }

            var geometry = reader.Geometry;
            if (_transform is not null && geometry is { IsEmpty: false })
            {
                geometry = geometry.Copy();
                _transform.Apply(geometry);
            }

            yield return new RawFeature(index, string.Create(CultureInfo.InvariantCulture, $"record {record}"), id, geometry is { IsEmpty: true } ? null : geometry, properties);
        }

        SetFraction(1);
    }
}
