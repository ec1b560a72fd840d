using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

public sealed class IndicatorsVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private async Task<int> StoredAsync()
    {
        await using var store = new SqlitePlanStore(S.StorePath);
        return (await store.GetObservationsAsync(null, TestContext.Current.CancellationToken)).Count;
    }

    [Fact]
    public async Task a_malformed_csv_changes_nothing_and_reports_every_bad_row()
    {
        var before = await StoredAsync();
        var file = S.File("bad.csv", """
            indicator,scope,year,value,unit,source
            beijing-resident-population,beijing,2022,21843000,persons,Beijing Statistical Yearbook
            beijing-resident-population,atlantis,2023,21858000,persons,Beijing Statistical Yearbook
            beijing-rail-length,beijing,2023,eight hundred,km,operator
            beijing-rail-length,beijing,2024,879,miles,operator
            """);
        var (code, output, error) = await S.RunAsync("indicators", "import", file, "--store", S.Store);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("3 of 4 rows are bad; nothing was imported", error, StringComparison.Ordinal);
        Assert.Contains("line 3: unknown scope \"atlantis\"", error, StringComparison.Ordinal);
        Assert.Contains("line 4: value \"eight hundred\" is not a number", error, StringComparison.Ordinal);
        Assert.Contains("line 5: unit \"miles\" does not match", error, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task a_good_file_is_imported_and_a_re_import_reports_the_replaced_years()
    {
        var file = S.File("good.csv", """
            indicator,scope,year,value,unit,source
            beijing-construction-land,beijing,2021,2920,km²,Beijing land survey (test figure)
            beijing-construction-land,beijing,2022,2915,km²,Beijing land survey (test figure)
            """);
        var (code, output, error) = await S.RunAsync("indicators", "import", file, "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("2 added, 0 replaced", output, StringComparison.Ordinal);
        var revised = S.File("revised.json", """
            [ { "indicator": "beijing-construction-land", "scope": "beijing", "year": 2022, "value": 2912, "unit": "km²", "source": "revised" } ]
            """);
        (code, output, error) = await S.RunAsync("indicators", "import", revised, "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("0 added, 1 replaced", output, StringComparison.Ordinal);
        Assert.Contains("replaced beijing-construction-land " + Jurisdictions.Beijing + " 2022: 2915 → 2912", output, StringComparison.Ordinal);
    }
}
