using System.Runtime.CompilerServices;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Metrocircle.Storage.Postgres;

/// <summary>Turns feature rows into <see cref="PlanFeature"/>s; the select list is <see cref="Columns"/>.</summary>
internal static class FeatureReader
{
    public const string Columns = "f.fid, f.layer_id, f.feature_id, f.geom, f.props::text, f.prop_order, f.certainty, f.source, f.basis, f.valid_from, f.valid_to";

    public static async Task<List<PlanFeature>> ReadAllAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var result = new List<PlanFeature>();
        await foreach (var f in ReadAsync(reader, ct))
        {
            result.Add(f);
        }

        return result;
    }

    public static async IAsyncEnumerable<PlanFeature> ReadAsync(NpgsqlDataReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
        {
            Provenance.TryParse(reader.GetString(6), out var certainty);
            yield return new PlanFeature(
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : LonLat(reader.GetFieldValue<Geometry>(3)),
                PropertyOrder.Restore(FeatureRows.PropertiesFromJson(reader.GetString(4)), reader.GetFieldValue<string[]>(5)),
                new Provenance(reader.GetString(7), certainty, reader.IsDBNull(8) ? null : reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10));
        }
    }

    /// <summary>
    /// The PostGIS reader gives only the outer geometry an SRID and leaves a collection's parts at -1, where the embedded
    /// store's parts carry 4326; NTS writes a part's differing SRID into EWKB, so the parts are set one by one.
    /// </summary>
    private static Geometry LonLat(Geometry geometry)
    {
        geometry.SRID = 4326;
        if (geometry is GeometryCollection collection)
        {
            foreach (var part in collection.Geometries)
            {
                LonLat(part);
            }
        }

        return geometry;
    }
}
