using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.Import;

/// <summary>
/// Turns a layer file into the stream a store writes: the first features are read ahead to decide the layer's
/// geometry and attributes, then every feature is checked for the layer's geometry dimension, validated and
/// repaired by <see cref="FeatureValidator"/>, and given its id. Reading and validation run on their own task,
/// one bounded channel ahead of the writer, so that parsing and the database use both cores.
/// </summary>
public sealed class LayerImport : IAsyncDisposable
{
    /// <summary>How many features decide the layer's geometry and attribute types.</summary>
    public const int SampleSize = 1000;

    /// <summary>
    /// Report lines kept beyond this many are counted, not listed: a million re-oriented parcels must not become a
    /// million lines in memory.
    /// </summary>
    public const int MaxReportLines = 100_000;

    private readonly LayerReader _reader;
    private readonly string _layerId;
    private readonly ImportReport _report;
    private readonly IAsyncEnumerator<RawFeature> _source;
    private readonly List<RawFeature> _sample;
    private readonly bool _exhausted;
    private readonly Dictionary<ImportAction, int> _omitted = [];
    private readonly KindSchema? _schema;
    private readonly FieldMap? _map;
    private readonly List<FeatureRejection> _rejections = [];
    private long _rejectedFeatures;

    private LayerImport(LayerReader reader, string layerId, ImportReport report, IAsyncEnumerator<RawFeature> source, List<RawFeature> sample, bool exhausted,
        KindSchema? schema, FieldMap? map)
    {
        _reader = reader;
        _layerId = layerId;
        _report = report;
        _source = source;
        _sample = sample;
        _exhausted = exhausted;
        _schema = schema;
        _map = map;
        Geometry = sample.Select(f => f.Geometry).FirstOrDefault(g => g is not null) is { } first ? DimensionOf(first) : LayerGeometry.None;
        var sampleProperties = map is null ? sample.Select(f => f.Properties) : sample.Select(f => map.Apply(f, f.Where, []).Properties);
        // A kind's fixed attributes are declared as the kind says; each feature is held to them below.
        Attributes = KindSchemas.Declare(schema, AttributeInference.Infer(sampleProperties), out _);
    }

    public LayerGeometry Geometry { get; }

    public IReadOnlyList<AttributeDefinition> Attributes { get; }

    /// <summary>Features read so far (validated or not), for progress displays.</summary>
    public long Read => Interlocked.Read(ref _read);

    private long _read;

    /// <summary>
    /// Reads ahead the first features. With <paramref name="schema"/> every feature's attributes are held to its kind's
    /// schema, with <paramref name="map"/> every feature is first translated by the field map; a feature that does not
    /// fit is reported and makes the whole import fail (<see cref="ImportRejectedException"/>) after the file is read.
    /// </summary>
    public static async Task<LayerImport> StartAsync(LayerReader reader, string layerId, ImportReport report, CancellationToken ct,
        KindSchema? schema = null, FieldMap? map = null)
    {
        var source = reader.ReadAsync(ct).GetAsyncEnumerator(ct);
        var sample = new List<RawFeature>(SampleSize);
        var exhausted = false;
        try
        {
            while (sample.Count < SampleSize)
            {
                if (!await source.MoveNextAsync())
                {
                    exhausted = true;
                    break;
                }

                sample.Add(source.Current);
            }
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }

        // After the first features: a GeoJSON file names its CRS in a member read on the way to them.
        report.AddNote(reader.CrsNote);
        if (map is not null)
        {
            report.AddNote(map.Note);
        }

        return new LayerImport(reader, layerId, report, source, sample, exhausted, schema ?? map?.Schema, map);
    }

