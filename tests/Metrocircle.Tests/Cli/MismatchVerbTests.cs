using System.Text.Json;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

public sealed class MismatchVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private async Task<int> StoredAsync()
    {
        await using var store = new SqlitePlanStore(S.StorePath);
        return (await store.GetCommuteFlowsAsync(null, TestContext.Current.CancellationToken)).Count;
    }

    [Fact]
    public async Task a_bad_od_file_changes_nothing_and_reports_every_bad_row()
    {
        var before = await StoredAsync();
        var file = S.File("bad-od.csv", $"""
            origin,destination,year,trips,mode,source
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2003,10,all,survey
            atlantis,{Jurisdictions.Dongcheng},2003,10,all,survey
            {Jurisdictions.Sanhe},{Jurisdictions.Dongcheng},2003,-1,all,survey
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2003,10,all,survey
            """);
        var (code, output, error) = await S.RunAsync("mismatch", "import", file, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("3 of 4 rows are bad; nothing was imported", error, StringComparison.Ordinal);
        Assert.Contains("line 3: unknown county \"atlantis\"", error, StringComparison.Ordinal);
        Assert.Contains("line 4: trips -1 is negative", error, StringComparison.Ordinal);
        Assert.Contains("line 5: duplicate", error, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());

        var header = S.File("header-od.csv", "from,to,year,trips,mode,source\n");
        (code, _, error) = await S.RunAsync("mismatch", "import", header, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Contains("line 1: the header", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_analysis_of_a_year_as_json_has_the_contract_shape_and_says_its_inputs_are_synthetic()
    {
        var (code, output, error) = await S.RunAsync("mismatch", "--year", "2024", "--json", "--store", S.Store);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2024, doc.RootElement.GetProperty("year").GetInt32());
        Assert.True(doc.RootElement.GetProperty("synthetic").GetBoolean());
        var finding = doc.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("status").GetString() == "finding");
        foreach (var name in new[] { "kind", "places", "value", "threshold", "basis" })
        {
            Assert.True(finding.TryGetProperty(name, out _), name);
        }

        (code, output, error) = await S.RunAsync("mismatch", "--year", "2024", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("SYNTHETIC inputs", output, StringComparison.Ordinal);
    }
}
