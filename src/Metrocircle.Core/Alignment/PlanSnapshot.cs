using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Distance;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// One feature of a snapshot layer, in the plan's equal-area projection. A complex feature (a county, a circle) keeps
/// its geometry and properties as objects, with a prepared geometry and indexes built on first use. A simple one (a
/// parcel) keeps them compactly: its properties as UTF-8 JSON, read on each use, and its geometry as the
/// counter-clockwise ring its layer clips against (a convex polygon, most parcels), as its shell's coordinates (a
/// concave polygon without holes), or else as WKB, rebuilt or decoded on each use of <see cref="Metric"/>. Ten
/// million parcels would otherwise need ~24 GB for their objects alone; keeping a convex parcel's ring once, rather
/// than as WKB beside the layer's copy, saves a further ~120 bytes a parcel (1.2 GB at ten million), and a concave
/// one's shell as coordinates rather than WKB ~40 bytes.
/// </summary>
public sealed class SnapshotFeature
{
    // Complex features (counties, circles) are tested through a prepared geometry; simple ones (parcels) are cheaper directly.
    internal const int PrepareAbove = 64;
    // A simple feature's properties array: the id's UTF-8 length (two bytes), the geometry's form (one byte), its SRID
    // (four bytes), the id, then the properties as UTF-8 JSON. An id of 65,535 bytes or more has LongId in its two
    // bytes and its length in four more after the header.
    private const int HeaderLength = 7;
    private const ushort LongId = ushort.MaxValue;
    // Forms of a simple feature's geometry: WKB, or a ring that was a Polygon's shell or a one-part MultiPolygon's, and
    // whether the ring kept is the shell reversed (a clockwise shell is kept counter-clockwise).
    // FormShell: the ring kept is the shell itself less its closing point, in its own order (a concave shell, or one
    // with a repeated point), which the layer does not share: it clips against the shell's convex pieces instead.
    private const byte FormWkb = 0, FormPolygon = 1, FormMultiPolygon = 2, FormReversed = 4, FormShell = 8;
    private static readonly NetTopologySuite.IO.WKBReader WkbReader = new();

    // A simple feature's indexes, made only if a check needs them (an urban polygon asked whether it covers a
    // footprint): a million parcels must not carry them, nor a field for them, a few hundred polygons gain from them.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SnapshotFeature, Indexes> SimpleIndexes = [];

    // A complex feature's Geometry; a simple one's WKB, or its convex ring (double[], open, counter-clockwise), or its
    // shell as given (double[], open; FormShell); a complex feature's id, properties and indexes (Parts), or a simple
    // one's header, id and properties as one array. A parcel's every field counts ten million times: two references,
    // its envelope and its area make 72 bytes with the object header.
    private readonly object _shape;
    private readonly object _properties;
    private readonly double _minX, _minY, _maxX, _maxY;

    public SnapshotFeature(string id, Geometry metric, JsonObject properties)
        : this(id, metric, properties, null)
    {
    }

    /// <param name="json">The properties as compact UTF-8 JSON when the caller has them so (else they are written from <paramref name="properties"/>).</param>
    internal SnapshotFeature(string id, Geometry metric, JsonObject properties, byte[]? json)
        : this(id, metric, properties, json, ConvexRingIfSimple(metric))
    {
    }

    /// <param name="convexRing"><see cref="ConvexRingIfSimple"/> of <paramref name="metric"/>, as the caller computed it
    /// (it needs the ring for the layer's pieces too, and a ring is computed once).</param>
    internal SnapshotFeature(string id, Geometry metric, JsonObject properties, byte[]? json, double[]? convexRing)
    {
        Area = metric.Area;
        var e = metric.EnvelopeInternal;
        (_minX, _minY, _maxX, _maxY) = e.IsNull ? (1d, 1d, 0d, 0d) : (e.MinX, e.MinY, e.MaxX, e.MaxY);
        if (metric.NumPoints > PrepareAbove)
        {
            _shape = metric;
            _properties = new Parts(id, properties, new Indexes(metric));
        }
        else
        {
            var form = FormWkb;
            if (convexRing is { } ring && RingForm(metric, ring) is { } ringForm)
            {
                _shape = ring;
                form = ringForm;
            }
            else if (OpenShell(metric) is { } shell)
            {
                _shape = shell.Ring;
                form = (byte)(shell.Form | FormShell);
            }
            else
            {
                _shape = new NetTopologySuite.IO.WKBWriter(NetTopologySuite.IO.ByteOrder.LittleEndian, handleSRID: true, emitZ: false, emitM: false).Write(metric);
            }

            json ??= System.Text.Encoding.UTF8.GetBytes(properties.ToJsonString());
            var idLength = System.Text.Encoding.UTF8.GetByteCount(id);
            var idStart = idLength < LongId ? HeaderLength : HeaderLength + 4;
            var blob = new byte[idStart + idLength + json.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(blob, (ushort)Math.Min(idLength, LongId));
            blob[2] = form;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(3), metric.SRID);
            if (idLength >= LongId)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(HeaderLength), idLength);
            }

