using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tiles;

/// <summary>One tile of the WebMercatorQuad tile matrix set: zoom (tile matrix), column x and row y, row 0 at the north.</summary>
public readonly record struct TileId(int Z, int X, int Y)
{
    public override string ToString() => $"{Z}/{X}/{Y}";
}

/// <summary>The rows and columns of one tile matrix that a lon/lat box touches (inclusive).</summary>
public readonly record struct TileRange(int Z, int MinCol, int MaxCol, int MinRow, int MaxRow);

/// <summary>
/// The OGC WebMercatorQuad tile matrix set (OGC 17-083r4, EPSG:3857, 256 × 256 cells per tile, origin top left).
/// Coordinates called "mercator" here are EPSG:3857 metres.
/// </summary>
public static class WebMercatorQuad
{
    public const string Id = "WebMercatorQuad";
    public const string Uri = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
    public const string Crs = "http://www.opengis.net/def/crs/EPSG/0/3857";
    public const string WellKnownScaleSet = "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible";

    /// <summary>Half the width of the world in metres: π × 6378137.</summary>
    public const double HalfWorld = 20037508.342789244;

    /// <summary>The latitude at which the square world ends.</summary>
    public const double MaxLatitude = 85.0511287798066;

    /// <summary>Cells per tile side in the tile matrix set's definition (what "one pixel" means for simplification).</summary>
    public const int TileSize = 256;

    /// <summary>The deepest tile matrix the standard defines.</summary>
    public const int MaxZoom = 24;

    /// <summary>The standardised rendering pixel size, 0.28 mm, that turns a cell size into a scale denominator.</summary>
    public const double StandardPixel = 0.00028;

    /// <summary>Width of one tile at zoom <paramref name="z"/>, in metres.</summary>
    public static double Span(int z) => 2 * HalfWorld / Math.ScaleB(1.0, z);

    /// <summary>Width of one of a tile's 256 cells at zoom <paramref name="z"/>, in metres.</summary>
    public static double CellSize(int z) => Span(z) / TileSize;

    public static double ScaleDenominator(int z) => CellSize(z) / StandardPixel;

    /// <summary>Number of rows (and columns) of the tile matrix at zoom <paramref name="z"/>.</summary>
    public static long MatrixSize(int z) => 1L << z;

    public static bool Contains(TileId tile) =>
        tile.Z is >= 0 and <= MaxZoom && tile.X >= 0 && tile.Y >= 0 && tile.X < MatrixSize(tile.Z) && tile.Y < MatrixSize(tile.Z);

    /// <summary>The tile's extent in EPSG:3857 metres.</summary>
    public static Envelope Bounds(TileId tile)
    {
        var span = Span(tile.Z);
        var minX = -HalfWorld + tile.X * span;
        var maxY = HalfWorld - tile.Y * span;
        return new Envelope(minX, minX + span, maxY - span, maxY);
    }

    /// <summary>The tile's extent in lon/lat degrees.</summary>
    public static Envelope LonLatBounds(TileId tile)
    {
        var b = Bounds(tile);
        var (w, s) = Unproject(b.MinX, b.MinY);
        var (e, n) = Unproject(b.MaxX, b.MaxY);
        return new Envelope(w, e, s, n);
    }

    /// <summary>Lon/lat to EPSG:3857; latitudes beyond ±85.0511° are clamped to the edge of the square world.</summary>
    public static (double X, double Y) Project(double lon, double lat)
    {
        lat = Math.Clamp(lat, -MaxLatitude, MaxLatitude);
        var x = lon * HalfWorld / 180.0;
        var y = Math.Log(Math.Tan((90.0 + lat) * Math.PI / 360.0)) * HalfWorld / Math.PI;
        return (x, y);
    }

    public static (double Lon, double Lat) Unproject(double x, double y)
    {
        var lon = x * 180.0 / HalfWorld;
        var lat = (2 * Math.Atan(Math.Exp(y * Math.PI / HalfWorld)) - Math.PI / 2) * 180.0 / Math.PI;
        return (lon, lat);
    }

    /// <summary>The tiles of zoom <paramref name="z"/> that a lon/lat box touches.</summary>
    public static TileRange RangeOf(Envelope lonLat, int z)
    {
        var (minX, minY) = Project(lonLat.MinX, lonLat.MinY);
        var (maxX, maxY) = Project(lonLat.MaxX, lonLat.MaxY);
        var span = Span(z);
        var last = (int)(MatrixSize(z) - 1);
        int Col(double x) => Math.Clamp((int)Math.Floor((x + HalfWorld) / span), 0, last);
        int Row(double y) => Math.Clamp((int)Math.Floor((HalfWorld - y) / span), 0, last);
        return new TileRange(z, Col(minX), Col(maxX), Row(maxY), Row(minY));
    }
}
