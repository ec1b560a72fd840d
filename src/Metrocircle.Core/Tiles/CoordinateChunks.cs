namespace Metrocircle.Core.Tiles;

/// <summary>
/// A tile snapshot's coordinates: x, y pairs appended into chunks of a fixed size (a <see cref="ChunkedArray{T}"/> of
/// the doubles), so that what is already there is never copied. A list that doubles, then a copy into an exact array,
/// needed up to three times the coordinates' size while a large layer was built (two to three gigabytes more than
/// the snapshot itself at ten million parcels); the chunks are the snapshot's storage as they are. Pair i lives in
/// chunk i / <see cref="PairsPerChunk"/>; a ring may cross from one chunk into the next, so readers take its
/// coordinates as one or more spans (<see cref="Segment"/>).
/// </summary>
internal sealed class CoordinateChunks
{
    /// <summary>A chunk's pairs: half its doubles, so that no pair is split between two chunks.</summary>
    internal const int PairsPerChunk = ChunkedArray<double>.ChunkSize / 2;

    private readonly ChunkedArray<double> _values = new();

    /// <summary>Pairs appended.</summary>
    public int Count => _values.Count / 2;

    public void Add(double x, double y)
    {
        _values.Add(x);
        _values.Add(y);
    }

    /// <summary>Appends pairs given as x, y, x, y…</summary>
    public void AddPairs(ReadOnlySpan<double> pairs)
    {
        _values.AddRange(pairs);
    }

    /// <summary>Ends the appending: the last chunk is cut to what it holds, and the pairs are from then on only read.</summary>
    public CoordinateChunks Freeze()
    {
        _values.Freeze();
        return this;
    }

    public double X(int pair) => _values[2 * pair];

    public double Y(int pair) => _values[(2 * pair) + 1];

    /// <summary>
    /// The pairs from <paramref name="from"/> up to <paramref name="to"/> (exclusive) or to the end of
    /// <paramref name="from"/>'s chunk, whichever comes first, as x, y, x, y…; read on from the next pair after it.
    /// </summary>
    public ReadOnlySpan<double> Segment(int from, int to) => _values.Segment(2 * from, 2 * to);
}
