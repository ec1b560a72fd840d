using System.Runtime.InteropServices;

namespace Metrocircle.Core.Tiles;

/// <summary>
/// Cuts one feature's rings for one tile, in tile coordinates (0..extent, y down): clips to the buffered tile,
/// simplifies, snaps to the integer grid and drops what collapses. Sutherland–Hodgman clipping of a concave ring can
/// leave zero-width slivers along the buffer edge; they lie outside the visible tile, which is why tiles have a buffer.
/// </summary>
internal sealed class TileGeometryCutter
{
    // The ring being cut is in _a; a clipping pass writes into _b and the two then trade places.
    private List<double> _a = [];
    private List<double> _b = [];
    private readonly List<bool> _keep = [];
    private readonly Stack<(int From, int To)> _spans = new();

    /// <summary>The last cut ring or part: integer x, y pairs.</summary>
    public List<int> Points { get; } = [];

    public double MinX { get; set; }
    public double MaxY { get; set; }
    public double Scale { get; set; }
    public double Low { get; set; }
    public double High { get; set; }
    public double Tolerance { get; set; }

    /// <summary>Cuts a closed ring; returns its signed doubled area in grid units (0: the ring collapsed and is dropped).</summary>
    public long CutRing(CoordinateChunks coords, int from, int to, bool clip)
    {
        Load(coords, from, to);
        if (clip)
        {
            ClipRing();
            if (_a.Count < 6)
            {
                return 0;
            }
        }

        if (Tolerance > 0)
        {
            SimplifyRing();
        }

        Snap(closed: true);
        if (Points.Count < 6)
        {
            return 0;
        }

        var p = CollectionsMarshal.AsSpan(Points);
        long twice = 0;
        for (int i = 0, j = p.Length - 2; i < p.Length; j = i, i += 2)
        {
            twice += ((long)p[j] * p[i + 1]) - ((long)p[i] * p[j + 1]);
        }

        return twice;
    }

    /// <summary>Cuts a line into the parts inside the buffered tile; <paramref name="emit"/> receives each part left in <see cref="Points"/>.</summary>
    public void CutLine(CoordinateChunks coords, int from, int to, bool clip, Action emit)
    {
        Load(coords, from, to);
        if (!clip)
        {
            EmitLine(_a, emit);
            return;
        }

        // Liang–Barsky per segment, chaining the pieces that continue one another into parts.
        // The source moves to _b because each emitted part is simplified in _a.
        _b.Clear();
        _b.AddRange(_a);
        var part = new List<double>();
        for (var i = 0; i + 3 < _b.Count; i += 2)
        {
            double x0 = _b[i], y0 = _b[i + 1], x1 = _b[i + 2], y1 = _b[i + 3];
            if (!ClipSegment(ref x0, ref y0, ref x1, ref y1))
            {
                Flush(part, emit);
                continue;
            }

            if (part.Count == 0 || part[^2] != x0 || part[^1] != y0)
            {
                Flush(part, emit);
                part.Add(x0);
                part.Add(y0);
            }

            part.Add(x1);
            part.Add(y1);
        }

        Flush(part, emit);
    }

    /// <summary>Loads a point; false when it lies outside the buffered tile.</summary>
    public bool CutPoint(CoordinateChunks coords, int index)
    {
        var x = (coords.X(index) - MinX) * Scale;
        var y = (MaxY - coords.Y(index)) * Scale;
        Points.Clear();
        if (x < Low || x > High || y < Low || y > High)
        {
            return false;
        }

        Points.Add((int)Math.Round(x));
        Points.Add((int)Math.Round(y));
        return true;
    }

    private void Flush(List<double> part, Action emit)
    {
        if (part.Count >= 4)
        {
            EmitLine(part, emit);
        }

        part.Clear();
    }

