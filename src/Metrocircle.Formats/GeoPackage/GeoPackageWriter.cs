using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Formats.GeoPackage;

/// <summary>A column of a GeoPackage features table: its name and whether it holds numbers (REAL) or text.</summary>
public sealed record GpkgColumn(string Name, bool Numeric);

/// <summary>One row: a lon/lat geometry and a value per column, in the columns' order (string, double or null).</summary>
public sealed record GpkgRow(Geometry Geometry, IReadOnlyList<object?> Values);

/// <summary>
/// Writes one features table in lon/lat (EPSG:4326) as a new GeoPackage 1.3 file: the required metadata tables, the
/// table, and its rows, in one SQLite transaction to a temporary file moved into place, so a reader never sees half a file.
/// </summary>
public static class GeoPackageWriter
{
    public static async Task WriteAsync(string path, string table, string description, IReadOnlyList<GpkgColumn> columns, IEnumerable<GpkgRow> rows, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".partial";
        File.Delete(temp);
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, null, "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;", ct);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx, """
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
                INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
                INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
                  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
                  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
                CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
                  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
                  srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
                CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
                  z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
                """, ct);
            var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
            await ExecuteAsync(connection, tx,
                $"CREATE TABLE {Quote(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY, {string.Join(", ", columns.Select(c => $"{Quote(c.Name)} {(c.Numeric ? "REAL" : "TEXT")}"))});", ct);

            var wkb = new WKBWriter(ByteOrder.LittleEndian, false);
            Envelope? extent = null;
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO {Quote(table)} (geom, {names}) VALUES (@g{string.Concat(columns.Select((_, i) => $", @p{i}"))})";
                var geometry = insert.Parameters.Add("@g", SqliteType.Blob);
                var values = columns.Select((_, i) => insert.Parameters.Add($"@p{i}", SqliteType.Text)).ToList();
                foreach (var row in rows)
                {
                    ct.ThrowIfCancellationRequested();
                    var box = row.Geometry.EnvelopeInternal;
                    extent ??= new Envelope(box);
                    extent.ExpandToInclude(box);
                    geometry.Value = Encode(row.Geometry, wkb);
                    for (var i = 0; i < values.Count; i++)
                    {
                        values[i].SqliteType = columns[i].Numeric ? SqliteType.Real : SqliteType.Text;
                        values[i].Value = row.Values[i] ?? DBNull.Value;
                    }

                    await insert.ExecuteNonQueryAsync(ct);
                }
            }

            await using (var contents = connection.CreateCommand())
            {
                contents.Transaction = tx;
                contents.CommandText = """
                    INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (@t, 'features', @t, @d, @x0, @y0, @x1, @y1, 4326);
                    INSERT INTO gpkg_geometry_columns VALUES (@t, 'geom', 'GEOMETRY', 4326, 0, 0);
                    """;
                contents.Parameters.AddWithValue("@t", table);
                contents.Parameters.AddWithValue("@d", description);
                contents.Parameters.AddWithValue("@x0", (object?)extent?.MinX ?? DBNull.Value);
                contents.Parameters.AddWithValue("@y0", (object?)extent?.MinY ?? DBNull.Value);
                contents.Parameters.AddWithValue("@x1", (object?)extent?.MaxX ?? DBNull.Value);
                contents.Parameters.AddWithValue("@y1", (object?)extent?.MaxY ?? DBNull.Value);
                await contents.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>A GeoPackage geometry blob: the "GP" header (version 0, little-endian, xy envelope), the SRS id, the envelope, then WKB.</summary>
    internal static byte[] Encode(Geometry geometry, WKBWriter wkb)
    {
        var body = wkb.Write(geometry);
        var blob = new byte[8 + 32 + body.Length];
        blob[0] = (byte)'G';
        blob[1] = (byte)'P';
        blob[2] = 0;
        blob[3] = geometry.IsEmpty ? (byte)0b0001_0001 : (byte)0b0000_0011;
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), 4326);
        var e = geometry.EnvelopeInternal;
        var values = geometry.IsEmpty ? [double.NaN, double.NaN, double.NaN, double.NaN] : new[] { e.MinX, e.MaxX, e.MinY, e.MaxY };
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(8 + (8 * i)), values[i]);
        }

        body.CopyTo(blob, 40);
        return geometry.IsEmpty ? [.. blob.AsSpan(0, 8), .. body] : blob;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
