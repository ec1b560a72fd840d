using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Metrocircle.Core.Spatial;

/// <summary>
/// Area and envelope of a 2-D WKB polygon or multipolygon in the plan's projection, read straight from the bytes
/// without building a geometry. The area is the projected geometry's <c>Area</c> to the bit: the same projection of
/// each vertex, and NTS's shoelace sum (<c>Area.OfRingSigned</c>: terms in vertex order, halved at the end; a polygon
/// is its shell less its holes, a multipolygon the sum of its polygons in order).
/// </summary>
internal static class PolygonWkb
{
    private const uint PolygonType = 3;
    private const uint MultiPolygonType = 6;

    /// <summary>
    /// Measures <paramref name="wkb"/>; false for anything the caller must decode in full: another type, Z or M
    /// ordinates, an EWKB SRID, an empty polygon or part, a ring of fewer than four points or not closed, a part of
    /// zero area, or a non-finite ordinate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryMeasure(ReadOnlySpan<byte> wkb, EqualAreaProjection projection, out double area, out Box box)
    {
        area = 0;
        box = new Box(double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity);
        var at = 0;
        if (!Header(wkb, ref at, out var little, out var type))
        {
            return false;
        }

        if (type == PolygonType)
        {
            return Polygon(wkb, ref at, little, projection, ref area, ref box) && at == wkb.Length;
        }

        if (type != MultiPolygonType || !Count(wkb, ref at, little, out var parts) || parts == 0)
        {
            return false;
        }

        for (var p = 0; p < parts; p++)
        {
            if (!Header(wkb, ref at, out var partLittle, out var partType) || partType != PolygonType
                || !Polygon(wkb, ref at, partLittle, projection, ref area, ref box))
            {
                return false;
            }
        }

        return at == wkb.Length;
    }

    /// <summary>A projected envelope.</summary>
    public record struct Box(double MinX, double MinY, double MaxX, double MaxY);

    private static bool Header(ReadOnlySpan<byte> wkb, ref int at, out bool little, out uint type)
    {
        little = false;
        type = 0;
        if (wkb.Length - at < 5 || wkb[at] > 1)
        {
            return false;
        }

        little = wkb[at] == 1;
        at++;
        return Count(wkb, ref at, little, out type);
    }

    private static bool Count(ReadOnlySpan<byte> wkb, ref int at, bool little, out uint count)
    {
        count = 0;
        if (wkb.Length - at < 4)
        {
            return false;
        }

        var bytes = wkb.Slice(at, 4);
        count = little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
        at += 4;
        return true;
    }

    private static double Ordinate(ReadOnlySpan<byte> wkb, int at, bool little)
    {
        var bytes = wkb.Slice(at, 8);
        return little ? BinaryPrimitives.ReadDoubleLittleEndian(bytes) : BinaryPrimitives.ReadDoubleBigEndian(bytes);
    }

    /// <summary>Adds one polygon's area (shell less holes) to <paramref name="area"/> and its vertices to the box.</summary>
    private static bool Polygon(ReadOnlySpan<byte> wkb, ref int at, bool little, EqualAreaProjection projection, ref double area, ref Box box)
    {
        if (!Count(wkb, ref at, little, out var rings) || rings == 0)
        {
            return false;
        }

        var polygon = 0.0;
        for (var r = 0; r < rings; r++)
        {
            if (!Count(wkb, ref at, little, out var n) || n < 4 || (ulong)(wkb.Length - at) < 16UL * n)
            {
                return false;
            }

            var ring = Math.Abs(Ring(wkb, at, (int)n, little, projection, ref box));
            if (double.IsNaN(ring) || !ClosedAt(wkb, at, (int)n))
            {
                return false;
            }

            polygon = r == 0 ? polygon + ring : polygon - ring;
            at += 16 * (int)n;
        }

        if (!(polygon > 0) || double.IsInfinity(polygon))
        {
            return false;
        }

        area += polygon;
        return true;
    }

    private static bool ClosedAt(ReadOnlySpan<byte> wkb, int at, int n) =>
        wkb.Slice(at, 16).SequenceEqual(wkb.Slice(at + (16 * (n - 1)), 16));

    /// <summary>The signed shoelace area of a ring of projected vertices, summed in NTS's order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Ring(ReadOnlySpan<byte> wkb, int at, int n, bool little, EqualAreaProjection projection, ref Box box)
    {
        double x0 = 0, xPrev = 0, yPrevPrev = 0, yPrev = 0, sum = 0;
        for (var k = 0; k < n; k++)
        {
            var (x, y) = projection.Forward(Ordinate(wkb, at + (16 * k), little), Ordinate(wkb, at + (16 * k) + 8, little));
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                return double.NaN;
            }

            box = new Box(Math.Min(box.MinX, x), Math.Min(box.MinY, y), Math.Max(box.MaxX, x), Math.Max(box.MaxY, y));
            if (k == 0)
            {
                x0 = x;
            }
            else if (k >= 2)
            {
                // The term of vertex k - 1: its x from the first vertex's, times the y before it less the y after it.
                sum += xPrev * (yPrevPrev - y);
            }

            xPrev = x - x0;
            yPrevPrev = yPrev;
            yPrev = y;
        }

        return sum / 2.0;
    }
}
