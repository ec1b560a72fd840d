using System.Runtime.InteropServices;

namespace Metrocircle.Core.Tiles;

/// <summary>
/// Encodes one layer of a <see cref="TileSnapshot"/> as a Mapbox Vector Tile 2.1 (one layer named after the
/// snapshot's layer). Written by hand rather than through NetTopologySuite.IO.VectorTiles.Mapbox: that package
/// wants lon/lat NTS features per tile and re-projects and allocates each one, and does not clip to a buffer.
/// </summary>
public static class MvtEncoder
{
    private const uint MoveTo = 1;
    private const uint LineTo = 2;
    private const uint ClosePath = 7;

    // Each thread keeps the buffers of its last tile for the next one, unless that tile grew them past these sizes
    // (a low-zoom tile of a large layer): an idle thread holds a few megabytes at most, not a large tile's tens.
    private const int KeptBufferBytes = 4 << 20;
    private const int KeptCandidates = 1 << 18;
    private const int KeptValues = 1 << 17;

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Cuts and encodes a tile; an empty result (no bytes, no features) when nothing lies in it.</summary>
    public static EncodedTile Encode(TileSnapshot snapshot, TileId tile, TileOptions options)
    {
        var scratch = t_scratch ?? new Scratch();
        t_scratch = null;
        var tileResult = Encode(snapshot, tile, options, scratch);
        if (scratch.Layer.Capacity <= KeptBufferBytes && scratch.Geometries.Capacity <= KeptBufferBytes && scratch.Candidates.Capacity <= KeptCandidates
            && scratch.Values.Count <= KeptValues)
        {
            t_scratch = scratch;
        }

        return tileResult;
    }