    private void EmitLine(List<double> line, Action emit)
    {
        if (!ReferenceEquals(line, _a))
        {
            _a.Clear();
            _a.AddRange(line);
        }

        if (Tolerance > 0)
        {
            Simplify(0, (_a.Count / 2) - 1);
            Compact();
        }

        Snap(closed: false);
        if (Points.Count >= 4)
        {
            emit();
        }
    }

    private void Load(CoordinateChunks coords, int from, int to)
    {
        CollectionsMarshal.SetCount(_a, 2 * (to - from));
        var a = CollectionsMarshal.AsSpan(_a);
        var w = 0;
        while (from < to)
        {
            var segment = coords.Segment(from, to);
            for (var i = 0; i < segment.Length; i += 2)
            {
                a[w++] = (segment[i] - MinX) * Scale;
                a[w++] = (MaxY - segment[i + 1]) * Scale;
            }

            from += segment.Length / 2;
        }
    }

    private void ClipRing()
    {
        ClipEdge(0, Low, keepAbove: true);
        ClipEdge(0, High, keepAbove: false);
        ClipEdge(1, Low, keepAbove: true);
        ClipEdge(1, High, keepAbove: false);
    }

    /// <summary>
    /// One Sutherland–Hodgman pass against the line coordinate[axis] = edge, from _a into _b, which then becomes _a. A
    /// ring with no vertex outside the edge would come out of the pass as it went in, so the pass is skipped.
    /// </summary>
    private void ClipEdge(int axis, double edge, bool keepAbove)
    {
        var a = CollectionsMarshal.AsSpan(_a);
        var n = a.Length / 2;
        var outside = false;
        for (var i = axis; i < a.Length && !outside; i += 2)
        {
            outside = keepAbove ? !(a[i] >= edge) : !(a[i] <= edge);
        }

        if (!outside)
        {
            return;
        }

        _b.Clear();
        var other = 1 - axis;
        var prev = n - 1;
        var prevIn = keepAbove ? a[(prev * 2) + axis] >= edge : a[(prev * 2) + axis] <= edge;
        for (var k = 0; k < n; k++)
        {
            var ca = a[(k * 2) + axis];
            var curIn = keepAbove ? ca >= edge : ca <= edge;
            if (curIn != prevIn)
            {
                var pa = a[(prev * 2) + axis];
                var t = (edge - pa) / (ca - pa);
                var po = a[(prev * 2) + other];
                var co = a[(k * 2) + other];
                var crossing = po + ((co - po) * t);
                _b.Add(axis == 0 ? edge : crossing);
                _b.Add(axis == 0 ? crossing : edge);
            }

            if (curIn)
            {
                _b.Add(a[k * 2]);
                _b.Add(a[(k * 2) + 1]);
            }

            prev = k;
            prevIn = curIn;
        }

        (_a, _b) = (_b, _a);
    }

    private bool ClipSegment(ref double x0, ref double y0, ref double x1, ref double y1)
    {
        double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
        bool Edge(double p, double q, ref double lo, ref double hi)
        {
            if (p == 0)
            {
                return q >= 0;
            }

            var r = q / p;
            if (p < 0)
            {
                if (r > hi)
                {
                    return false;
                }

                lo = Math.Max(lo, r);
            }
            else
            {
                if (r < lo)
                {
                    return false;
                }

                hi = Math.Min(hi, r);
            }

            return true;
        }

        if (!Edge(-dx, x0 - Low, ref t0, ref t1) || !Edge(dx, High - x0, ref t0, ref t1)
            || !Edge(-dy, y0 - Low, ref t0, ref t1) || !Edge(dy, High - y0, ref t0, ref t1))
        {
            return false;
        }

        // Ends inside stay bit-identical, so that consecutive pieces of a line chain into one part.
        var sx = x0;
        var sy = y0;
        if (t0 > 0)
        {
            x0 = sx + (t0 * dx);
            y0 = sy + (t0 * dy);
        }

        if (t1 < 1)
        {
            x1 = sx + (t1 * dx);
            y1 = sy + (t1 * dy);
        }

        return true;
    }

