namespace Metrocircle.Core.Tiles;

/// <summary>
/// A tile snapshot's coordinates: x, y pairs appended into chunks of a fixed size, so that what is already there is
/// never copied. A list that doubles, then a copy into an exact array, needed up to three times the coordinates'
/// size while a large layer was built (two to three gigabytes more than the snapshot itself at ten million parcels);
/// the chunks are the snapshot's storage as they are. Pair i lives in chunk i / 1,048,576; a ring may cross from one
/// chunk into the next, so readers take its coordinates as one or more spans (<see cref="Segment"/>).
/// </summary>
internal sealed class CoordinateChunks
{
    private const int Shift = 20;
    internal const int PairsPerChunk = 1 << Shift;
    private const int Mask = PairsPerChunk - 1;

    private double[][] _chunks = [];
    private int _chunkCount;

    /// <summary>Pairs appended.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one pair. The first chunk grows from small (a layer of a few features stays small); later ones are allocated whole.</summary>
    public void Add(double x, double y)
    {
        var offset = Count & Mask;
        if (_chunkCount == 0 || (offset == 0 && Count > 0))
        {
            if (_chunkCount == _chunks.Length)
            {
                Array.Resize(ref _chunks, Math.Max(4, 2 * _chunkCount));
            }

            var size = _chunkCount == 0 ? 32 : 2 * PairsPerChunk;
            _chunks[_chunkCount++] = new double[size];
        }
        else if (_chunkCount == 1 && _chunks[0].Length == 2 * offset)
        {
            // Only the first chunk is ever short: it doubles until it holds a whole chunk's pairs.
            Array.Resize(ref _chunks[0], Math.Min(4 * offset, 2 * PairsPerChunk));
        }

        var chunk = _chunks[_chunkCount - 1];
        chunk[2 * offset] = x;
        chunk[(2 * offset) + 1] = y;
        Count++;
    }

    /// <summary>Ends the appending: the last chunk is cut to what it holds, and so is the list of chunks.</summary>
    public CoordinateChunks Freeze()
    {
        if (_chunkCount > 0)
        {
            var used = 2 * (Count - ((_chunkCount - 1) << Shift));
            if (_chunks[_chunkCount - 1].Length != used)
            {
                Array.Resize(ref _chunks[_chunkCount - 1], used);
            }
        }

        Array.Resize(ref _chunks, _chunkCount);
        return this;
    }

    public double X(int pair) => _chunks[pair >> Shift][2 * (pair & Mask)];

    public double Y(int pair) => _chunks[pair >> Shift][(2 * (pair & Mask)) + 1];

    /// <summary>
    /// The pairs from <paramref name="from"/> up to <paramref name="to"/> (exclusive) or to the end of
    /// <paramref name="from"/>'s chunk, whichever comes first, as x, y, x, y…; read on from the next pair after it.
    /// </summary>
    public ReadOnlySpan<double> Segment(int from, int to)
    {
        var offset = from & Mask;
        var n = Math.Min(to - from, PairsPerChunk - offset);
        return _chunks[from >> Shift].AsSpan(2 * offset, 2 * n);
    }
}