            System.Text.Encoding.UTF8.GetBytes(id, blob.AsSpan(idStart, idLength));
            json.CopyTo(blob, idStart + idLength);
            _properties = blob;
        }
    }

    /// <summary>The counter-clockwise ring of a geometry simple enough to be kept compactly, when it is one convex polygon; else null.</summary>
    internal static double[]? ConvexRingIfSimple(Geometry metric) => metric.NumPoints > PrepareAbove ? null : ConvexClip.ConvexRing(metric);

    /// <summary>
    /// The form under which <paramref name="metric"/> can be rebuilt exactly from its convex ring (as
    /// <see cref="ConvexClip.ConvexRing"/> made it from the shell), or null when the ring dropped a repeated point: then
    /// WKB is kept. With no point dropped, the ring is the shell less its closing point, in order or, for a clockwise
    /// shell, reversed, which its first point tells (reversed, it starts at the shell's last distinct point). Z and M
    /// need no care: the WKB kept otherwise is written without them too.
    /// </summary>
    private static byte? RingForm(Geometry metric, double[] ring)
    {
        var (polygon, form) = SinglePolygon(metric);
        var shell = polygon?.Shell.CoordinateSequence;
        if (shell is null || shell.Count != (ring.Length / 2) + 1)
        {
            return null;
        }

        var reversed = shell.GetX(0) != ring[0] || shell.GetY(0) != ring[1];
        return reversed ? (byte)(form | FormReversed) : form;
    }

    /// <summary>
    /// The shell of a Polygon or one-part MultiPolygon without holes, as x, y pairs in its own order less the closing
    /// point, with the form it came in; null for any other geometry (which keeps its WKB). A concave parcel kept so
    /// needs about 40 bytes less than as WKB (no byte order, type, SRID, count or closing point).
    /// </summary>
    private static (double[] Ring, byte Form)? OpenShell(Geometry metric)
    {
        var (polygon, form) = SinglePolygon(metric);
        if (polygon is null || polygon.IsEmpty || polygon.NumInteriorRings > 0)
        {
            return null;
        }

        var shell = polygon.Shell.CoordinateSequence;
        var ring = new double[2 * (shell.Count - 1)];
        for (var k = 0; k < shell.Count - 1; k++)
        {
            ring[2 * k] = shell.GetX(k);
            ring[(2 * k) + 1] = shell.GetY(k);
        }

        return (ring, form);
    }

    // The one polygon of a Polygon or one-part MultiPolygon, with the form to rebuild it in; null for anything else.
    private static (Polygon? Polygon, byte Form) SinglePolygon(Geometry metric) => metric switch
    {
        Polygon p => (p, FormPolygon),
        MultiPolygon { NumGeometries: 1 } m => ((Polygon)m.GetGeometryN(0), FormMultiPolygon),
        _ => (null, FormWkb),
    };

    // The geometry of a simple feature kept as a ring (its convex ring or its shell): the same coordinates, order, type
    // and SRID as it was given.
    private Geometry FromRing(double[] ring)
    {
        var header = (byte[])_properties;
        var form = header[2];
        var factory = NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(
            System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(3)));
        var n = ring.Length / 2;
        var shell = factory.CoordinateSequenceFactory.Create(n + 1, 2, 0);
        for (var k = 0; k < n; k++)
        {
            var r = (form & FormReversed) != 0 ? n - 1 - k : k;
            shell.SetX(k, ring[2 * r]);
            shell.SetY(k, ring[(2 * r) + 1]);
        }

        shell.SetX(n, shell.GetX(0));
        shell.SetY(n, shell.GetY(0));
        var polygon = factory.CreatePolygon(shell);
        return (form & FormMultiPolygon) != 0 ? factory.CreateMultiPolygon([polygon]) : polygon;
    }

    /// <summary>The feature's id (for a simple feature, a new string on each call).</summary>
    public string Id
    {
        get
        {
            if (_properties is Parts parts)
            {
                return parts.Id;
            }

            var (start, length) = IdRange((byte[])_properties);
            return System.Text.Encoding.UTF8.GetString(((byte[])_properties).AsSpan(start, length));
        }
    }

    // Where a simple feature's UTF-8 id lies in its properties array (the JSON follows it).
    private static (int Start, int Length) IdRange(byte[] blob)
    {
        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(blob);
        return length < LongId
            ? (HeaderLength, length)
            : (HeaderLength + 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(HeaderLength)));
    }

    // A simple feature's properties as UTF-8 JSON.
    private ReadOnlySpan<byte> Json
    {
        get
        {
            var (start, length) = IdRange((byte[])_properties);
            return ((byte[])_properties).AsSpan(start + length);
        }
    }

    /// <summary>The geometry in the plan's projection: for a simple feature a new copy on each call, so read it once per use.</summary>
    public Geometry Metric => _shape switch
    {
        Geometry g => g,
        double[] ring => FromRing(ring),
        _ => WkbReader.Read((byte[])_shape),
    };

    /// <summary>A simple convex feature's counter-clockwise ring (open: the first point is not repeated), which its geometry is rebuilt from; null otherwise.</summary>
    internal double[]? Ring => _shape is double[] ring && (((byte[])_properties)[2] & FormShell) == 0 ? ring : null;

    /// <summary>Whether the geometry is kept as WKB (a simple feature that is neither convex nor a shell without holes).</summary>
    internal bool KeepsWkb => _shape is byte[];

    /// <summary>The properties: for a simple feature a new copy on each call (prefer <see cref="Text"/> for one value).</summary>
    public JsonObject Properties => _properties is Parts parts ? parts.Properties : JsonNode.Parse(Json)!.AsObject();

    public double Area { get; }

    public Envelope Envelope => IsEmpty ? new Envelope() : new Envelope(_minX, _maxX, _minY, _maxY);

    /// <summary>Whether the geometry is empty (its envelope null).</summary>
    public bool IsEmpty => _minX > _maxX;

    /// <summary>Whether the feature's envelope meets <paramref name="box"/>; an empty feature meets nothing.</summary>
    public bool EnvelopeIntersects(Envelope box) =>
        !IsEmpty && !box.IsNull && _minX <= box.MaxX && _maxX >= box.MinX && _minY <= box.MaxY && _maxY >= box.MinY;

    public IPreparedGeometry? Prepared => (_properties as Parts)?.Indexes.Prepared;

    /// <summary>Whether the feature is simple enough (a parcel) to be tested directly rather than through a prepared geometry.</summary>
    internal bool IsSimple => _shape is not Geometry;

    /// <summary>The boundary index and point locator of a complex polygonal feature; null for simple ones.</summary>
    internal BoundaryIndex? Boundary => (_properties as Parts)?.Indexes.Boundary;

    /// <summary>A prepared geometry for any feature, simple ones included (built on first use).</summary>
    internal IPreparedGeometry AnyPrepared => AnyIndexes.Prepared;

    /// <summary>The boundary index of any polygonal feature, simple ones included (built on first use); null for other geometry.</summary>
    internal BoundaryIndex? AnyBoundary => AnyIndexes.Boundary;

    private Indexes AnyIndexes => _properties is Parts parts ? parts.Indexes : SimpleIndexes.GetValue(this, static f => new Indexes(f.Metric));

    /// <summary>
    /// Whether the feature comes within <paramref name="distance"/> of <paramref name="geometry"/>; for complex
    /// features through an index of their segments, since a plain distance compares every pair of segments.
    /// </summary>
    internal bool IsWithinDistance(Geometry geometry, double distance) =>
        _properties is Parts parts ? parts.Indexes.Distance.IsWithinDistance(geometry, distance) : Metric.IsWithinDistance(geometry, distance);

    /// <summary>A property's value when it is a string; null when it is missing or of another type.</summary>
    public string? Text(string property)
    {
        if (_properties is Parts { Properties: var properties })
        {
            return properties[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }

        return Find(property, out var reader) && reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>
    /// A property's value as text: a string as it is, any other value as its compact JSON (a number, true, an object);
    /// null when it is missing or JSON null.
    /// </summary>
    public string? ValueText(string property)
    {
        if (_properties is Parts { Properties: var properties })
        {
            var value = properties[property];
            return value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
        }

        if (!Find(property, out var reader))
        {
            return null;
        }

        switch (reader.TokenType)
        {
            case System.Text.Json.JsonTokenType.String:
                return reader.GetString();
            case System.Text.Json.JsonTokenType.Null:
                return null;
            case System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray:
                var from = (int)reader.TokenStartIndex;
                reader.Skip();
                return System.Text.Encoding.UTF8.GetString(Json[from..(int)reader.BytesConsumed]);
            default:
                return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    // Positions the reader on the value of a top-level property of the compact JSON.
    private bool Find(string property, out System.Text.Json.Utf8JsonReader reader)
    {
        reader = new System.Text.Json.Utf8JsonReader(Json);
        if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(property);
            reader.Read();
            if (match)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    // A complex feature's id, properties and indexes, out of the feature object so that a parcel has no fields for them.
    private sealed record Parts(string Id, JsonObject Properties, Indexes Indexes);

    // The prepared geometry, segment index and boundary index of a feature, each built on first use.
    private sealed class Indexes(Geometry metric)
    {
        private readonly Lazy<IPreparedGeometry> _prepared = new(() => PreparedGeometryFactory.Prepare(metric), LazyThreadSafetyMode.ExecutionAndPublication);
        private readonly Lazy<IndexedFacetDistance> _distance = new(() => new IndexedFacetDistance(metric), LazyThreadSafetyMode.ExecutionAndPublication);
        private readonly Lazy<BoundaryIndex?> _boundary = new(() => metric is Polygon or MultiPolygon ? new BoundaryIndex(metric) : null, LazyThreadSafetyMode.ExecutionAndPublication);

        public IPreparedGeometry Prepared => _prepared.Value;

        public IndexedFacetDistance Distance => _distance.Value;

        public BoundaryIndex? Boundary => _boundary.Value;
    }
}

/// <summary>
/// The features of one layer with a packed R-tree over their projected envelopes, and the rings of its simple convex
/// features (parcels) as flat arrays in the tree's order, so that a query's candidates lie close together in memory.
/// </summary>
public sealed class SnapshotLayer
{
    private readonly PackedRTree _tree;
    // Per slot of the tree: the counter-clockwise ring of a simple convex feature (a parcel, most often; the same
    // array the feature keeps its geometry in), else null.
    private readonly double[]?[] _convex;
    // Per slot: the convex pieces of a simple concave feature, _pieceStart[s] .. _pieceStart[s + 1] - 1 (its
    // triangles; none for a convex or complex feature or one that could not be split); piece p's counter-clockwise
    // ring is _rings[_ringStart[p] .. _ringStart[p + 1]].
    private readonly int[] _pieceStart;
    private readonly int[] _ringStart;
    private readonly double[] _rings;
    // The features in slot order: the candidates of one query are read from neighbouring entries.
    private readonly SnapshotFeature[] _bySlot;

    public SnapshotLayer(PlanLayer layer, IReadOnlyList<SnapshotFeature> features)
        : this(layer, features, null, null, null)
    {
    }

    /// <param name="pieces">Per feature, its convex pieces as <see cref="PiecesOf"/> gives them, computed by the caller
    /// while it held the feature's geometry (a simple feature's is decoded again on every read).</param>
    internal SnapshotLayer(PlanLayer layer, IReadOnlyList<SnapshotFeature> features, IReadOnlyList<object?> pieces)
        : this(layer, features, null, null, pieces)
    {
    }

    /// <summary>
    /// The convex pieces of a simple feature's geometry: one ring (a double[]) for a convex polygon, a list of rings for
    /// a concave one, null for a complex feature or one that could not be split.
    /// </summary>
    internal static object? PiecesOf(SnapshotFeature feature, Geometry metric) =>
        PiecesOf(feature, metric, feature.Ring ?? SnapshotFeature.ConvexRingIfSimple(metric));

    /// <param name="convexRing"><see cref="SnapshotFeature.ConvexRingIfSimple"/> of <paramref name="metric"/>, already computed.</param>
    internal static object? PiecesOf(SnapshotFeature feature, Geometry metric, double[]? convexRing) =>
        !feature.IsSimple ? null : convexRing ?? (object?)ConvexPieces.Of(metric);

    // The pieces of a concave feature (a convex one's ring is kept by slot, not among the pieces); no list is made for
    // the others, which are nearly every parcel.
    private static ReadOnlySpan<double[]> Concave(object? pieces) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pieces as List<double[]>);

    /// <param name="source">A layer most of whose features <paramref name="features"/> keeps (the base of an amendment), or null.</param>
    /// <param name="sourceIndex">Per feature, its index in <paramref name="source"/>'s features, or -1 for a new one: the convex
    /// pieces of a kept feature are copied from the source rather than computed again.</param>
    private SnapshotLayer(PlanLayer layer, IReadOnlyList<SnapshotFeature> features, SnapshotLayer? source, int[]? sourceIndex,
        IReadOnlyList<object?>? computed)
    {
        Layer = layer;
        Features = features;
        var bounds = new double[4 * features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            // An empty geometry's null envelope becomes a box that meets nothing.
            var e = features[i].Envelope;
            (bounds[4 * i], bounds[(4 * i) + 1], bounds[(4 * i) + 2], bounds[(4 * i) + 3]) = e.IsNull
                ? (double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity)
                : (e.MinX, e.MinY, e.MaxX, e.MaxY);
        }

        _tree = new PackedRTree(bounds, source is null || sourceIndex is null ? null : KeptOrder(source, sourceIndex, bounds));

        // Per feature, the slot of the same feature in the source, or -1 when its pieces must be computed.
        var sourceSlot = new int[features.Count];
        Array.Fill(sourceSlot, -1);
        if (source is not null && sourceIndex is not null)
        {
            var slotOf = new int[source.Features.Count];
            for (var s = 0; s < slotOf.Length; s++)
            {
                slotOf[source._tree.Order[s]] = s;
            }

            for (var i = 0; i < features.Count; i++)
            {
                sourceSlot[i] = sourceIndex[i] < 0 ? -1 : slotOf[sourceIndex[i]];
            }
        }

        IReadOnlyList<object?> pieces = computed ?? new object?[features.Count];
        if (computed is null)
        {
            var own = (object?[])pieces;
            Parallel.For(0, features.Count, i =>
            {
                if (sourceSlot[i] < 0 && features[i].IsSimple)
                {
                    own[i] = PiecesOf(features[i], features[i].Metric);
                }
            });
        }

        _pieceStart = new int[features.Count + 1];
        for (var s = 0; s < features.Count; s++)
        {
            var i = _tree.Order[s];
            var count = sourceSlot[i] >= 0 ? source!._pieceStart[sourceSlot[i] + 1] - source._pieceStart[sourceSlot[i]] : Concave(pieces[i]).Length;
            _pieceStart[s + 1] = _pieceStart[s] + count;
        }

        _ringStart = new int[_pieceStart[^1] + 1];
        var p = 0;
        for (var s = 0; s < features.Count; s++)
        {
            var i = _tree.Order[s];
            if (sourceSlot[i] >= 0)
            {
                for (var q = source!._pieceStart[sourceSlot[i]]; q < source._pieceStart[sourceSlot[i] + 1]; q++)
                {
                    _ringStart[p + 1] = _ringStart[p] + (source._ringStart[q + 1] - source._ringStart[q]);
                    p++;
                }

                continue;
            }

            foreach (var ring in Concave(pieces[i]))
            {
                _ringStart[p + 1] = _ringStart[p] + ring.Length;
                p++;
            }
        }

        _rings = new double[_ringStart[^1]];
        _convex = new double[]?[features.Count];
        _bySlot = new SnapshotFeature[features.Count];
        p = 0;
        for (var s = 0; s < features.Count; s++)
        {
            var i = _tree.Order[s];
            if (sourceSlot[i] >= 0)
            {
                // The source keeps a feature's pieces next to each other: one copy moves them all.
                var (first, end) = (source!._pieceStart[sourceSlot[i]], source._pieceStart[sourceSlot[i] + 1]);
                var from = source._ringStart[first];
                var length = source._ringStart[end] - from;
                source._rings.AsSpan(from, length).CopyTo(_rings.AsSpan(_ringStart[p], length));
                p += end - first;
                _convex[s] = source._convex[sourceSlot[i]];
            }
            else
            {
                foreach (var ring in Concave(pieces[i]))
                {
                    ring.CopyTo(_rings, _ringStart[p++]);
                }

                _convex[s] = pieces[i] as double[];
            }

            _bySlot[s] = features[i];
        }
    }

    /// <summary>
    /// The packed order of a layer derived from <paramref name="source"/>: the features it keeps in the source's order
    /// (so that the tree needs no sort of a million boxes), then the new ones in their own Sort-Tile-Recursive order.
    /// </summary>
    private static int[] KeptOrder(SnapshotLayer source, int[] sourceIndex, double[] bounds)
    {
        var newIndexOf = new int[source.Features.Count];
        Array.Fill(newIndexOf, -1);
        var fresh = new List<int>();
        for (var i = 0; i < sourceIndex.Length; i++)
        {
            if (sourceIndex[i] >= 0)
            {
                newIndexOf[sourceIndex[i]] = i;
            }
            else
            {
                fresh.Add(i);
            }
        }

        var order = new int[sourceIndex.Length];
        var n = 0;
        foreach (var item in source._tree.Order)
        {
            if (newIndexOf[item] >= 0)
            {
                order[n++] = newIndexOf[item];
            }
        }

        var freshBounds = new double[4 * fresh.Count];
        for (var k = 0; k < fresh.Count; k++)
        {
            bounds.AsSpan(4 * fresh[k], 4).CopyTo(freshBounds.AsSpan(4 * k, 4));
        }

        foreach (var k in PackedRTree.StrOrder(freshBounds, fresh.Count))
        {
            order[n++] = fresh[k];
        }

        return order;
    }

    /// <summary>
    /// This layer with features replaced (a null replacement drops the feature) and others appended: replaced ones stay
    /// in place. The convex pieces of the features kept are copied rather than computed again, which matters for a
    /// million parcels of which an amendment changes a few thousand.
    /// </summary>
    internal SnapshotLayer With(IReadOnlyDictionary<string, SnapshotFeature?> replaced, IReadOnlyList<SnapshotFeature> added)
    {
        var features = new List<SnapshotFeature>(Features.Count + added.Count);
        var sourceIndex = new List<int>(Features.Count + added.Count);
        for (var i = 0; i < Features.Count; i++)
        {
            var f = Features[i];
            if (!replaced.TryGetValue(f.Id, out var instead))
            {
                features.Add(f);
                sourceIndex.Add(i);
            }
            else if (instead is not null)
            {
                features.Add(instead);
                sourceIndex.Add(-1);
            }
        }

        features.AddRange(added);
        sourceIndex.AddRange(Enumerable.Repeat(-1, added.Count));
        return new SnapshotLayer(Layer, features, this, [.. sourceIndex], null);
    }

    public PlanLayer Layer { get; }

    public IReadOnlyList<SnapshotFeature> Features { get; }

    /// <summary>The features whose envelopes meet <paramref name="envelope"/>, in layer order.</summary>
    public IList<SnapshotFeature> Candidates(Envelope envelope)
    {
        var slots = new List<int>();
        Query(envelope, slots);

        // The tree's float boxes may add a feature within rounding of the box: keep those whose exact envelope meets it.
        var items = new List<int>(slots.Count);
        foreach (var slot in slots)
        {
            if (_bySlot[slot].EnvelopeIntersects(envelope))
            {
                items.Add(FeatureIndex(slot));
            }
        }

        items.Sort();
        var result = new SnapshotFeature[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = Features[items[i]];
        }

        return result;
    }

    /// <summary>
    /// Appends the tree slots of the features whose envelopes meet <paramref name="envelope"/>, and rarely of one that
    /// comes within float rounding (centimetres) of it: the caller's exact tests decide.
    /// </summary>
    internal void Query(Envelope envelope, List<int> slots) => _tree.Query(envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, slots);

    /// <summary>The index in <see cref="Features"/> of the feature in a tree slot.</summary>
    internal int FeatureIndex(int slot) => _tree.Order[slot];

    /// <summary>The feature in a tree slot.</summary>
    internal SnapshotFeature Feature(int slot) => _bySlot[slot];

    /// <summary>The counter-clockwise ring of the feature in a tree slot when it is a simple convex polygon; empty otherwise.</summary>
    internal ReadOnlySpan<double> ConvexRing(int slot) => _convex[slot];

    /// <summary>How many convex pieces the feature in a tree slot has: one for a convex parcel, several for a concave one, none otherwise.</summary>
    internal int PieceCount(int slot) => _convex[slot] is not null ? 1 : _pieceStart[slot + 1] - _pieceStart[slot];

    /// <summary>The counter-clockwise ring of the <paramref name="k"/>th convex piece of the feature in a tree slot.</summary>
    internal ReadOnlySpan<double> Piece(int slot, int k)
    {
        if (_convex[slot] is { } ring)
        {
            return ring;
        }

        var piece = _pieceStart[slot] + k;
        return _rings.AsSpan(_ringStart[piece], _ringStart[piece + 1] - _ringStart[piece]);
    }
}

/// <summary>
/// An immutable, indexed copy of one plan version for analysis: polygon layers projected to the plan's equal-area
/// CRS with STR-trees, the rules and the category catalogue. Built once per version and shared by all checks.
/// </summary>
public sealed class PlanSnapshot
{
    private PlanSnapshot(PlanVersion version, PlanSettings settings, IReadOnlyList<SnapshotLayer> layers,
        IReadOnlyList<AlignmentRule> rules, IReadOnlyDictionary<string, ProjectCategory> categories)
    {
        Version = version;
        Settings = settings;
        Layers = layers;
        Rules = rules;
        Categories = categories;
        RulesVersion = rules.Count == 0 ? "none" : string.Join("+", rules.Select(r => r.RulesVersion).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var jurisdictions = layers.Where(l => l.Layer.Kind == LayerKinds.Jurisdiction).OrderByDescending(l => l.Features.Count).ToList();
        Jurisdictions = jurisdictions.FirstOrDefault();
        PlanArea = Jurisdictions is null || Jurisdictions.Features.Count == 0
            ? null
            : Jurisdictions.Features.Select(f => f.Envelope).Aggregate(new Envelope(), (acc, e) => { acc.ExpandToInclude(e); return acc; });
    }

    public PlanVersion Version { get; }

    public PlanSettings Settings { get; }

    public EqualAreaProjection Projection => Settings.Projection;

    public IReadOnlyList<SnapshotLayer> Layers { get; }

    public IReadOnlyList<AlignmentRule> Rules { get; }

    public string RulesVersion { get; }

    public IReadOnlyDictionary<string, ProjectCategory> Categories { get; }

    /// <summary>The finest jurisdiction layer (counties in the default dataset): shares and province crossings come from it.</summary>
    public SnapshotLayer? Jurisdictions { get; }

    /// <summary>The projected extent of the jurisdictions: a footprint wholly outside it is outside the plan.</summary>
    public Envelope? PlanArea { get; }

    public IEnumerable<SnapshotLayer> OfKind(string kind) =>
        Layers.Where(l => l.Layer.Kind == kind || l.Layer.Kind.StartsWith(kind + ":", StringComparison.Ordinal));

    /// <summary>
    /// Reads a version from a store and builds its snapshot, one layer at a time and in batches: the records (settings,
    /// rules, categories) first, since the settings name the projection, then each polygon layer, whose features are
    /// projected as they stream in and kept only in their compact form.
    /// </summary>
    public static async Task<PlanSnapshot> BuildAsync(IPlanStore store, PlanVersion version, CancellationToken ct)
    {
        const int BatchSize = 8192;
        var layers = await store.GetLayersAsync(version.Id, ct);
        var records = new List<PlanFeature>();
        foreach (var layer in layers.Where(l => l.Geometry != LayerGeometry.Polygon))
        {
            await foreach (var f in store.StreamFeaturesAsync(version.Id, layer.Id, ct))
            {
                records.Add(f);
            }
        }

        var byLayer = ByLayer(records);
        var settings = SettingsOf(version, byLayer);
        var snapshotLayers = new List<SnapshotLayer>();
        foreach (var layer in layers.Where(l => l.Geometry == LayerGeometry.Polygon))
        {
            var features = new List<SnapshotFeature>();
            var pieces = new List<object?>();
            // One batch is projected on the thread pool while the next is read.
            var projecting = Task.CompletedTask;
            var batch = new List<PlanFeature>(BatchSize);
            await foreach (var f in store.StreamFeaturesAsync(version.Id, layer.Id, ct))
            {
                batch.Add(f);
                if (batch.Count == BatchSize)
                {
                    await projecting;
                    var full = batch;
                    projecting = Task.Run(() => Project(full, settings, features, pieces), ct);
                    batch = new List<PlanFeature>(BatchSize);
                }
            }

            await projecting;
            Project(batch, settings, features, pieces);
            features.TrimExcess();
            snapshotLayers.Add(new SnapshotLayer(layer, features, pieces));
        }

        return Finish(version, settings, snapshotLayers, byLayer);
    }

    /// <summary>Builds a snapshot from features already in memory.</summary>
    public static PlanSnapshot Create(PlanVersion version, IReadOnlyList<PlanLayer> layers, IEnumerable<PlanFeature> features)
    {
        var byLayer = ByLayer(features);
        var settings = SettingsOf(version, byLayer);
        var snapshotLayers = new List<SnapshotLayer>();
        foreach (var layer in layers.Where(l => l.Geometry == LayerGeometry.Polygon))
        {
            var projected = new List<SnapshotFeature>();
            var pieces = new List<object?>();
            Project(byLayer.GetValueOrDefault(layer.Id) ?? [], settings, projected, pieces);
            snapshotLayers.Add(new SnapshotLayer(layer, projected, pieces));
        }

        return Finish(version, settings, snapshotLayers, byLayer);
    }

    private static Dictionary<string, List<PlanFeature>> ByLayer(IEnumerable<PlanFeature> features) =>
        features.GroupBy(f => f.LayerId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    private static PlanSettings SettingsOf(PlanVersion version, Dictionary<string, List<PlanFeature>> byLayer) =>
        PlanSettings.FromFeature(byLayer.GetValueOrDefault(PlanSettings.LayerId)?.FirstOrDefault(f => f.Id == PlanSettings.FeatureId)
            ?? throw new InvalidOperationException($"plan version {version.Id} has no settings record ({PlanSettings.LayerId}/{PlanSettings.FeatureId}); re-seed it"));

    /// <summary>Projects (and repairs) features in parallel and appends them, with their convex pieces, in their order.</summary>
    private static void Project(List<PlanFeature> items, PlanSettings settings, List<SnapshotFeature> features, List<object?> pieces)
    {
        var projected = new SnapshotFeature[items.Count];
        var split = new object?[items.Count];
        Parallel.For(0, items.Count, i =>
        {
            var metric = settings.Projection.Project(items[i].Geometry!);
            if (!metric.IsValid)
            {
                metric = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(metric);
            }

            var ring = SnapshotFeature.ConvexRingIfSimple(metric);
            projected[i] = new SnapshotFeature(items[i].Id, metric, items[i].Properties, null, ring);
            split[i] = SnapshotLayer.PiecesOf(projected[i], metric, ring);
        });
        features.AddRange(projected);
        pieces.AddRange(split);
    }

    /// <summary>
    /// Builds a snapshot from layers already in the equal-area projection of <paramref name="settings"/> (metric data
    /// exported from another system, for instance), taken as they are: no projection and no repair. The
    /// <paramref name="records"/> are the rules and categories features, read as <see cref="Create"/> reads them.
    /// </summary>
    public static PlanSnapshot FromProjected(PlanVersion version, PlanSettings settings, IReadOnlyList<SnapshotLayer> layers, IEnumerable<PlanFeature> records)
    {
        var byLayer = records.GroupBy(f => f.LayerId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return Finish(version, settings, layers, byLayer);
    }

    /// <summary>
    /// This snapshot with a change set applied to its polygon layers, as <paramref name="version"/>: changed features
    /// replaced in place, retired ones dropped, added ones appended, each projected (and repaired) as
    /// <see cref="Create"/> does. Layers the change set does not touch are shared with this snapshot, not rebuilt.
    /// Changes to other layers (records such as rules or categories) are not applied: build the snapshot from the
    /// stored records for those.
    /// </summary>
    public PlanSnapshot WithChanges(PlanVersion version, IReadOnlyList<Amendments.FeatureChange> changes)
    {
        var byLayer = changes.GroupBy(c => c.LayerId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var layers = new List<SnapshotLayer>(Layers.Count);
        foreach (var layer in Layers)
        {
            if (!byLayer.TryGetValue(layer.Layer.Id, out var own))
            {
                layers.Add(layer);
                continue;
            }

            var replaced = new Dictionary<string, SnapshotFeature?>(StringComparer.Ordinal);
            var added = new List<SnapshotFeature>();
            foreach (var change in own)
            {
                var projected = change.Op == Amendments.ChangeOp.Retire || change.Feature?.Geometry is null ? null : Projected(change.Feature, Settings);
                if (change.Op == Amendments.ChangeOp.Add)
                {
                    if (projected is not null)
                    {
                        added.Add(projected);
                    }
                }
                else
                {
                    replaced[change.FeatureId] = projected;
                }
            }

            layers.Add(layer.With(replaced, added));
        }

        return new PlanSnapshot(version, Settings, layers, Rules, Categories);
    }

    private static SnapshotFeature Projected(PlanFeature feature, PlanSettings settings)
    {
        var metric = settings.Projection.Project(feature.Geometry!);
        if (!metric.IsValid)
        {
            metric = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(metric);
        }

        return new SnapshotFeature(feature.Id, metric, feature.Properties);
    }

    private static PlanSnapshot Finish(PlanVersion version, PlanSettings settings, IReadOnlyList<SnapshotLayer> snapshotLayers, Dictionary<string, List<PlanFeature>> byLayer)
    {
        var categories = (byLayer.GetValueOrDefault("categories") ?? []).ToDictionary(
            f => f.Id,
            f => new ProjectCategory(f.Id, Text(f, "nameZh") ?? f.Id, Text(f, "nameEn") ?? f.Id, Text(f, "description"),
                f.Properties["linear"] is JsonValue v && v.TryGetValue<bool>(out var linear) && linear,
                f.Properties["landUseCodes"] is JsonArray codes ? [.. codes.OfType<JsonValue>().Select(c => c.TryGetValue<string>(out var code) ? code : null).OfType<string>()] : null),
            StringComparer.Ordinal);
        var rules = (byLayer.GetValueOrDefault("rules") ?? []).Select(f => new AlignmentRule(
            f.Id,
            Text(f, "rulesVersion") ?? "unversioned",
            Text(f, "title") ?? f.Id,
            Text(f, "basis") ?? string.Empty,
            f.Properties["when"]?.DeepClone() ?? throw new FormatException($"rule {f.Id} has no \"when\" condition"),
            AlignmentRule.ParseOutcome(Text(f, "outcome") ?? string.Empty, f.Id),
            Text(f, "authority"),
            Text(f, "message") ?? f.Id,
            AlignmentRule.ParseApprovalLevel(Text(f, "approvalLevel"), f.Id))).ToList();
        foreach (var rule in rules)
        {
            RuleConditions.Validate(rule.When, rule.Id);
        }

        return new PlanSnapshot(version, settings, snapshotLayers, rules, categories);
    }

    private static string? Text(PlanFeature f, string name) => f.Properties[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
