using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>The behaviour of indicator observations every engine must show; each engine supplies a fresh, empty store.</summary>
public abstract class ObservationStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(IPlanStore Store, IObservationStore Observations)> MigratedAsync()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        return (store, (IObservationStore)store);
    }

    private static Observation Pop(int year, double value, string scope = Jurisdictions.Beijing) => new("population", scope, year, value, "yearbook " + year);

    [Fact]
    public async Task imports_a_batch_and_reads_it_back_ordered_by_indicator_scope_and_year()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        var result = await observations.ImportObservationsAsync([Pop(2022, 21_840_000), Pop(2020, 21_890_000), Pop(2021, 21_886_000, Jurisdictions.Tianjin),
            new Observation("rail", Jurisdictions.Beijing, 2023, 836.5, "metro")], Ct);
        Assert.Equal(4, result.Added);
        Assert.Empty(result.Replaced);
        var all = await observations.GetObservationsAsync(null, Ct);
        Assert.Equal(["population/beijing/2020", "population/beijing/2022", "population/tianjin/2021", "rail/beijing/2023"],
            all.Select(o => $"{o.IndicatorId}/{o.Scope}/{o.Year}"));
        Assert.Equal(new Observation("rail", Jurisdictions.Beijing, 2023, 836.5, "metro"), Assert.Single(await observations.GetObservationsAsync("rail", Ct)));
        Assert.Empty(await observations.GetObservationsAsync("nothing", Ct));
    }

    [Fact]
    public async Task a_year_already_stored_is_replaced_and_reported_with_its_old_value()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        await observations.ImportObservationsAsync([Pop(2020, 21_890_000), Pop(2021, 21_886_000)], Ct);
        var result = await observations.ImportObservationsAsync([Pop(2021, 21_890_500) with { Source = "revised" }, Pop(2022, 21_840_000)], Ct);
        Assert.Equal(1, result.Added);
        Assert.Equal(Pop(2021, 21_886_000), Assert.Single(result.Replaced));
        var stored = await observations.GetObservationsAsync("population", Ct);
        Assert.Equal([21_890_000, 21_890_500, 21_840_000], stored.Select(o => o.Value));
        Assert.Equal("revised", stored[1].Source);
    }

    [Fact]
    public async Task a_batch_naming_the_same_year_twice_writes_nothing()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        var e = await Assert.ThrowsAsync<StoreException>(() => observations.ImportObservationsAsync([Pop(2020, 1), Pop(2021, 2), Pop(2020, 3)], Ct));
        Assert.Contains("population for beijing in 2020 twice", e.Message, StringComparison.Ordinal);
        Assert.Empty(await observations.GetObservationsAsync(null, Ct));
    }

    [Fact]
    public async Task a_batch_that_fails_half_way_leaves_the_stored_observations_as_they_were()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        await observations.ImportObservationsAsync([Pop(2020, 1)], Ct);

        // The third row has no scope, which the engine refuses after the first two were written inside the transaction.
        await Assert.ThrowsAnyAsync<Exception>(() => observations.ImportObservationsAsync([Pop(2020, 5), Pop(2021, 6), Pop(2022, 7, scope: null!)], Ct));
        Assert.Equal([Pop(2020, 1)], await observations.GetObservationsAsync(null, Ct));
    }
}
