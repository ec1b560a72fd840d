using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Metrocircle.Core.Spatial;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Bench.Alignment;

/// <summary>One row of a harness layer: its integer id, geometry and the columns asked for.</summary>
internal sealed record LayerRow(long Id, Geometry Geometry, JsonObject Properties);

/// <summary>
/// Reads a harness <c>*_aea.gpkg</c> as it is, in SRID 990001. Metrocircle.Formats' GeoPackage reader brings Albers
/// back to lon/lat (right for imports); here the point is PostGIS's own metric coordinates, so the blob is decoded
/// without any transformation: GeoPackage header, then WKB.
/// </summary>
internal static class MetricGpkg
{
    public static async Task<LayerRow[]> ReadAsync(string path, string table, IReadOnlyList<string> columns, CancellationToken ct)
    {
        var blobs = new List<(long Id, byte[] Blob, object?[] Values)>();
        await using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using (var srs = connection.CreateCommand())
            {
                srs.CommandText = "SELECT s.definition FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE g.table_name = $t";
                srs.Parameters.AddWithValue("$t", table);
                var wkt = (string?)await srs.ExecuteScalarAsync(ct) ?? string.Empty;
                if (!wkt.Contains("Albers", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"{path}: table {table} is not in the harness's Albers CRS (SRID 990001); use the _aea.gpkg file");
                }
            }

            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id, geom{string.Concat(columns.Select(c => ", " + c))} FROM {table} ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var values = new object?[columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i + 2) ? null : reader.GetValue(i + 2);
                }

                blobs.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), values));
            }
        }

        var rows = new LayerRow[blobs.Count];
        Parallel.ForEach(Partitioner.Create(0, blobs.Count, 16_384), range =>
        {
            var wkb = new WKBReader(GeoJsonGeometry.Services) { HandleSRID = false };
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var (id, blob, values) = blobs[i];
                var properties = new JsonObject();
                for (var c = 0; c < columns.Count; c++)
                {
                    properties[columns[c]] = values[c] switch
                    {
                        null => null,
                        long l => JsonValue.Create(l),
                        double d => JsonValue.Create(d),
                        var v => JsonValue.Create(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)),
                    };
                }

                rows[i] = new LayerRow(id, Decode(blob, wkb), properties);
            }
        });
        return rows;
    }

    private static Geometry Decode(byte[] blob, WKBReader wkb)
    {
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P')
        {
            throw new InvalidDataException("not a GeoPackage geometry blob");
        }

        var envelope = (blob[3] >> 1) & 0b111;
        var offset = 8 + envelope switch { 0 => 0, 1 => 32, 2 or 3 => 48, 4 => 64, _ => throw new InvalidDataException("bad envelope indicator") };
        using var stream = new MemoryStream(blob, offset, blob.Length - offset, writable: false);
        var geometry = wkb.Read(stream);
        geometry.SRID = 0;
        return geometry;
    }
}