    /// <summary>
    /// The validated features, each with <paramref name="provenance"/>. Enumerate once. A file that breaks part-way
    /// throws <see cref="LayerFileException"/> from the enumeration, so the store's transaction rolls back.
    /// </summary>
    public async IAsyncEnumerable<PlanFeature> FeaturesAsync(Provenance provenance, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var batch in AheadBatches.RunAsync<PlanFeature>((writer, stop) => ProduceAsync(writer, provenance, stop), ChannelBatches, ct))
        {
            foreach (var feature in batch)
            {
                yield return feature;
            }
        }
    }

    /// <summary>
    /// Features per validation task and per hand-over to the writer; how many batches may wait for the writer; how many
    /// validation tasks may run ahead of the one being handed on.
    /// </summary>
    private const int BatchSize = 256;

    private const int ChannelBatches = 16;

    private const int ChecksAhead = 4;

    /// <summary>
    /// Reads the file on this task and validates it in batches on the thread pool, so that parsing, validation and the
    /// store's writer share the cores. Each batch's outcome is handed on in file order: the report's lines, the rejected
    /// values, the first error and the features stored are what validating one feature after another would give.
    /// </summary>
    private async Task ProduceAsync(ChannelWriter<PlanFeature[]> writer, Provenance provenance, CancellationToken ct)
    {
        var pending = new Queue<Task<CheckedBatch>>();
        var raw = new List<RawFeature>(BatchSize);
        async ValueTask StartAsync()
        {
            var features = raw.ToArray();
            raw.Clear();
            pending.Enqueue(Task.Run(() => Check(features, provenance), ct));
            if (pending.Count > ChecksAhead)
            {
                await PassAsync(writer, await pending.Dequeue(), ct);
            }
        }

        try
        {
            foreach (var feature in _sample)
            {
                raw.Add(feature);
                if (raw.Count == BatchSize)
                {
                    await StartAsync();
                }
            }

            _sample.Clear();
            Exception? readError = null;
            while (!_exhausted)
            {
                // Only the file's own errors are held back here, so that the features read before a broken one are
                // validated and handed on ahead of it; an error of a batch handed on (above, in StartAsync) ends the
                // import at once, before any batch after it.
                try
                {
                    if (!await _source.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    readError = e;
                    break;
                }

                raw.Add(_source.Current);
                if (raw.Count == BatchSize)
                {
                    await StartAsync();
                }
            }

            if (raw.Count > 0)
            {
                await StartAsync();
            }

            while (pending.Count > 0)
            {
                await PassAsync(writer, await pending.Dequeue(), ct);
            }

            if (readError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
            }

            if (_rejectedFeatures > 0)
            {
                // Thrown into the store's enumeration, so its transaction rolls back: one unplaceable value imports nothing.
                throw new ImportRejectedException(_reader.Path, _layerId, _rejections, _rejectedFeatures, _map);
            }

            foreach (var (action, n) in _omitted.OrderBy(kv => kv.Key))
            {
                _report.AddSummary(new ImportIssue(action, _layerId, "(more)", string.Create(CultureInfo.InvariantCulture,
                    $"{n} more features {action.ToString().ToLowerInvariant()}; their lines are not kept beyond the first {MaxReportLines}")), n);
            }
        }
        finally
        {
            // No validation outlives the import, whatever stopped it.
            while (pending.TryDequeue(out var task))
            {
                try
                {
                    await task;
                }
                catch (Exception)
                {
                    // Stopped already by an earlier error or the cancellation, which is what surfaces.
                }
            }
        }
    }

    /// <summary>One batch validated off the reading task: per feature, what to store, the values that do not fit, the error.</summary>
    private sealed class CheckedBatch(int count, string source)
    {
        public PlanFeature?[] Features { get; } = new PlanFeature?[count];

        /// <summary>Feature i's report lines are <c>Report.Issues[IssueEnd[i - 1] .. IssueEnd[i]]</c>.</summary>
        public int[] IssueEnd { get; } = new int[count];

        public ImportReport Report { get; } = new(source);

        public List<FeatureRejection>?[]? Problems { get; set; }

        public Exception?[]? Errors { get; set; }
    }

    /// <summary>Validates a batch; thread-safe, because it writes only to the batch's own outcome.</summary>
    private CheckedBatch Check(RawFeature[] features, Provenance provenance)
    {
        var result = new CheckedBatch(features.Length, _report.Source);
        for (var i = 0; i < features.Length; i++)
        {
            try
            {
                var (feature, problems) = Check(features[i], provenance, result.Report);
                result.Features[i] = feature;
                if (problems is { Count: > 0 })
                {
                    (result.Problems ??= new List<FeatureRejection>?[features.Length])[i] = problems;
                }
            }
            catch (Exception e)
            {
                (result.Errors ??= new Exception?[features.Length])[i] = e;
            }

            result.IssueEnd[i] = result.Report.Issues.Count;
        }

        return result;
    }

    private (PlanFeature? Feature, List<FeatureRejection>? Problems) Check(RawFeature raw, Provenance provenance, ImportReport report)
    {
        var id = raw.Id ?? raw.Index.ToString(CultureInfo.InvariantCulture);
        var label = raw.Id is null ? raw.Where : $"{raw.Id} ({raw.Where})";
        var properties = raw.Properties;
        if (_map is not null || _schema is not null)
        {
            var problems = new List<FeatureRejection>();
            if (_map is not null)
            {
                (properties, var mappedId) = _map.Apply(raw, label, problems);
                id = mappedId ?? id;
            }
            else
            {
                problems.AddRange(_schema!.Check(properties).Select(p => new FeatureRejection(raw.Index, label, p.Attribute, FeatureRejection.Render(p.Value), p.Message)));
            }

            if (problems.Count > 0)
            {
                // Nothing of a feature that does not fit is stored or reported beyond its rejected values.
                return (null, problems);
            }
        }

        Geometry? geometry;
        if (raw.GeometryError is { } error)
        {
            report.Add(new ImportIssue(ImportAction.Dropped, _layerId, label, $"geometry cannot be built: {error}"));
            geometry = null;
        }
        else
        {
            if (raw.Geometry is { IsEmpty: false } g && g is not GeometryCollection { OgcGeometryType: OgcGeometryType.GeometryCollection } && DimensionOf(g) != Geometry)
            {
                throw new LayerFileException(Geometry == LayerGeometry.None
                    ? $"{_reader.Path}: {label} has a {g.GeometryType} geometry, but the features before it have none; a layer holds one kind of geometry"
                    : $"{_reader.Path}: {label} is a {g.GeometryType}, but the layer's features before it are {Geometry}s; a layer holds one kind of geometry: split the file by geometry type");
            }

            geometry = FeatureValidator.Validate(raw.Geometry, Geometry, _layerId, label, report);
        }

        return geometry is null && Geometry != LayerGeometry.None ? (null, null) : (new PlanFeature(_layerId, id, geometry, properties, provenance), null);
    }

    /// <summary>
    /// Hands a validated batch on in file order, as validating one feature after another would: once a value has been
    /// rejected nothing more is stored or reported (the rest is read only to list what else does not fit), a feature's
    /// error stops the import after the features before it, and report lines beyond <see cref="MaxReportLines"/> are
    /// counted, not kept.
    /// </summary>
    private async ValueTask PassAsync(ChannelWriter<PlanFeature[]> writer, CheckedBatch batch, CancellationToken ct)
    {
        var passed = new List<PlanFeature>(batch.Features.Length);
        for (var i = 0; i < batch.Features.Length; i++)
        {
            _report.CountRead();
            Interlocked.Increment(ref _read);
            if (batch.Problems?[i] is { } problems)
            {
                _rejectedFeatures++;
                _rejections.AddRange(problems.Take(MaxReportLines - _rejections.Count));
            }

            if (_rejectedFeatures > 0)
            {
                continue;
            }

            if (batch.Errors?[i] is { } error)
            {
                if (passed.Count > 0)
                {
                    await writer.WriteAsync([.. passed], ct);
                }

                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }

            var keep = _report.Issues.Count < MaxReportLines;
            for (var k = i == 0 ? 0 : batch.IssueEnd[i - 1]; k < batch.IssueEnd[i]; k++)
            {
                var issue = batch.Report.Issues[k];
                if (keep)
                {
                    _report.Add(issue);
                }
                else
                {
                    _omitted[issue.Action] = _omitted.GetValueOrDefault(issue.Action) + 1;
                }
            }

            if (batch.Features[i] is { } feature)
            {
                passed.Add(feature);
            }
        }

        if (passed.Count > 0)
        {
            await writer.WriteAsync([.. passed], ct);
        }
    }

    private static LayerGeometry DimensionOf(Geometry g) => g switch
    {
        Point or MultiPoint => LayerGeometry.Point,
        LineString or MultiLineString => LayerGeometry.LineString,
        Polygon or MultiPolygon => LayerGeometry.Polygon,
        _ => g.Dimension switch
        {
            Dimension.Point => LayerGeometry.Point,
            Dimension.Curve => LayerGeometry.LineString,
            _ => LayerGeometry.Polygon,
        },
    };

    public async ValueTask DisposeAsync() => await _source.DisposeAsync();
}

/// <summary>
/// Features whose values the field map or the kind's schema cannot place: each is listed (feature, field, value, why)
/// and nothing of the file is stored.
/// </summary>
public sealed class ImportRejectedException(string path, string layerId, IReadOnlyList<FeatureRejection> rejections, long features, FieldMap? map)
    : LayerFileException($"{path}: {features} feature{(features == 1 ? string.Empty : "s")} of layer {layerId} have values {(map is null ? "outside the kind's codes" : "the field map does not place")}; nothing was imported")
{
    public IReadOnlyList<FeatureRejection> Rejections { get; } = rejections;

    /// <summary>How many features were refused; <see cref="Rejections"/> may hold fewer lines when there are very many.</summary>
    public long Features { get; } = features;

    public FieldMap? Map { get; } = map;
}
