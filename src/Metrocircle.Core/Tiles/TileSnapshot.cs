using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tiles;

/// <summary>The vector tile geometry types (MVT's GeomType).</summary>
public enum TileGeometryType : byte
{
    Point = 1,
    LineString = 2,
    Polygon = 3,
}

/// <summary>
/// An immutable, in-memory copy of one layer at one plan version, made for cutting tiles: geometries projected once to
/// EPSG:3857, the coordinates kept in chunks and everything per feature, ring and property in flat arrays (a million
/// small parcels take about 200 MB, against several times that as NTS objects), attributes converted once to tile
/// values, and a packed R-tree over the feature bounds, every feature's data stored in the tree's order. Built once
/// per (version, layer) and then read by any number of threads.
/// </summary>
public sealed class TileSnapshot
{
    internal TileSnapshot(string layerId, Builder b)
    {
        LayerId = layerId;
        Count = b.Types.Count;
        b.FirstRing.Add(b.RingStart.Count);
        b.RingStart.Add(b.Coords.Count);
        b.PropStart.Add(b.PropKeys.Count);
        Keys = [.. b.KeyIndex.OrderBy(kv => kv.Value).Select(kv => kv.Key)];
        Values = b.Values.Build();

        // The features arrive in layer order; the tree's packed order puts neighbours together. Each feature's geometry
        // (type, area, rings, coordinates) is stored in that order (slot s of the tree is feature s here), so that the
        // cutting of a tile reads its parcels side by side in memory and the tree's answer needs no lookup; the layer
        // position of each is kept (LayerIndex) for the ids and properties, and for the order of features in a tile.
        // At ten million parcels a z14 tile's 240 parcels were otherwise as many scattered reads in each array.
        // The exact bounds serve the tree's construction only (32 bytes a feature, 320 MB for ten million parcels), so
        // they are computed from the coordinates once all are in, and let go after.
        var firstRing = b.FirstRing.MoveToArray();
        var ringStart = b.RingStart.MoveToArray();
        var coords = b.Coords.Freeze();
        var bounds = new double[4 * Count];
        for (var f = 0; f < Count; f++)
        {
            (bounds[4 * f], bounds[(4 * f) + 1], bounds[(4 * f) + 2], bounds[(4 * f) + 3]) = PairBounds(coords, ringStart[firstRing[f]], ringStart[firstRing[f + 1]]);
        }

        Tree = new PackedRTree(bounds);
        var order = Tree.Order;
        if (Count > 0)
        {
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            for (var i = 0; i < Count; i++)
            {
                minX = Math.Min(minX, bounds[i * 4]);
                minY = Math.Min(minY, bounds[(i * 4) + 1]);
                maxX = Math.Max(maxX, bounds[(i * 4) + 2]);
                maxY = Math.Max(maxY, bounds[(i * 4) + 3]);
            }

            Extent = new Envelope(minX, maxX, minY, maxY);
        }

        bounds = [];
        Types = Gather(b.Types.MoveToArray(), order);
        Areas = Gather(b.Areas.MoveToArray(), order);

        // Rings and their coordinates, feature by feature in the new order. The old coordinates are let go once all
        // are copied, so for a while both are held: the build of ten million parcels peaks about 0.5 GB higher than
        // one that keeps the layer order (4.35 against 3.83 GB; bench/RESULTS.md, tiles, session 21).
        var ringOuter = b.RingOuter.MoveToArray();
        FirstRing = new int[Count + 1];
        RingStart = new int[ringStart.Length];
        RingOuter = new bool[ringOuter.Length];
        var moved = new CoordinateChunks();
        var ring = 0;
        for (var s = 0; s < Count; s++)
        {
            var f = order[s];
            FirstRing[s] = ring;
            for (var r = firstRing[f]; r < firstRing[f + 1]; r++, ring++)
            {
                RingStart[ring] = moved.Count;
                RingOuter[ring] = ringOuter[r];
                for (int from = ringStart[r], to = ringStart[r + 1]; from < to;)
                {
                    var segment = coords.Segment(from, to);
                    moved.AddPairs(segment);
                    from += segment.Length / 2;
                }
            }
        }

        FirstRing[Count] = ring;
        RingStart[ring] = moved.Count;
        Coords = moved.Freeze();

        // What only the writing of a tile's features reads (ids and properties) stays in layer order: the encoder
        // writes the features in that order, and these need no copy.
        NumericIds = b.NumericIds.MoveToArray();
        HasNumericId = b.HasNumericId.MoveToArray();
        PropStart = b.PropStart.MoveToArray();
        PropKeys = b.PropKeys.MoveToArray();
        PropValues = b.PropValues.MoveToArray();
    }

