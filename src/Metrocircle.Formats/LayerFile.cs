using System.Text;
using Metrocircle.Formats.GeoJson;
using Metrocircle.Formats.GeoPackage;
using Metrocircle.Formats.Shapefile;

namespace Metrocircle.Formats;

/// <summary>Tells a layer file's format from its extension and first bytes, and opens the matching reader.</summary>
public static class LayerFile
{
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    public static async Task<LayerReader> OpenAsync(string path, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(path);
        var extension = System.IO.Path.GetExtension(full).ToLowerInvariant();
        if (extension is ".shp" or ".dbf" or ".shx")
        {
            // A shapefile is several files; the .shp names it whichever part was given.
            return ShapefileLayerReader.Open(System.IO.Path.ChangeExtension(full, ".shp"));
        }

        if (!File.Exists(full))
        {
            throw new LayerFileException($"{full}: no such file");
        }

        var head = new byte[64 * 1024];
        int length;
        await using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true))
        {
            length = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }

        var start = head.AsSpan(0, length);
        if (start.StartsWith(SqliteHeader) || extension == ".gpkg")
        {
            return await GeoPackageReader.OpenAsync(full, head.AsMemory(0, length), ct);
        }

        if (extension is ".geojsons" or ".geojsonl" or ".geojsonseq" or ".ndjson" or ".jsonl")
        {
            return new GeoJsonSequenceReader(full);
        }

        var trimmed = (start.StartsWith("\uFEFF"u8) ? start[3..] : start).TrimStart(" \t\r\n"u8);

        if (trimmed.Length > 0 && trimmed[0] == 0x1E)
        {
            return new GeoJsonSequenceReader(full);
        }

        if (trimmed.Length > 0 && trimmed[0] == (byte)'{')
        {
            return GeoJsonSniffer.IsFeatureLine(trimmed) ? new GeoJsonSequenceReader(full) : new GeoJsonCollectionReader(full);
        }

        throw new LayerFileException(
            $"{full}: unknown format: expected a GeoJSON FeatureCollection (.geojson), GeoJSON text sequence (.geojsons, one feature per line), GeoPackage (.gpkg) or Shapefile (.shp)");
    }
}
