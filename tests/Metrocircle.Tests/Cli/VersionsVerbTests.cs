using System.Text.Json.Nodes;

namespace Metrocircle.Tests.Cli;

/// <summary><c>metrocircle versions</c>, <c>export --version | --as-of</c>, and the rationale an import now requires.</summary>
public sealed class VersionsVerbTests : IDisposable
{
    private readonly StoreFixture _store = new();

    private async Task<string> ImportedAsync()
    {
        await _store.PublishAsync();
        var file = _store.File("farmland.geojsons", StoreFixture.Parcel(1) + "\n" + StoreFixture.Parcel(2) + "\n");
        var (code, _, error) = await _store.RunAsync("import", file, "--layer", "farmland", "--rationale", "survey of 2026", "--store", _store.Store);
        Assert.True(code == 0, error);
        return file;
    }

    [Fact]
    public async Task an_import_without_a_rationale_is_refused_with_a_readable_error_and_writes_nothing()
    {
        await _store.PublishAsync();
        var file = _store.File("farmland.geojsons", StoreFixture.Parcel(1) + "\n");
        foreach (var rationale in new[] { null, "  " })
        {
            string[] args = rationale is null
                ? ["import", file, "--layer", "farmland", "--store", _store.Store]
                : ["import", file, "--layer", "farmland", "--rationale", rationale, "--store", _store.Store];
            var (code, _, error) = await _store.RunAsync(args);
            Assert.Equal(2, code);
            Assert.Contains("import needs --rationale TEXT", error, StringComparison.Ordinal);
        }

        Assert.Equal("test-plan@1", (await _store.SnapshotAsync("farmland")).Version);
    }

    [Fact]
    public async Task versions_lists_every_version_newest_first_with_its_source_rationale_and_changes()
    {
        await ImportedAsync();

        var (code, output, error) = await _store.RunAsync("versions", "--store", _store.Store);
        Assert.True(code == 0, error);
        Assert.Contains("test-plan@2", output, StringComparison.Ordinal);
        Assert.Contains("survey of 2026", output, StringComparison.Ordinal);
        Assert.Contains("farmland +2 ~0 -0", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("test-plan@2", StringComparison.Ordinal) < output.IndexOf("test-plan@1", StringComparison.Ordinal), output);

        (code, output, error) = await _store.RunAsync("versions", "--json", "--store", _store.Store);
        Assert.True(code == 0, error);
        var versions = JsonNode.Parse(output)!["versions"]!.AsArray();
        Assert.Equal(["test-plan@2", "test-plan@1"], versions.Select(v => v!["id"]!.GetValue<string>()));
        Assert.Equal(["import", "seed"], versions.Select(v => v!["source"]!.GetValue<string>()));
        Assert.Equal([true, false], versions.Select(v => v!["inForce"]!.GetValue<bool>()));
        Assert.Equal("2024-01-01", versions[1]!["effectiveFrom"]!.GetValue<string>());
        Assert.Equal(2, versions[0]!["layers"]![0]!["added"]!.GetValue<int>());
    }

    [Fact]
    public async Task export_writes_the_layer_of_the_version_named_or_of_the_plan_in_force_on_a_day()
    {
        await ImportedAsync();
        var out1 = Path.Combine(_store.Folder, "v1.geojson");

        var (code, output, error) = await _store.RunAsync("export", "counties", "--out", out1, "--version", "test-plan@1", "--store", _store.Store);
        Assert.True(code == 0, error);
        Assert.Contains("(plan version test-plan@1)", output, StringComparison.Ordinal);
        Assert.Equal("test-plan@1", JsonNode.Parse(await File.ReadAllTextAsync(out1, TestContext.Current.CancellationToken))!["planVersion"]!.GetValue<string>());

        (code, output, error) = await _store.RunAsync("export", "counties", "--out", out1, "--as-of", "2024-06-01", "--store", _store.Store);
        Assert.True(code == 0, error);
        Assert.Contains("(plan version test-plan@1)", output, StringComparison.Ordinal);

        (code, output, error) = await _store.RunAsync("export", "farmland", "--out", out1, "--store", _store.Store);
        Assert.True(code == 0, error);
        Assert.Contains("exported 2 features of farmland (plan version test-plan@2)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task export_refuses_a_bad_version_or_date_saying_why()
    {
        await ImportedAsync();
        var out1 = Path.Combine(_store.Folder, "x.geojson");
        foreach (var (args, exit, words) in new (string[], int, string)[]
        {
            (["--version", "test-plan@1", "--as-of", "2024-06-01"], 2, "not both"),
            (["--as-of", "01/06/2024"], 2, "is not a date YYYY-MM-DD"),
            (["--version", "nope"], 1, "no plan version \"nope\""),
            (["--as-of", "2023-12-31"], 1, "took effect on 2024-01-01"),
        })
        {
            var (code, _, error) = await _store.RunAsync(["export", "counties", "--out", out1, .. args, "--store", _store.Store]);
            Assert.Equal(exit, code);
            Assert.Contains(words, error, StringComparison.Ordinal);
        }

        var (missing, _, why) = await _store.RunAsync("export", "farmland", "--out", out1, "--version", "test-plan@1", "--store", _store.Store);
        Assert.Equal(1, missing);
        Assert.Contains("plan version test-plan@1 has no layer \"farmland\"", why, StringComparison.Ordinal);
        Assert.False(File.Exists(out1));
    }

    public void Dispose() => _store.Dispose();
}