    private static T[] Gather<T>(T[] items, int[] order)
    {
        var result = new T[order.Length];
        for (var s = 0; s < order.Length; s++)
        {
            result[s] = items[order[s]];
        }

        return result;
    }

    public string LayerId { get; }

    /// <summary>Features with geometry; features without any are not in tiles.</summary>
    public int Count { get; }

    /// <summary>The EPSG:3857 extent of the layer, or null when it has no geometry.</summary>
    public Envelope? Extent { get; }

    /// <summary>Attribute names, indexed by <see cref="PropKeys"/>.</summary>
    public IReadOnlyList<string> Keys { get; }

    internal TileGeometryType[] Types { get; }

    /// <summary>
    /// The feature id when it is a non-negative integer (MVT's id is a uint64); otherwise HasNumericId is false. Indexed
    /// by layer position (<see cref="LayerIndex"/>), as are the properties (PropStart, PropKeys, PropValues).
    /// </summary>
    internal ulong[] NumericIds { get; }

    internal bool[] HasNumericId { get; }

    /// <summary>Feature i owns rings FirstRing[i] .. FirstRing[i+1]-1.</summary>
    internal int[] FirstRing { get; }

    /// <summary>Ring r owns coordinate pairs RingStart[r] .. RingStart[r+1]-1 (rings are stored open, without the closing point).</summary>
    internal int[] RingStart { get; }

    /// <summary>For polygons: whether the ring is an exterior ring (it starts a new polygon); lines and points store each part as a ring.</summary>
    internal bool[] RingOuter { get; }

    /// <summary>The x, y pairs of every ring, in ring order; ring r's are pairs RingStart[r] .. RingStart[r+1]-1.</summary>
    internal CoordinateChunks Coords { get; }

    /// <summary>The position in the layer's order (the order the features were given in) of the feature stored at <paramref name="f"/>.</summary>
    internal int LayerIndex(int f) => Tree.Order[f];

    /// <summary>The exact EPSG:3857 bounds of feature <paramref name="f"/>, from its coordinates.</summary>
    internal (double MinX, double MinY, double MaxX, double MaxY) BoundsOf(int f) => PairBounds(Coords, RingStart[FirstRing[f]], RingStart[FirstRing[f + 1]]);

    private static (double MinX, double MinY, double MaxX, double MaxY) PairBounds(CoordinateChunks coords, int from, int to)
    {
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        while (from < to)
        {
            var segment = coords.Segment(from, to);
            for (var i = 0; i < segment.Length; i += 2)
            {
                minX = Math.Min(minX, segment[i]);
                maxX = Math.Max(maxX, segment[i]);
                minY = Math.Min(minY, segment[i + 1]);
                maxY = Math.Max(maxY, segment[i + 1]);
            }

            from += segment.Length / 2;
        }

        return (minX, minY, maxX, maxY);
    }

    /// <summary>Planar area in square EPSG:3857 metres (0 for lines and points), for thinning.</summary>
    internal float[] Areas { get; }

    internal int[] PropStart { get; }

    internal int[] PropKeys { get; }

    internal int[] PropValues { get; }

    internal TileValueTable Values { get; }

    internal PackedRTree Tree { get; }

