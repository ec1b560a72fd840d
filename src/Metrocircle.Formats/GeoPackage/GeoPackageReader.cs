using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Formats.Crs;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace Metrocircle.Formats.GeoPackage;

/// <summary>
/// The features table of a GeoPackage, streamed row by row through SQLite; geometry blobs are decoded here
/// (header + WKB) and brought to lon/lat when the table's CRS is one Metrocircle can invert.
/// </summary>
public sealed class GeoPackageReader : LayerReader
{
    private readonly string _table;
    private readonly string _geometryColumn;
    private readonly string? _keyColumn;
    private readonly IReadOnlyList<(string Name, bool Boolean)> _columns;
    private readonly CrsTransform? _transform;
    private readonly long _rows;

    private GeoPackageReader(string path, string table, string geometryColumn, string? keyColumn,
        IReadOnlyList<(string Name, bool Boolean)> columns, CrsTransform? transform, long rows)
        : base(path, "GeoPackage")
    {
        _table = table;
        _geometryColumn = geometryColumn;
        _keyColumn = keyColumn;
        _columns = columns;
        _transform = transform;
        _rows = rows;
        if (transform is not null)
        {
            CrsNote = transform.Describe();
        }
    }

    /// <summary>The features table being read.</summary>
    public string Table => _table;

    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    internal static SqliteConnection Connect(string path) => new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
    }.ToString());

    public static async Task<GeoPackageReader> OpenAsync(string path, ReadOnlyMemory<byte> head, CancellationToken ct)
    {
        if (!head.Span.StartsWith(SqliteHeader))
        {
            throw new LayerFileException($"{path}: not a GeoPackage: the file is not an SQLite database");
        }

        try
        {
            await using var connection = Connect(path);
            await connection.OpenAsync(ct);
            var tables = new List<(string Table, string Column, int Srs)>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
                    JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
                    WHERE c.data_type = 'features' ORDER BY c.table_name
                    """;
                try
                {
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        tables.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
                    }
                }
                catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
                {
                    throw new LayerFileException($"{path}: not a GeoPackage: the SQLite database has no gpkg_contents or gpkg_geometry_columns table", e);
                }
            }

            var stem = System.IO.Path.GetFileNameWithoutExtension(path);
            var (table, column, srs) = tables.Count switch
            {
                0 => throw new LayerFileException($"{path}: the GeoPackage has no features table (gpkg_contents lists none with data_type 'features')"),
                1 => tables[0],
                _ => tables.FirstOrDefault(t => string.Equals(t.Table, stem, StringComparison.OrdinalIgnoreCase)) is { Table: not null } match
                    ? match
                    : throw new LayerFileException($"{path}: the GeoPackage has {tables.Count} features tables ({string.Join(", ", tables.Select(t => t.Table))}); name the file after the one to import"),
            };
            var transform = await ResolveCrsAsync(connection, path, table, srs, ct);

            string? key = null;
            var columns = new List<(string, bool)>();
            await using (var info = connection.CreateCommand())
            {
                info.CommandText = $"PRAGMA table_info({Quote(table)})";
                await using var reader = await info.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var name = reader.GetString(1);
                    var type = reader.IsDBNull(2) ? string.Empty : reader.GetString(2);
                    if (reader.GetInt32(5) == 1 && type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase))
                    {
                        key = name;
                    }
                    else if (!name.Equals(column, StringComparison.OrdinalIgnoreCase))
                    {
                        columns.Add((name, type.Equals("BOOLEAN", StringComparison.OrdinalIgnoreCase)));
                    }
                }
            }

            long rows;
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM {Quote(table)}";
                rows = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }

            return new GeoPackageReader(path, table, column, key, columns, transform, rows);
        }
        catch (SqliteException e)
        {
            throw new LayerFileException($"{path}: cannot read the GeoPackage: {e.Message}", e);
        }
    }

    private static async Task<CrsTransform?> ResolveCrsAsync(SqliteConnection connection, string path, string table, int srs, CancellationToken ct)
    {
        if (srs is 4326 or 0)
        {
            // 0 is the GeoPackage's "undefined geographic"; the validator still checks the lon/lat range.
            return null;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = $s";
        command.Parameters.AddWithValue("$s", srs);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new LayerFileException($"{path}: table {table} uses srs_id {srs}, which gpkg_spatial_ref_sys does not define");
        }

        var name = reader.IsDBNull(0) ? string.Empty : reader.GetString(0);
        var organization = reader.IsDBNull(1) ? null : reader.GetString(1);
        long? code = reader.IsDBNull(2) ? null : reader.GetInt64(2);
        var definition = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
        if ((string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase) && code == 4326)
            || (string.Equals(organization, "OGC", StringComparison.OrdinalIgnoreCase) && name.Contains("CRS84", StringComparison.OrdinalIgnoreCase))
            || (CrsTransform.IsGeographicWkt(definition) && CrsTransform.IsWgs84Datum(definition) && !string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        if (CrsTransform.IsWebMercator(organization, code, definition))
        {
            return CrsTransform.WebMercator;
        }

        if (CrsTransform.AlbersFromWkt(definition) is { } albers)
        {
            return albers;
        }

        var where = $"{path}: table {table}";
        if (string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase) && code is { } epsg && ChinaCrs.FromEpsg(epsg, where) is { } china)
        {
            return china;
        }

        if (ChinaCrs.FromWkt(definition, where) is { } described)
        {
            return described;
        }

        var label = organization is null ? $"srs_id {srs}" : $"{organization}:{code}";
        throw new LayerFileException(
            $"{path}: table {table} is in CRS {label} ({name}), which Metrocircle cannot transform to lon/lat (it knows EPSG:4326, CRS84, EPSG:3857, Albers equal-area on WGS 84, CGCS2000 EPSG:4490 and its Gauss-Kruger zones EPSG:4491-4554); reproject it first, e.g. ogr2ogr -t_srs EPSG:4326");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override async IAsyncEnumerable<RawFeature> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = Connect(Path);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var select = new List<string> { _keyColumn is null ? "rowid" : Quote(_keyColumn), Quote(_geometryColumn) };
        select.AddRange(_columns.Select(c => Quote(c.Name)));
        command.CommandText = $"SELECT {string.Join(", ", select)} FROM {Quote(_table)}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var wkb = new WKBReader(new NetTopologySuite.NtsGeometryServices(new NetTopologySuite.Geometries.PrecisionModel(), 4326)) { HandleSRID = false };
        long row = 0;
        while (await reader.ReadAsync(ct))
        {
            row++;
            var fid = reader.IsDBNull(0) ? (long?)null : reader.GetInt64(0);
            var where = fid is { } f ? string.Create(CultureInfo.InvariantCulture, $"row {row} (fid {f})") : string.Create(CultureInfo.InvariantCulture, $"row {row}");
            NetTopologySuite.Geometries.Geometry? geometry = null;
            string? error = null;
            if (!reader.IsDBNull(1))
            {
                try
                {
                    geometry = GpkgGeometry.Decode((byte[])reader.GetValue(1), wkb);
                    if (_transform is not null && !geometry.IsEmpty)
                    {
                        _transform.Apply(geometry);
                    }
                }
                catch (GeometryDecodeException e)
                {
                    error = e.Message;
                }
            }

            var properties = new JsonObject();
            for (var i = 0; i < _columns.Count; i++)
            {
                var value = reader.GetValue(i + 2);
                properties[_columns[i].Name] = value switch
                {
                    DBNull => null,
                    long l when _columns[i].Boolean => JsonValue.Create(l != 0),
                    long l => JsonValue.Create(l),
                    double d => JsonValue.Create(d),
                    string s => JsonValue.Create(s),
                    byte[] b => JsonValue.Create(Convert.ToBase64String(b)),
                    _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
                };
            }

            var id = properties.TryGetPropertyValue("id", out var idNode) && idNode is JsonValue v
                ? (v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
                : null;
            if ((row & 1023) == 0)
            {
                SetFraction((double)row / Math.Max(1, _rows));
            }

            yield return new RawFeature(row, where, id ?? fid?.ToString(CultureInfo.InvariantCulture), geometry, properties, error);
        }

        SetFraction(1);
    }
}
