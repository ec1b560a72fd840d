namespace Metrocircle.Tests.Cli;

public sealed class HealthCheckVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    [Fact]
    public async Task writes_the_health_check_of_a_year_as_html()
    {
        var csv = S.File("eco.csv", """
            indicator,scope,year,value,unit,source
            beijing-ecological-control-share,beijing,2022,73.0,%,constructed test series
            beijing-ecological-control-share,beijing,2023,73.4,%,constructed test series
            beijing-ecological-control-share,beijing,2024,73.9,%,constructed test series
            """);
        Assert.Equal(0, (await S.RunAsync("indicators", "import", csv, "--store", S.Store)).Code);
        var report = Path.Combine(S.Folder, "health.html");
        var (code, output, error) = await S.RunAsync("health-check", "--year", "2024", "--out", report, "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Contains("wrote the 2024 health check", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.Contains("id=\"beijing-ecological-control-share\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"choropleth\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_year_that_is_not_a_year_is_a_usage_error()
    {
        var (code, _, error) = await S.RunAsync("health-check", "--year", "soon", "--out", Path.Combine(S.Folder, "x.html"), "--store", S.Store);
        Assert.Equal(2, code);
        Assert.Contains("--year soon", error, StringComparison.Ordinal);
    }
}