    private static EncodedTile Encode(TileSnapshot snapshot, TileId tile, TileOptions options, Scratch scratch)
    {
        var bounds = WebMercatorQuad.Bounds(tile);
        var span = bounds.Width;
        var margin = span * options.Buffer / options.Extent;
        var candidates = scratch.Candidates;
        snapshot.Candidates(bounds.MinX - margin, bounds.MinY - margin, bounds.MaxX + margin, bounds.MaxY + margin, scratch.Slots, candidates);
        if (candidates.Count == 0)
        {
            return new EncodedTile([], 0);
        }

        var cell = WebMercatorQuad.CellSize(tile.Z);
        var scale = options.Extent / span;
        var cutter = scratch.Cutter;
        cutter.MinX = bounds.MinX;
        cutter.MaxY = bounds.MaxY;
        cutter.Scale = scale;
        cutter.Low = -options.Buffer;
        cutter.High = options.Extent + options.Buffer;
        cutter.Tolerance = options.Generalize ? cell * scale : 0;

        // Generalisation rule (see TileOptions): drop polygons under one cell², simplify at one cell.
        var minArea = options.Generalize ? cell * cell : 0;
        var minRingTwice = options.Generalize ? 2 * (long)Math.Ceiling(cutter.Tolerance * cutter.Tolerance) : 0;

        var layer = scratch.Layer;
        var tags = scratch.Tags;
        var keyMap = scratch.KeyMap(snapshot.Keys.Count);
        var keys = scratch.Keys;
        var valueMap = scratch.ValueMap;
        var values = scratch.Values;
        var written = 0;

        layer.Clear();
        keys.Clear();
        valueMap.Clear();
        values.Clear();
        layer.Key(15, 0);
        layer.Varint(2);
        layer.Key(1, 2);
        layer.String(snapshot.LayerId);
        // Two passes. The first cuts and encodes every candidate's geometry in the order the snapshot stores them (the
        // tree's order: a tile's features lie side by side there), appending each one's commands, as the varints of
        // its packed geometry field, to one buffer; the second writes the features in the layer's order, which fixes
        // the order of features, keys and values in the tile (reproducible bytes), copying each one's geometry bytes.
        var geometry = scratch.Geometry;
        var geometries = scratch.Geometries;
        var encoded = scratch.Encoded;
        var order = scratch.Order;
        geometries.Clear();
        encoded.Clear();
        order.Clear();
        foreach (var (f, layerIndex, clip) in CollectionsMarshal.AsSpan(candidates))
        {
            var type = snapshot.Types[f];
            if (type == TileGeometryType.Polygon && snapshot.Areas[f] < minArea)
            {
                continue;
            }

            geometry.Clear();
            switch (type)
            {
                case TileGeometryType.Polygon:
                    EncodePolygon(snapshot, f, cutter, clip, minRingTwice, geometry);
                    break;
                case TileGeometryType.LineString:
                    EncodeLines(snapshot, f, cutter, clip, geometry);
                    break;
                default:
                    EncodePoints(snapshot, f, cutter, geometry);
                    break;
            }

            if (geometry.Count > 0)
            {
                var start = geometries.Length;
                geometries.Varints(CollectionsMarshal.AsSpan(geometry));

                // The layer position in the high half and the feature's entry in the low: sorting the keys as plain
                // numbers puts the entries in layer order.
                order.Add(((long)layerIndex << 32) | (uint)encoded.Count);
                encoded.Add(new EncodedFeature(f, start, geometries.Length - start));
            }
        }

        CollectionsMarshal.AsSpan(order).Sort();
        var allGeometry = geometries.Written;
        foreach (var key in CollectionsMarshal.AsSpan(order))
        {
            var (f, start, length) = encoded[(int)key];
            var l = (int)(key >> 32);
            var type = snapshot.Types[f];
            var geometryBytes = allGeometry.Slice(start, length);
            tags.Clear();
            for (var p = snapshot.PropStart[l]; p < snapshot.PropStart[l + 1]; p++)
            {
                var k = snapshot.PropKeys[p];
                if (keyMap[k] < 0)
                {
                    keyMap[k] = keys.Count;
                    keys.Add(k);
                }

                var v = snapshot.PropValues[p];
                ref var vi = ref CollectionsMarshal.GetValueRefOrAddDefault(valueMap, v, out var seen);
                if (!seen)
                {
                    vi = values.Count;
                    values.Add(v);
                }

                tags.Add((uint)keyMap[k]);
                tags.Add((uint)vi);
            }

            // A numeric id goes in the feature's id field, as ST_AsMVT does; any other id only in the "id" property.
            var hasId = snapshot.HasNumericId[l];
            var id = snapshot.NumericIds[l];
            var size = (hasId ? 1 + ProtoBuffer.VarintSize(id) : 0) + 2;
            var tagSpan = CollectionsMarshal.AsSpan(tags);
            var t = ProtoBuffer.PackedSize(tagSpan);
            if (tags.Count > 0)
            {
                size += 1 + ProtoBuffer.VarintSize((ulong)t) + t;
            }

            size += 1 + ProtoBuffer.VarintSize((ulong)length) + length;

            layer.Key(2, 2);
            layer.Varint((ulong)size);
            if (hasId)
            {
                layer.Key(1, 0);
                layer.Varint(id);
            }

            if (tags.Count > 0)
            {
                layer.Packed(2, tagSpan, t);
            }

            layer.Key(3, 0);
            layer.Varint((ulong)type);
            layer.Key(4, 2);
            layer.Bytes(geometryBytes);
            written++;
        }

        if (written == 0)
        {
            return new EncodedTile([], 0);
        }

        foreach (var k in keys)
        {
            layer.Key(3, 2);
            layer.String(snapshot.Keys[k]);
        }

        var value = scratch.Value;
        foreach (var v in values)
        {
            value.Clear();
            WriteValue(value, snapshot.Values[v]);
            layer.Key(4, 2);
            layer.Bytes(value.Written);
        }

        layer.Key(5, 0);
        layer.Varint((ulong)options.Extent);
        return new EncodedTile(ProtoBuffer.Message(3, layer.Written), written);
    }

    private static void WriteValue(ProtoBuffer buffer, TileValue value)
    {
        switch (value.Kind)
        {
            case TileValueKind.String:
                buffer.Key(1, 2);
                buffer.String(value.Text ?? "");
                break;
            case TileValueKind.Double:
                buffer.Key(3, 1);
                buffer.Fixed64(value.Number);
                break;
            case TileValueKind.Integer when value.Integer >= 0:
                buffer.Key(4, 0);
                buffer.Varint((ulong)value.Integer);
                break;
            case TileValueKind.Integer:
                buffer.Key(6, 0);
                buffer.Varint((ulong)((value.Integer << 1) ^ (value.Integer >> 63)));
                break;
            default:
                buffer.Key(7, 0);
                buffer.Varint(value.Flag ? 1UL : 0UL);
                break;
        }
    }

