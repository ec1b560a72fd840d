using System.Text.Json;

namespace Metrocircle.Core.Dataset;

/// <summary>
/// An administrative code list (GB/T 2260 form: a child's code starts with its parent's code less trailing "00"
/// pairs), read from the package a dataset names. Matches a county by name within its parent.
/// </summary>
internal sealed class CodeList(IReadOnlyList<(string Code, string Name)> entries, string source)
{
    public string Source { get; } = source;

    public static async Task<CodeList> ReadAsync(string folder, CodeListManifest manifest, CancellationToken ct)
    {
        var package = Path.Combine(folder, "node_modules", manifest.Package);
        await JurisdictionBuilder.CheckPackageAsync(package, manifest.Package, manifest.Version, ct);
        var path = Path.Combine(package, manifest.File);
        if (!File.Exists(path))
        {
            throw new DatasetException($"code list {path} is missing");
        }

        await using var stream = File.OpenRead(path);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetException($"{path}: not a JSON array of {{code, name}} objects");
        }

        var entries = new List<(string, string)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String
                && e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                entries.Add((c.GetString()!, n.GetString()!));
            }
        }

        return new CodeList(entries, $"{manifest.Package} {manifest.Version} {manifest.File}");
    }

    /// <summary>The leading digits a child of <paramref name="parentCode"/> shares with it ("130600" gives "1306").</summary>
    public static string Prefix(string parentCode)
    {
        var prefix = parentCode;
        while (prefix.Length > 2 && prefix.EndsWith("00", StringComparison.Ordinal))
        {
            prefix = prefix[..^2];
        }

        return prefix;
    }

    /// <summary>The code of the entry named <paramref name="name"/> below <paramref name="parentCode"/>, or null.</summary>
    public string? Find(string parentCode, string name)
    {
        var prefix = Prefix(parentCode);
        var found = entries.Where(e => e.Name == name && e.Code.StartsWith(prefix, StringComparison.Ordinal) && e.Code != parentCode).Select(e => e.Code).ToList();
        return found.Count == 1 ? found[0] : null;
    }

    public bool Contains(string code) => entries.Any(e => e.Code == code);

    /// <summary>Names of the entries below <paramref name="parentCode"/>, to report those no boundary matched.</summary>
    public IEnumerable<(string Code, string Name)> Below(string parentCode)
    {
        var prefix = Prefix(parentCode);
        return entries.Where(e => e.Code.StartsWith(prefix, StringComparison.Ordinal) && e.Code != parentCode);
    }
}
