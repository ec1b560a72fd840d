using Metrocircle.Core.Audit;
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
        Assert.Equal([$"population/{Jurisdictions.Beijing}/2020", $"population/{Jurisdictions.Beijing}/2022", $"population/{Jurisdictions.Tianjin}/2021", $"rail/{Jurisdictions.Beijing}/2023"],
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
        Assert.Contains($"population for {Jurisdictions.Beijing} in 2020 twice", e.Message, StringComparison.Ordinal);
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

    private static Func<ObservationImportResult, AuditRecord> ImportedBy(string actor) =>
        r => new AuditRecord(actor, "observations.imported", "v1", $"{{\"added\":{r.Added},\"replaced\":{r.Replaced.Count}}}");

    [Fact]
    public async Task issue_11_a_replaced_value_stays_readable_with_who_replaced_it_and_when()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await observations.ImportObservationsAsync([Pop(2020, 100), Pop(2021, 200)], ImportedBy("first"), Ct);
        await observations.ImportObservationsAsync([Pop(2021, 210) with { Source = "revised" }], ImportedBy("second"), Ct);
        await observations.ImportObservationsAsync([Pop(2021, 211) with { Source = "final" }], ImportedBy("third"), Ct);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var history = await observations.GetObservationHistoryAsync("population", Jurisdictions.Beijing, 2021, Ct);
        Assert.Equal([200.0, 210.0, 211.0], history.Select(h => h.Observation.Value));
        Assert.Equal(["yearbook 2021", "revised", "final"], history.Select(h => h.Observation.Source));
        Assert.Equal(["first", "second", "third"], history.Select(h => h.ImportedBy));
        Assert.Equal(["second", "third", null], history.Select(h => h.ReplacedBy));
        Assert.Equal([false, false, true], history.Select(h => h.IsCurrent));
        Assert.All(history, h => Assert.InRange(h.ImportedAt, before, after));
        Assert.Equal(history[1].ImportedAt, history[0].ReplacedAt);
        Assert.Equal(history[2].ImportedAt, history[1].ReplacedAt);

        // The current read is unchanged by the history; the untouched year has one revision, the current one.
        Assert.Equal([100.0, 211.0], (await observations.GetObservationsAsync("population", Ct)).Select(o => o.Value));
        var whole = await observations.GetObservationHistoryAsync("population", null, null, Ct);
        Assert.Equal(["2020:100", "2021:200", "2021:210", "2021:211"], whole.Select(h => $"{h.Observation.Year}:{h.Observation.Value}"));
        Assert.Empty(await observations.GetObservationHistoryAsync("population", Jurisdictions.Tianjin, null, Ct));
    }

    [Fact]
    public async Task an_import_without_an_audit_entry_keeps_history_with_no_actor_and_the_entry_commits_with_the_rows()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        var log = (IAuditLog)store;
        var entries = (await log.ReadAuditAsync(Ct).ToListAsync(Ct)).Count;
        await observations.ImportObservationsAsync([Pop(2020, 1)], Ct);
        Assert.Equal(entries, (await log.ReadAuditAsync(Ct).ToListAsync(Ct)).Count);
        await observations.ImportObservationsAsync([Pop(2020, 2)], ImportedBy("someone"), Ct);
        var history = await observations.GetObservationHistoryAsync("population", null, 2020, Ct);
        Assert.Equal([(1.0, (string?)null, "someone"), (2.0, "someone", null)], history.Select(h => (h.Observation.Value, h.ImportedBy, h.ReplacedBy)));
        var entry = Assert.Single((await log.ReadAuditAsync(Ct).ToListAsync(Ct)).Skip(entries));
        Assert.Equal(("someone", "observations.imported"), (entry.Actor, entry.Action));
    }

    [Fact]
    public async Task a_failed_import_keeps_no_history_and_no_audit_entry()
    {
        var (store, observations) = await MigratedAsync();
        await using var _ = store;
        var log = (IAuditLog)store;
        await observations.ImportObservationsAsync([Pop(2020, 1), Pop(2021, 1)], ImportedBy("first"), Ct);
        var entries = (await log.ReadAuditAsync(Ct).ToListAsync(Ct)).Count;

        // The second row replaces a stored year inside the transaction before the third, with no scope, is refused.
        await Assert.ThrowsAnyAsync<Exception>(() => observations.ImportObservationsAsync([Pop(2020, 5), Pop(2021, 6), Pop(2022, 7, scope: null!)], ImportedBy("second"), Ct));
        Assert.Equal(2, (await observations.GetObservationHistoryAsync("population", null, null, Ct)).Count);
        Assert.Equal(entries, (await log.ReadAuditAsync(Ct).ToListAsync(Ct)).Count);
    }
}