    private static void EncodePolygon(TileSnapshot s, int f, TileGeometryCutter cutter, bool clip, long minRingTwice, List<uint> geometry)
    {
        int cx = 0, cy = 0;
        var outerKept = false;
        for (var r = s.FirstRing[f]; r < s.FirstRing[f + 1]; r++)
        {
            var outer = s.RingOuter[r];
            if (!outer && !outerKept)
            {
                continue;
            }

            var twice = cutter.CutRing(s.Coords, s.RingStart[r], s.RingStart[r + 1], clip);
            if (twice == 0 || Math.Abs(twice) < minRingTwice)
            {
                if (outer)
                {
                    outerKept = false;
                }

                continue;
            }

            if (outer)
            {
                outerKept = true;
            }

            // MVT: exterior rings have positive area in tile coordinates (clockwise on screen), holes negative.
            var reverse = outer ? twice < 0 : twice > 0;
            var pts = CollectionsMarshal.AsSpan(cutter.Points);
            var n = pts.Length / 2;
            for (var k = 0; k < n; k++)
            {
                var i = reverse ? (k == 0 ? 0 : n - k) : k;
                var x = pts[i * 2];
                var y = pts[(i * 2) + 1];
                if (k == 0)
                {
                    geometry.Add(Command(MoveTo, 1));
                }
                else if (k == 1)
                {
                    geometry.Add(Command(LineTo, (uint)(n - 1)));
                }

                geometry.Add(ProtoBuffer.ZigZag(x - cx));
                geometry.Add(ProtoBuffer.ZigZag(y - cy));
                cx = x;
                cy = y;
            }

            geometry.Add(Command(ClosePath, 1));
        }
    }

    private static void EncodeLines(TileSnapshot s, int f, TileGeometryCutter cutter, bool clip, List<uint> geometry)
    {
        int cx = 0, cy = 0;
        for (var r = s.FirstRing[f]; r < s.FirstRing[f + 1]; r++)
        {
            cutter.CutLine(s.Coords, s.RingStart[r], s.RingStart[r + 1], clip, () =>
            {
                var pts = cutter.Points;
                var n = pts.Count / 2;
                for (var k = 0; k < n; k++)
                {
                    if (k == 0)
                    {
                        geometry.Add(Command(MoveTo, 1));
                    }
                    else if (k == 1)
                    {
                        geometry.Add(Command(LineTo, (uint)(n - 1)));
                    }

                    geometry.Add(ProtoBuffer.ZigZag(pts[k * 2] - cx));
                    geometry.Add(ProtoBuffer.ZigZag(pts[(k * 2) + 1] - cy));
                    cx = pts[k * 2];
                    cy = pts[(k * 2) + 1];
                }
            });
        }
    }

    private static void EncodePoints(TileSnapshot s, int f, TileGeometryCutter cutter, List<uint> geometry)
    {
        int cx = 0, cy = 0;
        var count = 0;
        var start = geometry.Count;
        geometry.Add(0);
        for (var r = s.FirstRing[f]; r < s.FirstRing[f + 1]; r++)
        {
            for (var i = s.RingStart[r]; i < s.RingStart[r + 1]; i++)
            {
                if (!cutter.CutPoint(s.Coords, i))
                {
                    continue;
                }

                geometry.Add(ProtoBuffer.ZigZag(cutter.Points[0] - cx));
                geometry.Add(ProtoBuffer.ZigZag(cutter.Points[1] - cy));
                cx = cutter.Points[0];
                cy = cutter.Points[1];
                count++;
            }
        }

        if (count == 0)
        {
            geometry.RemoveAt(start);
            return;
        }

        geometry[start] = Command(MoveTo, (uint)count);
    }

    private static uint Command(uint id, uint count) => (id & 0x7) | (count << 3);

    /// <summary>What one thread reuses from tile to tile: the buffers, lists and maps an encoding needs, cleared before use.</summary>
    private sealed class Scratch
    {
        private int[] _keyMap = [];

        public ProtoBuffer Layer { get; } = new();

        public ProtoBuffer Value { get; } = new();

        public List<int> Slots { get; } = [];

        public List<TileCandidate> Candidates { get; } = [];

        /// <summary>One feature's geometry commands.</summary>
        public List<uint> Geometry { get; } = [];

        /// <summary>The packed geometry of every feature of the tile, one after another.</summary>
        public ProtoBuffer Geometries { get; } = new();

        public List<EncodedFeature> Encoded { get; } = [];

        /// <summary>Per encoded feature: its layer position (high half) and its entry in <see cref="Encoded"/> (low half).</summary>
        public List<long> Order { get; } = [];

        public List<uint> Tags { get; } = [];

        public List<int> Keys { get; } = [];

        public Dictionary<int, int> ValueMap { get; } = [];

        public List<int> Values { get; } = [];

        public TileGeometryCutter Cutter { get; } = new();

        /// <summary>A key-to-tile-key map for <paramref name="count"/> snapshot keys, all unmapped (-1).</summary>
        public int[] KeyMap(int count)
        {
            if (_keyMap.Length < count)
            {
                _keyMap = new int[count];
            }

            Array.Fill(_keyMap, -1);
            return _keyMap;
        }
    }
}

/// <summary>A feature whose geometry a tile keeps: where the snapshot stores it, and the range of its packed geometry in the tile's geometry buffer.</summary>
internal readonly record struct EncodedFeature(int Feature, int Start, int Length);
