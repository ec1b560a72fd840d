using System.Text.Json.Nodes;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// jsonb sorts the keys of every object, nested ones too. The order they were written in is kept beside it as a list of
/// key paths (<c>name</c>, <c>when/zone</c>, <c>parts/0/id</c>; <c>~</c> and <c>/</c> escaped as in JSON Pointer) and put
/// back on read, so both engines serve byte-identical GeoJSON and GDAL sees the same field order. Keys a person added
/// by SQL, absent from the list, come after the known ones.
/// </summary>
internal static class PropertyOrder
{
    public static string[] Paths(JsonObject properties)
    {
        var paths = new List<string>();
        Collect(properties, "", paths);
        return [.. paths];
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var child = Child(path, Escape(key));
                    paths.Add(child);
                    Collect(value, child, paths);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Collect(a[i], Child(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), paths);
                }

                break;
        }
    }

    public static JsonObject Restore(JsonObject stored, string[] paths)
    {
        if (paths.Length == 0)
        {
            return stored;
        }

        var rank = new Dictionary<string, int>(paths.Length, StringComparer.Ordinal);
        for (var i = 0; i < paths.Length; i++)
        {
            rank.TryAdd(paths[i], i);
        }

        Reorder(stored, "", rank);
        return stored;
    }

    private static void Reorder(JsonNode? node, string path, Dictionary<string, int> rank)
    {
        switch (node)
        {
            case JsonObject o:
                // Detach every member, then add them back in rank order (OrderBy is stable for unknown keys).
                var members = o.Select(m => (m.Key, Path: Child(path, Escape(m.Key)))).ToList();
                var values = members.Select(m => (m.Key, m.Path, Value: Detach(o, m.Key))).ToList();
                foreach (var (key, childPath, value) in values.OrderBy(m => rank.GetValueOrDefault(m.Path, int.MaxValue)))
                {
                    o[key] = value;
                    Reorder(value, childPath, rank);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Reorder(a[i], Child(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rank);
                }

                break;
        }
    }

    private static JsonNode? Detach(JsonObject o, string key)
    {
        var value = o[key];
        o.Remove(key);
        return value;
    }

    private static string Child(string path, string segment) => path.Length == 0 ? segment : path + "/" + segment;

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
