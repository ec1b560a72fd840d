using System.Text.Json.Nodes;

namespace Metrocircle.Core.Tests.Dataset;

/// <summary>
/// A small dataset folder written to a temporary directory: two provinces, a boundary package under
/// node_modules, and layer files the test supplies, so each test can break exactly one thing.
/// </summary>
internal sealed class TestDataset : IDisposable
{
    public TestDataset()
    {
        Folder = Path.Combine(Path.GetTempPath(), "mc-dataset-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Folder, "node_modules", "test-boundaries", "shapes"));
        File.WriteAllText(Path.Combine(Folder, "node_modules", "test-boundaries", "package.json"), """{ "name": "test-boundaries", "version": "1.0.0" }""");
    }

    public string Folder { get; }

    /// <summary>Two adjacent unit squares in province "east" and one square in "west"; overrides replace a county's geometry JSON.</summary>
    public TestDataset WithDefaults(string? eastB = null, string? westA = null, params string[] layers)
    {
        WriteBoundary("east.json", ("A", Square(116, 39)), ("B", eastB ?? Square(117, 39)));
        WriteBoundary("west.json", ("A", westA ?? Square(115, 39)));
        var manifest = new JsonObject
        {
            ["id"] = "test",
            ["plan"] = new JsonObject { ["id"] = "test-plan", ["titleZh"] = "测试", ["titleEn"] = "Test plan", ["description"] = "A test." },
            ["version"] = new JsonObject { ["id"] = "test-plan@1", ["label"] = "first", ["effectiveFrom"] = "2026-01-01" },
            ["equalArea"] = new JsonObject { ["lat0"] = 38.5, ["lon0"] = 116.5, ["lat1"] = 36.5, ["lat2"] = 41.5 },
            ["boundaries"] = new JsonObject
            {
                ["package"] = "test-boundaries",
                ["version"] = "1.0.0",
                ["folder"] = "shapes",
                ["source"] = "test shapes",
                ["certainty"] = "synthetic",
                ["basis"] = "made up for a test",
                ["layers"] = new JsonObject
                {
                    ["provinces"] = new JsonObject { ["titleZh"] = "省", ["titleEn"] = "Provinces", ["order"] = 3 },
                    ["cities"] = new JsonObject { ["titleZh"] = "市", ["titleEn"] = "Cities", ["order"] = 2 },
                    ["counties"] = new JsonObject { ["titleZh"] = "县", ["titleEn"] = "Counties", ["order"] = 1 },
                },
                ["provinces"] = new JsonArray(
                    new JsonObject { ["id"] = "east", ["nameZh"] = "东省", ["nameEn"] = "East", ["code"] = "100000", ["file"] = "east.json" },
                    new JsonObject
                    {
                        ["id"] = "west", ["nameZh"] = "西省", ["nameEn"] = "West", ["code"] = "200000",
                        ["cities"] = new JsonArray(new JsonObject { ["id"] = "wcity", ["nameZh"] = "西市", ["nameEn"] = "West City", ["code"] = "200100", ["file"] = "west.json" }),
                    }),
            },
            ["layers"] = new JsonArray(layers.Select((_, i) => (JsonNode)$"layers/l{i}.json").ToArray()),
        };
        File.WriteAllText(Path.Combine(Folder, "dataset.json"), manifest.ToJsonString());
        Directory.CreateDirectory(Path.Combine(Folder, "layers"));
        for (var i = 0; i < layers.Length; i++)
        {
            File.WriteAllText(Path.Combine(Folder, "layers", $"l{i}.json"), layers[i]);
        }

        return this;
    }

    /// <summary>
    /// Adds a code list package (<c>test-codes</c>) with the given entries to the manifest's boundaries; <paramref name="counties"/>
    /// edits the manifest's county entries of the province "east" (by name).
    /// </summary>
    public TestDataset WithCodes(IEnumerable<(string Code, string Name)> entries, JsonObject? eastCounties = null)
    {
        var package = Path.Combine(Folder, "node_modules", "test-codes");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "package.json"), """{ "name": "test-codes", "version": "2.0.0" }""");
        File.WriteAllText(Path.Combine(package, "areas.json"), new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject { ["code"] = e.Code, ["name"] = e.Name })]).ToJsonString());
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "dataset.json")))!;
        manifest["boundaries"]!["codes"] = new JsonObject { ["package"] = "test-codes", ["version"] = "2.0.0", ["file"] = "areas.json", ["source"] = "test codes" };
        if (eastCounties is not null)
        {
            manifest["boundaries"]!["provinces"]![0]!["counties"] = eastCounties;
        }

        File.WriteAllText(Path.Combine(Folder, "dataset.json"), manifest.ToJsonString());
        return this;
    }

    public static string Square(double x, double y) =>
        FormattableString.Invariant($$"""{ "type": "Polygon", "coordinates": [[[{{x}}, {{y}}], [{{x + 1}}, {{y}}], [{{x + 1}}, {{y + 1}}], [{{x}}, {{y + 1}}], [{{x}}, {{y}}]]] }""");

    public void WriteBoundary(string file, params (string Name, string Geometry)[] counties)
    {
        var features = string.Join(",", counties.Select(c => $$"""{ "type": "Feature", "properties": { "name": "{{c.Name}}" }, "geometry": {{c.Geometry}} }"""));
        File.WriteAllText(Path.Combine(Folder, "node_modules", "test-boundaries", "shapes", file), $$"""{ "type": "FeatureCollection", "features": [{{features}}] }""");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