    /// <summary>
    /// Reads a layer's features (from <c>IPlanStore.StreamFeaturesAsync</c>) into a snapshot. The stream is read on a
    /// task of its own, a few batches ahead, so that the store's half of the work (each row's properties parsed and its
    /// WKB decoded) and the snapshot's (projection, values, rings) run on two cores; features are added in the stream's
    /// order, so the snapshot is the one a single thread builds.
    /// </summary>
    public static async Task<TileSnapshot> BuildAsync(string layerId, IAsyncEnumerable<PlanFeature> features, CancellationToken ct)
    {
        var builder = new Builder();
        await foreach (var batch in AheadBatches.ReadAsync(features, 1024, 4, ct))
        {
            foreach (var feature in batch)
            {
                builder.Add(feature);
            }
        }

        return new TileSnapshot(layerId, builder);
    }

    /// <summary>
    /// Builds a snapshot from features in memory. <paramref name="properties"/> chooses what a tile carries; by default
    /// the served properties (<see cref="PlanFeature.PublicProperties"/>), as the web host uses.
    /// </summary>
    public static TileSnapshot Build(string layerId, IEnumerable<PlanFeature> features, Func<PlanFeature, JsonObject>? properties = null)
    {
        var builder = new Builder(properties);
        foreach (var feature in features)
        {
            builder.Add(feature);
        }

        return new TileSnapshot(layerId, builder);
    }

    /// <summary>
    /// The features whose bounds intersect the EPSG:3857 box, in the order they are stored, into <paramref name="result"/>, each
    /// marked when its bounds reach outside the box (only those need clipping); <paramref name="slots"/> is scratch.
    /// </summary>
    internal void Candidates(double minX, double minY, double maxX, double maxY, List<int> slots, List<TileCandidate> result)
    {
        slots.Clear();
        result.Clear();
        Tree.Query(minX, minY, maxX, maxY, slots);

        // The tree's walk gives the slots in no set order; in the order the snapshot stores them (slot s is stored at
        // s), a tile reads the snapshot's memory forward. (The encoder writes the features in the layer's order.)
        CollectionsMarshal.AsSpan(slots).Sort();

        // The tree's float boxes may also return a feature within float rounding of the box (about a metre at
        // EPSG:3857's magnitudes); the exact bounds keep the candidates, and so the tiles, what they always were.
        var layerIndex = Tree.Order;
        foreach (var f in CollectionsMarshal.AsSpan(slots))
        {
            var b = BoundsOf(f);
            if (b.MinX <= maxX && b.MaxX >= minX && b.MinY <= maxY && b.MaxY >= minY)
            {
                result.Add(new TileCandidate(f, layerIndex[f], b.MinX < minX || b.MaxX > maxX || b.MinY < minY || b.MaxY > maxY));
            }
        }
    }

    internal sealed class Builder(Func<PlanFeature, JsonObject>? properties = null)
    {
        public ChunkedArray<TileGeometryType> Types { get; } = new();
        public ChunkedArray<ulong> NumericIds { get; } = new();
        public ChunkedArray<bool> HasNumericId { get; } = new();
        public ChunkedArray<int> FirstRing { get; } = new();
        public ChunkedArray<int> RingStart { get; } = new();
        public ChunkedArray<bool> RingOuter { get; } = new();
        public CoordinateChunks Coords { get; } = new();
        public ChunkedArray<float> Areas { get; } = new();
        public ChunkedArray<int> PropStart { get; } = new();
        public ChunkedArray<int> PropKeys { get; } = new();
        public ChunkedArray<int> PropValues { get; } = new();
        public Dictionary<string, int> KeyIndex { get; } = new(StringComparer.Ordinal);
        public TileValueTable.Builder Values { get; } = new();

