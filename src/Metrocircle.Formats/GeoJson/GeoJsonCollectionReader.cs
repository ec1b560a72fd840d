using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Metrocircle.Formats.GeoJson;

/// <summary>
/// A GeoJSON FeatureCollection read with <see cref="Utf8JsonReader"/> over a sliding buffer: the reader walks the
/// top level until <c>features</c>, then hands each complete feature's bytes to the parser. Only one feature (plus
/// the buffer) is in memory at a time, whatever the file's size.
/// </summary>
public sealed class GeoJsonCollectionReader(string path) : LayerReader(path, "GeoJSON")
{
    private enum Phase
    {
        Start,
        TopLevel,
        Features,
        Done,
    }

    private enum Outcome
    {
        NeedMore,
        Feature,
        Done,
    }

    public override async IAsyncEnumerable<RawFeature> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var factory = GeometryFactories.LonLat;
        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        var length = Math.Max(1, stream.Length);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var eof = false;
        long discarded = 0;
        long lines = 0;
        var countedTo = 0;
        long index = 0;
        var state = new JsonReaderState(GeoJsonFeatureParser.ReaderOptions);
        var phase = Phase.Start;
        while (true)
        {
            var (outcome, consumed, featureStart, featureLength) = Step(buffer.AsSpan(start, end - start), eof, ref state, ref phase, index, lines);
            if (outcome == Outcome.Feature)
            {
                var at = start + featureStart;
                lines += buffer.AsSpan(countedTo, at - countedTo).Count((byte)'\n');
                countedTo = at;
                index++;
                var where = string.Create(CultureInfo.InvariantCulture, $"feature {index} (line {lines + 1})");
                RawFeature feature;
                try
                {
                    feature = GeoJsonFeatureParser.Parse(buffer.AsSpan(at, featureLength), index, where, factory);
                }
                catch (JsonException e)
                {
                    throw new LayerFileException($"{Path}: {where}: invalid JSON: {Clean(e)}", e);
                }

                start += consumed;
                if (_transform is not null && feature.Geometry is { IsEmpty: false } geometry)
                {
                    _transform.Apply(geometry);
                }

                yield return feature;
                continue;
            }

            start += consumed;
            if (outcome == Outcome.Done)
            {
                if (phase != Phase.Done)
                {
                    throw new LayerFileException($"{Path}: the JSON ends before the FeatureCollection does; the file appears to be truncated");
                }

                SetFraction(1);
                yield break;
            }

            if (eof)
            {
                throw new LayerFileException($"{Path}: the file ends inside the FeatureCollection; it appears to be truncated");
            }

            // Keep what is not consumed yet, grow only when a single feature outgrows the buffer, and read on.
            lines += buffer.AsSpan(countedTo, start - countedTo).Count((byte)'\n');
            discarded += start;
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
            countedTo = 0;
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var n = await stream.ReadAsync(buffer.AsMemory(end), ct);
            eof = n == 0;
            end += n;
            SetFraction((double)discarded / length);
        }
    }

    private (Outcome Outcome, int Consumed, int FeatureStart, int FeatureLength) Step(
        ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref Phase phase, long index, long lines)
    {
        var r = new Utf8JsonReader(data, final, state);
        try
        {
            while (true)
            {
                var before = r.CurrentState;
                var beforeConsumed = (int)r.BytesConsumed;
                if (phase == Phase.Done || !r.Read())
                {
                    state = r.CurrentState;
                    return (phase == Phase.Done || final ? Outcome.Done : Outcome.NeedMore, (int)r.BytesConsumed, 0, 0);
                }

                switch (phase)
                {
                    case Phase.Start:
                        if (r.TokenType != JsonTokenType.StartObject)
                        {
                            throw new LayerFileException($"{Path}: expected a GeoJSON FeatureCollection object at the start of the file");
                        }

                        phase = Phase.TopLevel;
                        break;
                    case Phase.TopLevel when r.TokenType == JsonTokenType.EndObject:
                        phase = Phase.Done;
                        break;
                    case Phase.TopLevel:
                        var name = r.GetString();
                        if (!r.Read())
                        {
                            state = before;
                            return (Outcome.NeedMore, beforeConsumed, 0, 0);
                        }

                        if (name == "features")
                        {
                            if (r.TokenType != JsonTokenType.StartArray)
                            {
                                throw new LayerFileException($"{Path}: \"features\" must be an array");
                            }

                            phase = Phase.Features;
                            break;
                        }

                        var valueStart = (int)r.TokenStartIndex;
                        var valueReader = r;
                        if (!r.TrySkip())
                        {
                            state = before;
                            return (Outcome.NeedMore, beforeConsumed, 0, 0);
                        }

                        if (name == "type" && (valueReader.TokenType != JsonTokenType.String || !valueReader.ValueTextEquals("FeatureCollection"u8)))
                        {
                            throw new LayerFileException($"{Path}: expected a GeoJSON FeatureCollection, found \"type\": {System.Text.Encoding.UTF8.GetString(data[valueStart..(int)r.BytesConsumed])}");
                        }

                        if (name == "crs")
                        {
                            CheckCrs(data[valueStart..(int)r.BytesConsumed], index);
                        }

                        break;
                    case Phase.Features when r.TokenType == JsonTokenType.EndArray:
                        phase = Phase.TopLevel;
                        break;
                    case Phase.Features when r.TokenType == JsonTokenType.StartObject:
                        var featureStart = (int)r.TokenStartIndex;
                        if (!r.TrySkip())
                        {
                            state = before;
                            return (Outcome.NeedMore, beforeConsumed, 0, 0);
                        }

                        state = r.CurrentState;
                        return (Outcome.Feature, (int)r.BytesConsumed, featureStart, (int)r.BytesConsumed - featureStart);
                    case Phase.Features:
                        throw new LayerFileException(string.Create(CultureInfo.InvariantCulture, $"{Path}: feature {index + 1} is not a JSON object"));
                }
            }
        }
        catch (JsonException e)
        {
            var truncated = final ? "; the file appears to be truncated" : string.Empty;
            throw new LayerFileException(string.Create(CultureInfo.InvariantCulture,
                $"{Path}: invalid JSON at line {(e.LineNumber ?? 0) + 1} (after feature {index}, which starts on line {lines + 1} or later): {Clean(e)}{truncated}"), e);
        }
    }

    private Crs.CrsTransform? _transform;

    /// <summary>
    /// Old GeoJSON (2008) may name a CRS, as GDAL still writes for anything but WGS 84: CGCS2000 and its Gauss–Krüger
    /// zones are brought to lon/lat; anything else would be misread as lon/lat, so it is refused.
    /// </summary>
    private void CheckCrs(ReadOnlySpan<byte> crs, long featuresBefore)
    {
        var reader = new Utf8JsonReader(crs);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var name = doc.RootElement.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString() ?? string.Empty
            : doc.RootElement.GetRawText();
        if (Crs.CrsNames.IsLonLatWgs84Name(name))
        {
            return;
        }

        var transform = Crs.CrsNames.EpsgCode(name) is { } code ? Crs.ChinaCrs.FromEpsg(code, $"{Path}: the FeatureCollection") : null;
        if (transform is null)
        {
            throw new LayerFileException($"{Path}: the FeatureCollection declares CRS \"{name}\"; only lon/lat WGS 84 (CRS84, EPSG:4326) and CGCS2000 (EPSG:4490, Gauss-Kruger EPSG:4491-4554) can be imported; reproject it first (ogr2ogr -t_srs EPSG:4326)");
        }

        if (featuresBefore > 0)
        {
            throw new LayerFileException(string.Create(CultureInfo.InvariantCulture,
                $"{Path}: the FeatureCollection declares CRS \"{name}\" after {featuresBefore} features it applies to; put the \"crs\" member before \"features\""));
        }

        _transform = transform;
        CrsNote = transform.Describe();
    }

    internal static string Clean(JsonException e) => e.Message.Split(" LineNumber", 2)[0].Split(" Path:", 2)[0].TrimEnd();
}
