using System.Text.Json.Nodes;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary><c>metrocircle amend propose</c> and <c>amend impact</c> on the seeded default dataset.</summary>
public sealed class AmendVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture Files => seeded.Files;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Base, string Parcel, int Versions)> PlanAsync()
    {
        await using var store = new SqlitePlanStore(Files.StorePath);
        var version = (await store.GetCurrentVersionAsync(Ct))!;
        await foreach (var f in store.StreamFeaturesAsync(version.Id, "permanent-farmland", Ct))
        {
            return (version.Id, f.Id, (await store.GetVersionsAsync(version.PlanId, Ct)).Count);
        }

        throw new InvalidOperationException("no farmland");
    }

    private string ChangeFile(string parcel) => Files.File($"take-{parcel}.geojson",
        $$$"""{"type":"FeatureCollection","features":[{"type":"Feature","op":"retire","layer":"permanent-farmland","featureId":"{{{parcel}}}","geometry":null,"properties":{}}]}""");

    [Fact]
    public async Task proposes_an_amendment_from_a_change_file_shows_its_blocked_balance_sheet_and_reports_its_impact()
    {
        var (baseVersion, parcel, versions) = await PlanAsync();
        var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(60)).ToString("yyyy-MM-dd");
        var (code, output, error) = await Files.RunAsync("amend", "propose", ChangeFile(parcel), "--base", baseVersion, "--rationale", "a road needs it",
            "--effective", effective, "--json", "--store", Files.Store);
        Assert.True(code == 0, error);
        var proposed = JsonNode.Parse(output)!;
        Assert.Equal("public-notice", proposed["status"]!.GetValue<string>());
        Assert.False(proposed["balance"]!["ok"]!.GetValue<bool>());
        Assert.Contains(proposed["balance"]!["rules"]!.AsArray(), l => l!["id"]!.GetValue<string>() == "B2-farmland-compensate" && !l["ok"]!.GetValue<bool>());

        (code, output, error) = await Files.RunAsync("amend", "impact", proposed["id"]!.GetValue<string>(), "--json", "--store", Files.Store);
        Assert.True(code == 0, error);
        var impact = JsonNode.Parse(output)!;
        Assert.Contains(impact["areas"]!.AsArray(), a => a!["layer"]!.GetValue<string>() == "permanent-farmland" && a["removedM2"]!.GetValue<double>() > 0);
        Assert.NotNull(impact["unchangedWithoutRecheck"]);

        // Proposing publishes nothing: the plan keeps its versions until the amendment is approved.
        Assert.Equal(versions, (await PlanAsync()).Versions);
    }

    [Fact]
    public async Task bad_proposals_are_readable_errors_with_a_non_zero_exit_and_write_nothing()
    {
        var (baseVersion, parcel, _) = await PlanAsync();
        var file = ChangeFile(parcel);
        var effective = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(60)).ToString("yyyy-MM-dd");
        long before;
        await using (var store = new SqlitePlanStore(Files.StorePath))
        {
            before = (await ((IAmendmentStore)store).ListAmendmentsAsync(1000, Ct)).Count;
        }

        foreach (var (args, exit, words) in new (string[], int, string)[]
        {
            (["amend", "propose", file, "--base", baseVersion, "--effective", effective], 2, "--rationale"),
            (["amend", "propose", file, "--base", "nope@1", "--rationale", "r", "--effective", effective], 1, "Unknown base version"),
            (["amend", "propose", file, "--base", baseVersion, "--rationale", "r", "--effective", "2020-01-01"], 1, "effectiveFrom"),
            (["amend", "propose", Files.File("bad.geojson", "{\"type\":\"Point\"}"), "--base", baseVersion, "--rationale", "r", "--effective", effective], 1, "FeatureCollection"),
            (["amend", "propose", Files.File("missing.geojson",
                """{"type":"FeatureCollection","features":[{"type":"Feature","op":"retire","layer":"permanent-farmland","featureId":"no-such","geometry":null,"properties":{}}]}"""),
                "--base", baseVersion, "--rationale", "r", "--effective", effective], 1, "changes[0].featureId"),
            (["amend", "impact", "am-nope"], 1, "no amendment"),
            (["amend", "fly"], 2, "amend fly"),
        })
        {
            var (code, _, error) = await Files.RunAsync([.. args, "--store", Files.Store]);
            Assert.True(code == exit, $"{string.Join(' ', args)}: {code} {error}");
            Assert.Contains(words, error, StringComparison.Ordinal);
        }

        await using (var store = new SqlitePlanStore(Files.StorePath))
        {
            Assert.Equal(before, (await ((IAmendmentStore)store).ListAmendmentsAsync(1000, Ct)).Count);
        }
    }
}
