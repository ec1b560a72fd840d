using System.Text.RegularExpressions;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Indicators;

/// <summary>The official figures that ship with the default dataset, as the seeded store holds them.</summary>
public sealed partial class ShippedObservationsTests(SeededServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mc-shipped-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string OfficialCsv => Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "observations", "official.csv");

    [GeneratedRegex(@"https?://\S+$")]
    private static partial Regex TrailingUrl();

    [Fact]
    public async Task the_seeded_store_holds_every_shipped_figure_with_a_source_url()
    {
        var shipped = await ObservationFile.ReadAsync(OfficialCsv, Ct);
        Assert.True(shipped.Count(r => r.Indicator == "beijing-resident-population") >= 3);
        Assert.True(shipped.Count(r => r.Indicator == "beijing-rail-length") >= 3);
        var stored = (await server.Store.GetObservationsAsync(null, Ct)).ToDictionary(o => (o.IndicatorId, o.Scope, o.Year));
        foreach (var row in shipped)
        {
            var key = (row.Indicator!, row.Scope!, int.Parse(row.Year!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(stored.TryGetValue(key, out var o), $"line {row.Line}: {key} is not in the seeded store");
            Assert.Equal(double.Parse(row.Value!, System.Globalization.CultureInfo.InvariantCulture), o.Value);
            Assert.Equal(row.Source, o.Source);
            var url = TrailingUrl().Match(o.Source);
            Assert.True(url.Success && Uri.TryCreate(url.Value, UriKind.Absolute, out _), $"line {row.Line}: the source \"{o.Source}\" does not end in a URL");
        }
    }

    [Fact]
    public async Task every_shipped_row_passes_the_import_checks_and_a_re_seed_adds_nothing()
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!;
        var rows = await ObservationSeed.ValidateAsync(server.Store, version, [OfficialCsv], Ct);
        Assert.Equal((await ObservationFile.ReadAsync(OfficialCsv, Ct)).Count, rows.Count);

        var before = (await server.Store.GetObservationsAsync(null, Ct)).Count(o => rows.Any(r => r.IndicatorId == o.IndicatorId));
        var again = await ObservationSeed.ApplyAsync(server.Store, version, [OfficialCsv], "test", Ct);
        Assert.Equal(0, again.Added);
        Assert.Equal(rows.Count, again.Kept);
        Assert.Equal(before, (await server.Store.GetObservationsAsync(null, Ct)).Count(o => rows.Any(r => r.IndicatorId == o.IndicatorId)));
    }

    [Fact]
    public async Task a_bad_shipped_row_stops_the_seed_naming_its_file_and_line()
    {
        var version = (await server.Store.GetCurrentVersionAsync(Ct))!;
        var broken = Path.Combine(_folder, "official.csv");
        var text = await File.ReadAllTextAsync(OfficialCsv, Ct);
        await File.WriteAllTextAsync(broken, text.TrimEnd('\n') + "\nbeijing-rail-length,beijing,2019,699.3,miles,estimate\n", Ct);
        var line = text.TrimEnd('\n').Split('\n').Length + 1;

        var e = await Assert.ThrowsAsync<DatasetException>(() => ObservationSeed.ApplyAsync(server.Store, version, [broken], "test", Ct));
        Assert.Contains(broken, e.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}: unit \"miles\" does not match", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await server.Store.GetObservationsAsync("beijing-rail-length", Ct), o => o.Source == "estimate");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
