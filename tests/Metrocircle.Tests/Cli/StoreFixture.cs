using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace Metrocircle.Tests.Cli;

/// <summary>A temporary folder with an SQLite store holding one published plan version with one layer.</summary>
public sealed class StoreFixture : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "mc-cli-" + Guid.NewGuid().ToString("N"));

    public string StorePath => Path.Combine(Folder, "store.sqlite");

    public string Store => "sqlite:" + StorePath;

    public StoreFixture() => Directory.CreateDirectory(Folder);

    public async Task PublishAsync()
    {
        await using var store = new SqlitePlanStore(StorePath);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var plan = new Plan("test-plan", "测试", "Test plan", "for the import tests");
        var version = new PlanVersion("test-plan@1", plan.Id, 1, "first", new DateOnly(2024, 1, 1), DateTimeOffset.UtcNow);
        var layer = new PlanLayer("counties", LayerKinds.Jurisdiction, "县", "Counties", "", LayerGeometry.Polygon, 0, []);
        var feature = new PlanFeature("counties", "c1", new WKTReader().Read("POLYGON ((116 39, 117 39, 117 40, 116 40, 116 39))"), [], new Provenance("test", Certainty.Synthetic));
        await store.PublishAsync(plan, version, [layer], [feature], new ImportReport("test"), TestContext.Current.CancellationToken);
    }

    public string File(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        System.IO.File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public static string Parcel(int i, bool clockwise = false)
    {
        var x = 116 + (i % 1000 * 0.001);
        var y = 39 + (i / 1000 * 0.001);
        var ring = clockwise
            ? $"[[{x},{y}],[{x},{y + 0.0009}],[{x + 0.0009},{y + 0.0009}],[{x + 0.0009},{y}],[{x},{y}]]"
            : $"[[{x},{y}],[{x + 0.0009},{y}],[{x + 0.0009},{y + 0.0009}],[{x},{y + 0.0009}],[{x},{y}]]";
        return FormattableString.Invariant($"{{\"type\":\"Feature\",\"properties\":{{\"id\":{i},\"dlbm\":\"0101\",\"permanent\":true}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{ring}]}}}}");
    }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Metrocircle.Cli.CommandLine.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    public async Task<(string? Version, IReadOnlyList<PlanLayer> Layers, long Features)> SnapshotAsync(string layerId)
    {
        await using var store = new SqlitePlanStore(StorePath);
        var version = await store.GetCurrentVersionAsync(TestContext.Current.CancellationToken);
        if (version is null)
        {
            return (null, [], 0);
        }

        var layers = await store.GetLayersAsync(version.Id, TestContext.Current.CancellationToken);
        var count = layers.Any(l => l.Id == layerId) ? (await store.GetLayerStatsAsync(version.Id, layerId, TestContext.Current.CancellationToken)).Count : 0;
        return (version.Id, layers, count);
    }

    public async Task<string> IntegrityAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still be letting go of the file; the temp folder is cleaned by the OS.
        }
    }

    internal static JsonObject Empty() => [];
}
