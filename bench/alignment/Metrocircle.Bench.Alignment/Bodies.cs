using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Formats;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// Writes POST /checks bodies, one GeoJSON Feature per line, for projects picked at random (seeded) over the
/// harness's id range; lon/lat geometry read from <c>projects.gpkg</c> with Metrocircle.Formats.
/// </summary>
internal static class Bodies
{
    public static async Task WriteAsync(string data, string path, int n, int seed, string category, CancellationToken ct)
    {
        var projects = new Dictionary<long, NetTopologySuite.Geometries.Geometry>();
        await using (var reader = await LayerFile.OpenAsync(Path.Combine(data, "projects.gpkg"), ct))
        {
            await foreach (var f in reader.ReadAsync(ct))
            {
                projects[long.Parse(f.Id!, System.Globalization.CultureInfo.InvariantCulture)] = f.Geometry!;
            }
        }

        var max = projects.Keys.Max();
        var random = new Random(seed);
        await using var output = new FileStream(path, FileMode.Create);
        var buffer = new MemoryStream();
        for (var i = 0; i < n; i++)
        {
            var id = random.NextInt64(1, max + 1);
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WritePropertyName("geometry");
                GeoJsonGeometry.Write(w, projects[id]);
                w.WriteStartObject("properties");
                w.WriteString("category", category);
                w.WriteNumber("projectId", id);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            buffer.Position = 0;
            await buffer.CopyToAsync(output, ct);
        }

        Console.WriteLine($"wrote {n} bodies for projects 1..{max} (seed {seed}) to {path}");
    }
}
