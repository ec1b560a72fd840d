using System.Runtime.CompilerServices;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Spatial;

/// <summary>
/// A raster over one group polygon (in projected metres) whose cells are known to lie wholly inside or wholly outside
/// it: a box that touches only inside cells lies inside the polygon, whatever point of it is asked about; one that
/// touches only outside cells lies outside. Cells the boundary passes through, and their eight neighbours (so that
/// float rounding of a cell index can never matter), are left undecided, and a box touching one of them needs the
/// closer look: each undecided cell lists the boundary segments near it, and a box that none of them meets lies wholly
/// on one side (told by a decided cell it touches, or by locating its centre); only a box the boundary crosses needs
/// the feature's exact point.
/// </summary>
internal sealed class GroupGrid
{
    /// <summary>Cells along the longer side of the polygon's envelope.</summary>
    private const int Resolution = 128;

    /// <summary>A box covering more cells than this is not looked at cell by cell (it goes to the exact test).</summary>
    private const int MaxCells = 64;

    private const byte Undecided = 1;
    private const byte Inside = 2;
    private const byte Outside = 3;

    private readonly double _x0;
    private readonly double _y0;
    private readonly double _size;
    private readonly int _nx;
    private readonly int _ny;
    private readonly byte[] _cells;
    private readonly IndexedPointInAreaLocator _locator;

    // The boundary's segments (x1, y1, x2, y2 each), and per cell the segments near it (a cell's run in _cellSegments).
    private readonly double[] _segments = [];
    private readonly bool _flat;
    private readonly int[] _cellStart;
    private readonly int[] _cellSegments = [];

    public GroupGrid(Geometry polygonal, IndexedPointInAreaLocator locator)
    {
        _locator = locator;
        var e = polygonal.EnvelopeInternal;
        _size = Math.Max(e.Width, e.Height) / Resolution;
        if (!(_size > 0) || double.IsInfinity(_size))
        {
            // A polygon without extent: every box is undecided.
            (_x0, _y0, _size, _nx, _ny, _cells, _cellStart, _flat) = (e.MinX, e.MinY, 1, 1, 1, [Undecided], [0, 0], true);
            return;
        }

        // One cell of margin around the envelope, outside the polygon.
        _x0 = e.MinX - _size;
        _y0 = e.MinY - _size;
        _nx = (int)Math.Ceiling(e.Width / _size) + 3;
        _ny = (int)Math.Ceiling(e.Height / _size) + 3;
        _cells = new byte[_nx * _ny];
        var segments = new List<double>();
        for (var g = 0; g < polygonal.NumGeometries; g++)
        {
            var polygon = (Polygon)polygonal.GetGeometryN(g);
            AddRing(polygon.ExteriorRing.CoordinateSequence, segments);
            foreach (var hole in polygon.InteriorRings)
            {
                AddRing(hole.CoordinateSequence, segments);
            }
        }

        _segments = [.. segments];

        // Count the segments of each cell, then place them (a cell may list a segment more than once).
        _cellStart = new int[(_nx * _ny) + 1];
        MarkSegments(null);
        for (var c = 0; c < _nx * _ny; c++)
        {
            _cellStart[c + 1] += _cellStart[c];
        }

        _cellSegments = new int[_cellStart[^1]];
        MarkSegments(new int[_nx * _ny]);

        // A run of cells along a row that the boundary does not come near lies on one side of it: one test decides it.
        for (var j = 0; j < _ny; j++)
        {
            var row = j * _nx;
            for (var i = 0; i < _nx; i++)
            {
                if (_cells[row + i] != 0)
                {
                    continue;
                }

                var at = locator.Locate(new Coordinate(_x0 + ((i + 0.5) * _size), _y0 + ((j + 0.5) * _size)));
                var side = at switch { Location.Interior => Inside, Location.Exterior => Outside, _ => Undecided };
                for (var k = i; k < _nx && _cells[row + k] == 0; k++)
                {
                    _cells[row + k] = side;
                }
            }
        }
    }

    /// <summary>Whether a box lies inside the polygon (true), outside it (false), or is too near its boundary to say (null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool? Contains(double minX, double minY, double maxX, double maxY)
    {
        if (_flat)
        {
            return null;
        }

        var i0 = Index(minX - _x0);
        var i1 = Index(maxX - _x0);
        var j0 = Index(minY - _y0);
        var j1 = Index(maxY - _y0);
        if (i1 < 0 || j1 < 0 || i0 >= _nx || j0 >= _ny)
        {
            return false;
        }

        var beyond = i0 < 0 || j0 < 0 || i1 >= _nx || j1 >= _ny;
        (i0, i1, j0, j1) = (Math.Max(i0, 0), Math.Min(i1, _nx - 1), Math.Max(j0, 0), Math.Min(j1, _ny - 1));
        if ((long)(i1 - i0 + 1) * (j1 - j0 + 1) > MaxCells)
        {
            return null;
        }

        bool inside = false, outside = beyond, near = false;
        for (var j = j0; j <= j1; j++)
        {
            for (var i = i0; i <= i1; i++)
            {
                switch (_cells[(j * _nx) + i])
                {
                    case Inside:
                        inside = true;
                        break;
                    case Outside:
                        outside = true;
                        break;
                    default:
                        near = true;
                        break;
                }
            }
        }

        if (near && Crosses(i0, i1, j0, j1, minX, minY, maxX, maxY))
        {
            return null;
        }

        if (inside || outside)
        {
            return inside && outside ? null : inside;
        }

        // Every cell touched is near the boundary, which misses the box: the box's centre tells its side.
        return _locator.Locate(new Coordinate((minX + maxX) / 2, (minY + maxY) / 2)) switch
        {
            Location.Interior => true,
            Location.Exterior => false,
            _ => null,
        };
    }

