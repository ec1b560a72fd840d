using System.Text.Json.Nodes;

namespace Metrocircle.Tests.Cli;

public sealed class CheckAndAuditVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private const string Daxing = """{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.45,39.75],[116.5,39.75],[116.5,39.79],[116.45,39.79],[116.45,39.75]]]},"properties":{"investment":500}}""";

    private const string Bowtie = """{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116.2,39.2],[116.3,39.3],[116.3,39.2],[116.2,39.3],[116.2,39.2]]]},"properties":{"category":"housing"}}""";

    [Fact]
    public async Task check_prints_the_verdict_with_rules_and_approvals()
    {
        var file = S.File("daxing.geojson", Daxing);
        var (code, output, error) = await S.RunAsync("check", file, "--category", "logistics", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("R2-farmland", output, StringComparison.Ordinal);
        Assert.Contains("大兴区 Daxing", output, StringComparison.Ordinal);
        Assert.Matches("^(aligned|conditional|not-aligned) ", output);
    }

    [Fact]
    public async Task check_json_gives_the_same_fields_as_the_http_api()
    {
        var file = S.File("daxing2.geojson", Daxing);
        var (code, output, error) = await S.RunAsync("check", file, "--category", "logistics", "--json", "--store", S.Store);
        Assert.True(code == 0, error);
        var doc = JsonNode.Parse(output)!;
        foreach (var field in new[] { "id", "verdict", "planVersion", "rulesVersion", "inputHash", "jurisdictions", "circles", "overlaps", "rules", "approvals" })
        {
            Assert.NotNull(doc[field]);
        }

        Assert.Equal(500, doc["attributes"]!["investment"]!.GetValue<int>());
    }

    [Fact]
    public async Task check_refuses_a_self_intersecting_footprint_naming_where()
    {
        var file = S.File("bowtie.geojson", Bowtie);
        var (code, _, error) = await S.RunAsync("check", file, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Contains("Invalid footprint", error, StringComparison.Ordinal);
        Assert.Contains("116.25 39.25", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task check_without_a_category_says_which_exist()
    {
        var file = S.File("nocat.geojson", Daxing);
        var (code, _, error) = await S.RunAsync("check", file, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Contains("Missing category", error, StringComparison.Ordinal);
        Assert.Contains("general-manufacturing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task check_takes_a_land_use_code_as_the_category()
    {
        var file = S.File("daxing-code.geojson", Daxing);
        var (code, output, error) = await S.RunAsync("check", file, "--category", "1101", "--json", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Equal("logistics", JsonNode.Parse(output)!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task check_refuses_an_ambiguous_land_use_code_naming_the_candidates()
    {
        var file = S.File("daxing-ambiguous.geojson", Daxing);
        var (code, _, error) = await S.RunAsync("check", file, "--category", "1001", "--store", S.Store);
        Assert.NotEqual(0, code);
        Assert.Contains("Ambiguous category code", error, StringComparison.Ordinal);
        Assert.Contains("advanced-manufacturing", error, StringComparison.Ordinal);
        Assert.Contains("general-manufacturing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task check_refuses_a_file_of_several_footprints()
    {
        var file = S.File("two.geojsons", Daxing + "\n" + Daxing + "\n");
        var (code, _, error) = await S.RunAsync("check", file, "--category", "housing", "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Contains("more than one feature", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task audit_writes_one_line_per_footprint_in_input_order_including_problems()
    {
        var file = S.File("batch.geojsons", string.Join("\n", Daxing, Bowtie, Daxing.Replace("116.45", "116.46", StringComparison.Ordinal)) + "\n");
        var target = Path.Combine(S.Folder, "audit.jsonl");
        var (code, output, error) = await S.RunAsync("audit", file, "--out", target, "--category", "housing", "--store", S.Store);
        Assert.True(code == 0, error);
        var lines = (await File.ReadAllLinesAsync(target, TestContext.Current.CancellationToken)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["line 1", "line 2", "line 3"], lines.Select(l => l["where"]!.GetValue<string>()));
        Assert.NotNull(lines[0]["verdict"]);
        Assert.Equal("Invalid footprint", lines[1]["problem"]!["title"]!.GetValue<string>());
        Assert.NotEqual(lines[0]["inputHash"]!.GetValue<string>(), lines[2]["inputHash"]!.GetValue<string>());
        Assert.Contains("audited 3 footprints", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task audit_of_an_unreadable_file_writes_nothing()
    {
        var file = S.File("notes.txt", "hello");
        var target = Path.Combine(S.Folder, "never.jsonl");
        var (code, _, error) = await S.RunAsync("audit", file, "--out", target, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Contains("unknown format", error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".partial"));
    }

    [Fact]
    public async Task export_writes_a_layer_and_refuses_an_unknown_one_without_leaving_a_file()
    {
        var target = Path.Combine(S.Folder, "circles.geojson");
        var (code, output, error) = await S.RunAsync("export", "circles", "--out", target, "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("exported 3 features of circles", output, StringComparison.Ordinal);
        Assert.Equal(3, JsonNode.Parse(await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken))!["features"]!.AsArray().Count);

        var missing = Path.Combine(S.Folder, "nope.geojson");
        var (badCode, _, badError) = await S.RunAsync("export", "nope", "--out", missing, "--store", S.Store);
        Assert.Equal(1, badCode);
        Assert.Contains("has no layer \"nope\"", badError, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("layers", "--colour", "red")]
    [InlineData("export", "counties")]
    public async Task usage_errors_exit_2_with_the_usage(params string[] args)
    {
        var (code, _, error) = await S.RunAsync([.. args, "--store", S.Store]);
        Assert.Equal(2, code);
        Assert.Contains("usage: metrocircle VERB", error, StringComparison.Ordinal);
    }
}