        public void Add(PlanFeature feature)
        {
            if (feature.Geometry is not { IsEmpty: false } geometry || TypeOf(geometry) is not { } type)
            {
                return;
            }

            var ringsBefore = RingStart.Count;
            var area = 0.0;
            foreach (var part in Parts(geometry, type))
            {
                switch (part)
                {
                    case Polygon polygon:
                        area += AddRing(polygon.ExteriorRing.CoordinateSequence, outer: true, closed: true);
                        foreach (var hole in polygon.InteriorRings)
                        {
                            area -= AddRing(hole.CoordinateSequence, outer: false, closed: true);
                        }

                        break;
                    case LineString line:
                        AddRing(line.CoordinateSequence, outer: true, closed: false);
                        break;
                    case Point point:
                        AddRing(point.CoordinateSequence, outer: true, closed: false);
                        break;
                }
            }

            if (RingStart.Count == ringsBefore)
            {
                return;
            }

            FirstRing.Add(ringsBefore);
            Types.Add(type);
            var numeric = ulong.TryParse(feature.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id);
            NumericIds.Add(id);
            HasNumericId.Add(numeric);
            Areas.Add((float)Math.Max(0, area));
            PropStart.Add(PropKeys.Count);
            var served = properties?.Invoke(feature) ?? feature.PublicProperties();
            if (!numeric && !served.ContainsKey("id"))
            {
                // MVT ids are integers; a text id travels as a property so a client can fetch the whole feature.
                served = new System.Text.Json.Nodes.JsonObject(served.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())).Prepend(KeyValuePair.Create("id", (System.Text.Json.Nodes.JsonNode?)feature.Id)));
            }

            foreach (var (name, node) in served)
            {
                if (TileValue.From(node) is not { } value)
                {
                    continue;
                }

                if (!KeyIndex.TryGetValue(name, out var k))
                {
                    KeyIndex[name] = k = KeyIndex.Count;
                }

                PropKeys.Add(k);
                PropValues.Add(Values.IndexOf(value));
            }
        }

        /// <summary>Projects a ring or part and returns the absolute planar area of a closed ring.</summary>
        private double AddRing(CoordinateSequence seq, bool outer, bool closed)
        {
            var n = seq.Count;
            if (closed && n > 1 && seq.GetX(0) == seq.GetX(n - 1) && seq.GetY(0) == seq.GetY(n - 1))
            {
                n--;
            }

            if (n == 0 || (closed && n < 3))
            {
                return 0;
            }

            var first = Coords.Count;
            RingStart.Add(first);
            RingOuter.Add(outer);
            for (var i = 0; i < n; i++)
            {
                var (x, y) = WebMercatorQuad.Project(seq.GetX(i), seq.GetY(i));
                Coords.Add(x, y);
            }

            if (!closed)
            {
                return 0;
            }

            var twice = 0.0;
            for (int i = 0, j = n - 1; i < n; j = i++)
            {
                twice += (Coords.X(first + j) * Coords.Y(first + i)) - (Coords.X(first + i) * Coords.Y(first + j));
            }

            return Math.Abs(twice / 2);
        }

        /// <summary>
        /// An MVT feature has one geometry type; a mixed collection keeps its highest dimension (polygons over lines over points).
        /// </summary>
        private static TileGeometryType? TypeOf(Geometry g) => g.Dimension switch
        {
            Dimension.Surface => TileGeometryType.Polygon,
            Dimension.Curve => TileGeometryType.LineString,
            Dimension.Point => TileGeometryType.Point,
            _ => null,
        };

        private static IEnumerable<Geometry> Parts(Geometry g, TileGeometryType type)
        {
            for (var i = 0; i < g.NumGeometries; i++)
            {
                var part = g.GetGeometryN(i);
                if (part is GeometryCollection)
                {
                    foreach (var inner in Parts(part, type))
                    {
                        yield return inner;
                    }
                }
                else if (TypeOf(part) == type)
                {
                    yield return part;
                }
            }
        }
    }
}

/// <summary>
/// A feature of a tile snapshot met by a tile's box: where it is stored, its place in the layer's order, and whether its
/// bounds reach outside the box.
/// </summary>
internal readonly record struct TileCandidate(int Feature, int Layer, bool Clip);
