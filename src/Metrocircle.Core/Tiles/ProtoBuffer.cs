using System.Buffers.Binary;
using System.Text;

namespace Metrocircle.Core.Tiles;

/// <summary>The few protocol-buffer encodings a vector tile needs, into a growable byte array.</summary>
internal sealed class ProtoBuffer
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    public void Key(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _bytes[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _bytes[Length++] = (byte)value;
    }

    public void Fixed64(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_bytes.AsSpan(Length), value);
        Length += 8;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public void String(string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)size);
        Ensure(size);
        Length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length));
    }

    /// <summary>A packed repeated uint32 field.</summary>
    public void Packed(int field, List<uint> values)
    {
        var size = 0;
        foreach (var v in values)
        {
            size += VarintSize(v);
        }

        Key(field, 2);
        Varint((ulong)size);
        foreach (var v in values)
        {
            Varint(v);
        }
    }

    public static int PackedSize(List<uint> values)
    {
        var size = 0;
        foreach (var v in values)
        {
            size += VarintSize(v);
        }

        return size;
    }

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
