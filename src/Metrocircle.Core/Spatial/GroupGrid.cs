using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Spatial;

/// <summary>
/// A raster over one group polygon (in projected metres) whose cells are known to lie wholly inside or wholly outside
/// it: a box that touches only inside cells lies inside the polygon, whatever point of it is asked about; one that
/// touches only outside cells lies outside. Cells the boundary passes through, and their eight neighbours (so that
/// float rounding of a cell index can never matter), are left undecided, and a box touching one of them needs the
/// exact point test.
/// </summary>
internal sealed class GroupGrid
{
    /// <summary>Cells along the longer side of the polygon's envelope.</summary>
    private const int Resolution = 256;

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

    public GroupGrid(Geometry polygonal, IndexedPointInAreaLocator locator)
    {
        var e = polygonal.EnvelopeInternal;
        _size = Math.Max(e.Width, e.Height) / Resolution;
        if (!(_size > 0) || double.IsInfinity(_size))
        {
            // A polygon without extent: every box is undecided.
            (_x0, _y0, _size, _nx, _ny, _cells) = (e.MinX, e.MinY, 1, 1, 1, [Undecided]);
            return;
        }

        // One cell of margin around the envelope, outside the polygon.
        _x0 = e.MinX - _size;
        _y0 = e.MinY - _size;
        _nx = (int)Math.Ceiling(e.Width / _size) + 3;
        _ny = (int)Math.Ceiling(e.Height / _size) + 3;
        _cells = new byte[_nx * _ny];
        for (var g = 0; g < polygonal.NumGeometries; g++)
        {
            var polygon = (Polygon)polygonal.GetGeometryN(g);
            MarkRing(polygon.ExteriorRing.CoordinateSequence);
            foreach (var hole in polygon.InteriorRings)
            {
                MarkRing(hole.CoordinateSequence);
            }
        }

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
    public bool? Contains(double minX, double minY, double maxX, double maxY)
    {
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

        bool inside = false, outside = beyond;
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
                        return null;
                }
            }
        }

        return inside && outside ? null : inside;
    }

    /// <summary>The cell index of an offset from the grid's origin, clamped into int range (NaN gives -1: outside).</summary>
    private int Index(double offset)
    {
        var cell = Math.Floor(offset / _size);
        return cell >= int.MaxValue / 2 ? int.MaxValue / 2 : cell >= -1 ? (int)cell : -1;
    }

    /// <summary>Marks undecided every cell a ring's segments cross, with its neighbours, column by column.</summary>
    private void MarkRing(CoordinateSequence ring)
    {
        for (var k = 1; k < ring.Count; k++)
        {
            double ax = ring.GetX(k - 1), ay = ring.GetY(k - 1), bx = ring.GetX(k), by = ring.GetY(k);
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

                Mark(i, Index(Math.Min(ya, yb) - _y0), Index(Math.Max(ya, yb) - _y0));
            }
        }
    }

    private void Mark(int i, int j0, int j1)
    {
        for (var x = Math.Max(i - 1, 0); x <= Math.Min(i + 1, _nx - 1); x++)
        {
            for (var y = Math.Max(j0 - 1, 0); y <= Math.Min(j1 + 1, _ny - 1); y++)
            {
                _cells[(y * _nx) + x] = Undecided;
            }
        }
    }
}
