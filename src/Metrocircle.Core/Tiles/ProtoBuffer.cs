using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Metrocircle.Core.Tiles;

/// <summary>The few protocol-buffer encodings a vector tile needs, into a growable byte array.</summary>
internal sealed class ProtoBuffer
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    /// <summary>Bytes held, written or not.</summary>
    public int Capacity => _bytes.Length;

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

    /// <summary>A uint32's varint size: its significant bits, 7 to a byte (⌈bits / 7⌉ = ((bits + 6) · 37) >> 8 for 1–32 bits).</summary>
    public static int VarintSize(uint value) => ((38 - BitOperations.LeadingZeroCount(value | 1)) * 37) >> 8;

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

    /// <summary>A packed repeated uint32 field of <paramref name="size"/> bytes (<see cref="PackedSize"/>).</summary>
    public void Packed(int field, ReadOnlySpan<uint> values, int size)
    {
        Key(field, 2);
        Varint((ulong)size);
        Ensure(size);
        PutAll(values);
    }

    /// <summary>The values as varints one after another, with no key or length: the body of a packed field.</summary>
    public void Varints(ReadOnlySpan<uint> values)
    {
        Ensure(5 * values.Length);
        PutAll(values);
    }

    public static int PackedSize(ReadOnlySpan<uint> values)
    {
        var size = 0;
        foreach (var v in values)
        {
            size += VarintSize(v);
        }

        return size;
    }

    /// <summary>A message holding <paramref name="body"/> as its one length-delimited field, as an exact array.</summary>
    public static byte[] Message(int field, ReadOnlySpan<byte> body)
    {
        var key = (uint)((field << 3) | 2);
        var message = new byte[VarintSize(key) + VarintSize((uint)body.Length) + body.Length];
        var at = Put(message, 0, key);
        at = Put(message, at, (uint)body.Length);
        body.CopyTo(message.AsSpan(at));
        return message;
    }

    /// <summary>Writes a varint at <paramref name="at"/>, where the caller has made room; returns the index after it.</summary>
    /// <summary>Writes the values as varints; the caller has made room for them.</summary>
    private void PutAll(ReadOnlySpan<uint> values)
    {
        var at = Length;
        foreach (var value in values)
        {
            at = Put(_bytes, at, value);
        }

        Length = at;
    }

    private static int Put(byte[] bytes, int at, uint value)
    {
        while (value >= 0x80)
        {
            bytes[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[at++] = (byte)value;
        return at;
    }

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
