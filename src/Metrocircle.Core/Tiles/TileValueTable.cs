namespace Metrocircle.Core.Tiles;

/// <summary>
/// A tile snapshot's distinct attribute values, kept as a kind byte and eight bytes each (a double's or an integer's
/// bits, a flag, or the index of a string), 9 bytes a value against 32 for an array of <see cref="TileValue"/>. A
/// parcel layer's ids and areas are nearly all distinct: two values a parcel, 460 MB less at ten million parcels.
/// </summary>
internal sealed class TileValueTable
{
    private readonly ChunkedArray<TileValueKind> _kinds;
    private readonly ChunkedArray<long> _bits;
    private readonly string[] _texts;

    private TileValueTable(ChunkedArray<TileValueKind> kinds, ChunkedArray<long> bits, string[] texts)
    {
        _kinds = kinds;
        _bits = bits;
        _texts = texts;
    }

    public int Count => _kinds.Count;

    public TileValue this[int i] => _kinds[i] switch
    {
        TileValueKind.String => new TileValue(TileValueKind.String, Text: _texts[(int)_bits[i]]),
        TileValueKind.Double => new TileValue(TileValueKind.Double, Number: BitConverter.Int64BitsToDouble(_bits[i])),
        TileValueKind.Integer => new TileValue(TileValueKind.Integer, Integer: _bits[i]),
        var kind => new TileValue(kind, Flag: _bits[i] != 0),
    };

    /// <summary>
    /// Gives each distinct value its index, in the order first seen, in the packed form itself: an open-addressing
    /// table of indexes over the kinds and bits replaces a dictionary of <see cref="TileValue"/> keys, which took about
    /// 48 bytes a value (a gigabyte at ten million parcels) on top of the table it was turned into.
    /// </summary>
    internal sealed class Builder
    {
        private readonly ChunkedArray<TileValueKind> _kinds = new();
        private readonly ChunkedArray<long> _bits = new();
        private readonly List<string> _texts = [];
        private int[] _slots = new int[32];

        public int Count { get; private set; }

        /// <summary>The index of <paramref name="value"/>, added at the end when it is new.</summary>
        public int IndexOf(TileValue value)
        {
            var (kind, bits, text) = Pack(value);
            var mask = _slots.Length - 1;
            for (var slot = Hash(kind, bits, text) & mask; ; slot = (slot + 1) & mask)
            {
                var held = _slots[slot] - 1;
                if (held < 0)
                {
                    return Append(slot, kind, bits, text);
                }

                if (_kinds[held] == kind && (kind == TileValueKind.String ? string.Equals(_texts[(int)_bits[held]], text, StringComparison.Ordinal) : _bits[held] == bits))
                {
                    return held;
                }
            }
        }

        public TileValueTable Build()
        {
            _slots = [];
            return new TileValueTable(_kinds.Freeze(), _bits.Freeze(), [.. _texts]);
        }

        private int Append(int slot, TileValueKind kind, long bits, string? text)
        {
            var i = Count;
            _kinds.Add(kind);
            if (kind == TileValueKind.String)
            {
                bits = _texts.Count;
                _texts.Add(text!);
            }

            _bits.Add(bits);
            _slots[slot] = i + 1;
            Count++;
            if (2 * Count > _slots.Length)
            {
                Rehash();
            }

            return i;
        }

        private void Rehash()
        {
            _slots = new int[2 * _slots.Length];
            var mask = _slots.Length - 1;
            for (var i = 0; i < Count; i++)
            {
                var text = _kinds[i] == TileValueKind.String ? _texts[(int)_bits[i]] : null;
                var slot = Hash(_kinds[i], _bits[i], text) & mask;
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _slots[slot] = i + 1;
            }
        }

        /// <summary>
        /// A value's kind and bits; <see cref="TileValue.From"/> never gives a double that is a whole number, so equal
        /// doubles have equal bits (no -0 beside 0, no NaN), and bits compare as <see cref="TileValue"/>'s equality does.
        /// </summary>
        private static (TileValueKind Kind, long Bits, string? Text) Pack(TileValue value) => value.Kind switch
        {
            TileValueKind.String => (value.Kind, 0, value.Text ?? ""),
            TileValueKind.Double => (value.Kind, BitConverter.DoubleToInt64Bits(value.Number), null),
            TileValueKind.Integer => (value.Kind, value.Integer, null),
            var kind => (kind, value.Flag ? 1 : 0, null),
        };

        private static int Hash(TileValueKind kind, long bits, string? text) =>
            text is null ? HashCode.Combine(kind, bits) : HashCode.Combine(kind, string.GetHashCode(text, StringComparison.Ordinal));
    }
}