    /// <summary>
    /// Whether a boundary segment listed in the undecided cells of the range meets the box, or comes within a rounding
    /// margin of it (a near miss counts as a crossing: the caller then makes the exact test).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Crosses(int i0, int i1, int j0, int j1, double minX, double minY, double maxX, double maxY)
    {
        var margin = 1e-7 * (Math.Max(Math.Max(Math.Abs(minX), Math.Abs(maxX)), Math.Max(Math.Abs(minY), Math.Abs(maxY))) + _size);
        (minX, minY, maxX, maxY) = (minX - margin, minY - margin, maxX + margin, maxY + margin);
        for (var j = j0; j <= j1; j++)
        {
            for (var i = i0; i <= i1; i++)
            {
                var cell = (j * _nx) + i;
                for (var k = _cellStart[cell]; k < _cellStart[cell + 1]; k++)
                {
                    var s = 4 * _cellSegments[k];
                    if (Meets(_segments[s], _segments[s + 1], _segments[s + 2], _segments[s + 3], minX, minY, maxX, maxY))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool Meets(double ax, double ay, double bx, double by, double minX, double minY, double maxX, double maxY)
    {
        if (Math.Max(ax, bx) < minX || Math.Min(ax, bx) > maxX || Math.Max(ay, by) < minY || Math.Min(ay, by) > maxY)
        {
            return false;
        }

        // The segment's line misses the box when all four corners lie strictly on one side of it.
        double dx = bx - ax, dy = by - ay;
        var a = (dx * (minY - ay)) - (dy * (minX - ax));
        var b = (dx * (minY - ay)) - (dy * (maxX - ax));
        var c = (dx * (maxY - ay)) - (dy * (minX - ax));
        var d = (dx * (maxY - ay)) - (dy * (maxX - ax));
        return !((a > 0 && b > 0 && c > 0 && d > 0) || (a < 0 && b < 0 && c < 0 && d < 0));
    }

    /// <summary>The cell index of an offset from the grid's origin, clamped into int range (NaN gives -1: outside).</summary>
    private int Index(double offset)
    {
        var cell = Math.Floor(offset / _size);
        return cell >= int.MaxValue / 2 ? int.MaxValue / 2 : cell >= -1 ? (int)cell : -1;
    }

    private static void AddRing(CoordinateSequence ring, List<double> segments)
    {
        for (var k = 1; k < ring.Count; k++)
        {
            segments.AddRange([ring.GetX(k - 1), ring.GetY(k - 1), ring.GetX(k), ring.GetY(k)]);
        }
    }

    /// <summary>
    /// Marks undecided every cell a segment crosses, with its neighbours, column by column; counts the segments of each
    /// cell in <see cref="_cellStart"/> (<paramref name="placed"/> null) or places them in <see cref="_cellSegments"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkSegments(int[]? placed)
    {
        for (var segment = 0; segment < _segments.Length / 4; segment++)
        {
            double ax = _segments[4 * segment], ay = _segments[(4 * segment) + 1], bx = _segments[(4 * segment) + 2], by = _segments[(4 * segment) + 3];
            if (ax > bx)
            {
                (ax, ay, bx, by) = (bx, by, ax, ay);
            }

            var first = Index(ax - _x0);
            var last = Index(bx - _x0);
            for (var i = first; i <= last; i++)
            {
                // The segment's y range within this column.
                var left = Math.Max(ax, _x0 + (i * _size));
                var right = Math.Min(bx, _x0 + ((i + 1) * _size));
                double ya = ay, yb = by;
                if (bx > ax)
                {
                    ya = ay + ((by - ay) * ((left - ax) / (bx - ax)));
                    yb = ay + ((by - ay) * ((right - ax) / (bx - ax)));
                }

                Mark(segment, i, Index(Math.Min(ya, yb) - _y0), Index(Math.Max(ya, yb) - _y0), placed);
            }
        }
    }

    private void Mark(int segment, int i, int j0, int j1, int[]? placed)
    {
        for (var x = Math.Max(i - 1, 0); x <= Math.Min(i + 1, _nx - 1); x++)
        {
            for (var y = Math.Max(j0 - 1, 0); y <= Math.Min(j1 + 1, _ny - 1); y++)
            {
                var cell = (y * _nx) + x;
                _cells[cell] = Undecided;
                if (placed is null)
                {
                    _cellStart[cell + 1]++;
                }
                else
                {
                    _cellSegments[_cellStart[cell] + placed[cell]++] = segment;
                }
            }
        }
    }
}
