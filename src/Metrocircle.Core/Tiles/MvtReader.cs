using System.Buffers.Binary;
using System.Text;

namespace Metrocircle.Core.Tiles;

/// <summary>A decoded feature: its id, type, attributes, and its parts (rings, lines or points) in tile coordinates.</summary>
public sealed record MvtFeature(ulong? Id, TileGeometryType Type, IReadOnlyDictionary<string, object> Properties, IReadOnlyList<IReadOnlyList<(int X, int Y)>> Parts);

/// <summary>A decoded layer.</summary>
public sealed record MvtLayer(string Name, int Version, int Extent, IReadOnlyList<MvtFeature> Features);

/// <summary>
/// Reads Mapbox Vector Tiles back: for tests, and for the benchmark's comparison with PostGIS's ST_AsMVT output.
/// Polygon rings come back without their closing point; property values as string, double, long, ulong or bool.
/// </summary>
public static class MvtReader
{
    public static IReadOnlyList<MvtLayer> Read(ReadOnlySpan<byte> tile)
    {
        var layers = new List<MvtLayer>();
        var r = new Reader(tile.ToArray());
        while (r.More)
        {
            var (field, wire) = r.Key();
            if (field == 3 && wire == 2)
            {
                layers.Add(ReadLayer(r.Sub()));
            }
            else
            {
                r.Skip(wire);
            }
        }

        return layers;
    }

    private static MvtLayer ReadLayer(Reader r)
    {
        string name = "";
        int version = 1, extent = 4096;
        var keys = new List<string>();
        var values = new List<object>();
        var raw = new List<(ulong? Id, uint[] Tags, int Type, uint[] Geometry)>();
        while (r.More)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 15: version = (int)r.Varint(); break;
                case 1: name = r.String(); break;
                case 2: raw.Add(ReadFeature(r.Sub())); break;
                case 3: keys.Add(r.String()); break;
                case 4: values.Add(ReadValue(r.Sub())); break;
                case 5: extent = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }

        var features = raw.Select(f =>
        {
            var props = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < f.Tags.Length; i += 2)
            {
                props[keys[(int)f.Tags[i]]] = values[(int)f.Tags[i + 1]];
            }

            return new MvtFeature(f.Id, (TileGeometryType)f.Type, props, DecodeGeometry(f.Geometry));
        }).ToList();
        return new MvtLayer(name, version, extent, features);
    }

    private static (ulong? Id, uint[] Tags, int Type, uint[] Geometry) ReadFeature(Reader r)
    {
        ulong? id = null;
        uint[] tags = [], geometry = [];
        var type = 0;
        while (r.More)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 1: id = r.Varint(); break;
                case 2: tags = r.Packed(); break;
                case 3: type = (int)r.Varint(); break;
                case 4: geometry = r.Packed(); break;
                default: r.Skip(wire); break;
            }
        }

        return (id, tags, type, geometry);
    }

    private static object ReadValue(Reader r)
    {
        object value = "";
        while (r.More)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 1: value = r.String(); break;
                case 2: value = (double)r.Fixed32(); break;
                case 3: value = r.Fixed64(); break;
                case 4: value = (long)r.Varint(); break;
                case 5: value = r.Varint(); break;
                case 6:
                    var z = r.Varint();
                    value = (long)(z >> 1) ^ -(long)(z & 1);
                    break;
                case 7: value = r.Varint() != 0; break;
                default: r.Skip(wire); break;
            }
        }

        return value;
    }

    private static List<IReadOnlyList<(int X, int Y)>> DecodeGeometry(uint[] g)
    {
        var parts = new List<IReadOnlyList<(int X, int Y)>>();
        List<(int X, int Y)>? current = null;
        int x = 0, y = 0, i = 0;
        while (i < g.Length)
        {
            var command = g[i] & 0x7;
            var count = (int)(g[i] >> 3);
            i++;
            if (command == 7)
            {
                continue;
            }

            for (var k = 0; k < count; k++)
            {
                x += Unzig(g[i++]);
                y += Unzig(g[i++]);
                if (command == 1)
                {
                    current = [];
                    parts.Add(current);
                }

                current!.Add((x, y));
            }
        }

        return parts;
    }

    private static int Unzig(uint v) => (int)(v >> 1) ^ -(int)(v & 1);

    private sealed class Reader(byte[] bytes, int start = 0, int end = -1)
    {
        private readonly int _end = end < 0 ? bytes.Length : end;
        private int _pos = start;

        public bool More => _pos < _end;

        public (int Field, int Wire) Key()
        {
            var k = Varint();
            return ((int)(k >> 3), (int)(k & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[_pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }
        }

        public Reader Sub()
        {
            var length = (int)Varint();
            var sub = new Reader(bytes, _pos, _pos + length);
            _pos += length;
            return sub;
        }

        public string String()
        {
            var length = (int)Varint();
            var s = Encoding.UTF8.GetString(bytes, _pos, length);
            _pos += length;
            return s;
        }

        public uint[] Packed()
        {
            var sub = Sub();
            var list = new List<uint>();
            while (sub.More)
            {
                list.Add((uint)sub.Varint());
            }

            return [.. list];
        }

        public double Fixed64()
        {
            var v = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(_pos));
            _pos += 8;
            return v;
        }

        public float Fixed32()
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(_pos));
            _pos += 4;
            return v;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: _pos += (int)Varint(); break;
                case 5: _pos += 4; break;
                default: throw new FormatException($"unknown protobuf wire type {wire} at byte {_pos}");
            }
        }
    }
}