    /// <summary>Douglas–Peucker on a closed ring: anchored at the first vertex and the vertex farthest from it.</summary>
    private void SimplifyRing()
    {
        var n = _a.Count / 2;
        if (n <= 3)
        {
            return;
        }

        var far = 0;
        var best = -1.0;
        for (var i = 1; i < n; i++)
        {
            var dx = _a[i * 2] - _a[0];
            var dy = _a[(i * 2) + 1] - _a[1];
            var d = (dx * dx) + (dy * dy);
            if (d > best)
            {
                best = d;
                far = i;
            }
        }

        // Close the ring temporarily so the second half runs from the far vertex back to the first.
        _a.Add(_a[0]);
        _a.Add(_a[1]);
        Simplify(0, far, n);
        _a.RemoveRange(_a.Count - 2, 2);
        _keep.RemoveAt(_keep.Count - 1);
        Compact();
    }

    private void Simplify(int first, int last, int? secondLast = null)
    {
        var n = _a.Count / 2;
        _keep.Clear();
        for (var i = 0; i < n; i++)
        {
            _keep.Add(false);
        }

        _keep[first] = true;
        _keep[last] = true;
        var tol2 = Tolerance * Tolerance;
        _spans.Push((first, last));
        if (secondLast is { } end)
        {
            _keep[end] = true;
            _spans.Push((last, end));
        }

        while (_spans.TryPop(out var span))
        {
            if (span.To - span.From < 2)
            {
                continue;
            }

            double ax = _a[span.From * 2], ay = _a[(span.From * 2) + 1], bx = _a[span.To * 2], by = _a[(span.To * 2) + 1];
            double dx = bx - ax, dy = by - ay, len2 = (dx * dx) + (dy * dy);
            var worst = -1;
            var worstD = tol2;
            for (var i = span.From + 1; i < span.To; i++)
            {
                double px = _a[i * 2] - ax, py = _a[(i * 2) + 1] - ay;
                double d;
                if (len2 == 0)
                {
                    d = (px * px) + (py * py);
                }
                else
                {
                    var t = Math.Clamp(((px * dx) + (py * dy)) / len2, 0, 1);
                    var ex = px - (t * dx);
                    var ey = py - (t * dy);
                    d = (ex * ex) + (ey * ey);
                }

                if (d > worstD)
                {
                    worstD = d;
                    worst = i;
                }
            }

            if (worst >= 0)
            {
                _keep[worst] = true;
                _spans.Push((span.From, worst));
                _spans.Push((worst, span.To));
            }
        }
    }

    private void Compact()
    {
        var w = 0;
        for (var i = 0; i < _keep.Count; i++)
        {
            if (_keep[i])
            {
                _a[w * 2] = _a[i * 2];
                _a[(w * 2) + 1] = _a[(i * 2) + 1];
                w++;
            }
        }

        _a.RemoveRange(w * 2, _a.Count - (w * 2));
    }

    /// <summary>Rounds to the grid and drops repeated vertices (and, for a ring, a last vertex equal to the first).</summary>
    private void Snap(bool closed)
    {
        var a = CollectionsMarshal.AsSpan(_a);
        CollectionsMarshal.SetCount(Points, a.Length);
        var p = CollectionsMarshal.AsSpan(Points);
        var w = 0;
        for (var i = 0; i < a.Length; i += 2)
        {
            var x = (int)Math.Round(a[i]);
            var y = (int)Math.Round(a[i + 1]);
            if (w > 0 && p[w - 2] == x && p[w - 1] == y)
            {
                continue;
            }

            p[w++] = x;
            p[w++] = y;
        }

        if (closed && w >= 4 && p[0] == p[w - 2] && p[1] == p[w - 1])
        {
            w -= 2;
        }

        CollectionsMarshal.SetCount(Points, w);
    }
}
