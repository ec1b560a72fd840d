using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Formats.Tests;

/// <summary>A temporary folder of small layer files written by the tests themselves.</summary>
public sealed class TestFiles : IDisposable
{
    private static readonly WKTReader Wkt = new();

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "mc-formats-" + Guid.NewGuid().ToString("N"));

    public TestFiles() => Directory.CreateDirectory(Folder);

    public static Geometry Read(string wkt) => Wkt.Read(wkt);

    public string Text(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public sealed record GpkgRow(string? Wkt, string? Name, double? Area, long? N, bool? Ok, long? Fid = null);

    /// <summary>A GeoPackage per OGC 12-128r18: the three gpkg_ tables and one features table.</summary>
    public string GeoPackage(string name, IEnumerable<GpkgRow> rows, int srsId = 4326, string? srsOrganization = "EPSG", string srsDefinition = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]]]", bool envelope = true)
    {
        var path = Path.Combine(Folder, name);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, """
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
            CREATE TABLE parcels (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY, name TEXT, area REAL, n INTEGER, ok BOOLEAN);
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('parcels', 'features', 'parcels', 0);
            """);
        using (var srs = connection.CreateCommand())
        {
            srs.CommandText = "INSERT INTO gpkg_spatial_ref_sys VALUES ('the CRS', $id, $org, $code, $def, NULL)";
            srs.Parameters.AddWithValue("$id", srsId);
            srs.Parameters.AddWithValue("$org", srsOrganization ?? "NONE");
            srs.Parameters.AddWithValue("$code", srsId);
            srs.Parameters.AddWithValue("$def", srsDefinition);
            srs.ExecuteNonQuery();
        }

        Execute(connection, $"INSERT INTO gpkg_geometry_columns VALUES ('parcels', 'geom', 'GEOMETRY', {srsId}, 0, 0)");
        foreach (var row in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO parcels (fid, geom, name, area, n, ok) VALUES ($fid, $g, $name, $area, $n, $ok)";
            insert.Parameters.AddWithValue("$fid", (object?)row.Fid ?? DBNull.Value);
            insert.Parameters.AddWithValue("$g", row.Wkt is null ? DBNull.Value : Blob(Read(row.Wkt), srsId, envelope));
            insert.Parameters.AddWithValue("$name", (object?)row.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("$area", (object?)row.Area ?? DBNull.Value);
            insert.Parameters.AddWithValue("$n", (object?)row.N ?? DBNull.Value);
            insert.Parameters.AddWithValue("$ok", row.Ok is null ? DBNull.Value : row.Ok.Value ? 1 : 0);
            insert.ExecuteNonQuery();
        }

        return path;
    }

    /// <summary>The GeoPackage geometry encoding: "GP", version, flags (little-endian, optional XY envelope), srs_id, WKB.</summary>
    public static byte[] Blob(Geometry g, int srsId, bool envelope)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write((byte)'G');
        w.Write((byte)'P');
        w.Write((byte)0);
        w.Write((byte)(envelope ? 0b0000_0011 : 0b0000_0001));
        w.Write(srsId);
        if (envelope)
        {
            var e = g.EnvelopeInternal;
            w.Write(e.MinX);
            w.Write(e.MaxX);
            w.Write(e.MinY);
            w.Write(e.MaxY);
        }

        w.Write(new WKBWriter(ByteOrder.LittleEndian, handleSRID: false).Write(g));
        w.Flush();
        return stream.ToArray();
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
