using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats.GeoJson;

/// <summary>
/// GeoJSON text sequences (RFC 8142) and newline-delimited GeoJSON: one Feature per line, with or without the
/// leading record separator. Lines are parsed straight from a reusable buffer.
/// </summary>
public sealed class GeoJsonSequenceReader(string path) : LayerReader(path, "GeoJSON text sequence")
{
    private const byte RecordSeparator = 0x1E;

    public override async IAsyncEnumerable<RawFeature> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var factory = GeometryFactories.LonLat;
        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        var length = Math.Max(1, stream.Length);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var eof = false;
        long line = 0;
        long index = 0;
        long consumedBefore = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0 && !eof)
            {
                // Keep the unfinished line, make room (grow only when one line fills the buffer), read on.
                if (start > 0)
                {
                    consumedBefore += start;
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var n = await stream.ReadAsync(buffer.AsMemory(end), ct);
                eof = n == 0;
                end += n;
                SetFraction((double)(consumedBefore + end) / length);
                continue;
            }

            if (newline < 0 && end == start)
            {
                yield break;
            }

            var lineLength = newline < 0 ? end - start : newline;
            line++;
            var text = Trim(buffer.AsSpan(start, lineLength));
            start += newline < 0 ? lineLength : lineLength + 1;
            if (text.IsEmpty)
            {
                continue;
            }

            index++;
            yield return ParseLine(text, index, line, newline < 0, factory);
        }
    }

    private RawFeature ParseLine(ReadOnlySpan<byte> text, long index, long line, bool last, GeometryFactory factory)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"line {line}");
        try
        {
            return GeoJsonFeatureParser.Parse(text, index, where, factory);
        }
        catch (JsonException e)
        {
            var hint = last ? "; the file may be truncated" : string.Empty;
            throw new LayerFileException(string.Create(CultureInfo.InvariantCulture,
                $"{Path}: line {line}: invalid JSON at column {(e.BytePositionInLine ?? 0) + 1}: {e.Message.Split(" LineNumber", 2)[0]}{hint}"), e);
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        line = line.Trim(" \t\r"u8);
        while (!line.IsEmpty && line[0] == RecordSeparator)
        {
            line = line[1..].TrimStart(" \t"u8);
        }

        return line;
    }
}
