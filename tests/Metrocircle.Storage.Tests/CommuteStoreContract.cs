using Metrocircle.Core.Audit;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>The behaviour of commuting flows every engine must show; each engine supplies a fresh, empty store.</summary>
public abstract class CommuteStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(IPlanStore Store, ICommuteStore Flows)> MigratedAsync()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        return (store, (ICommuteStore)store);
    }

    private static CommuteFlow Flow(string origin, string destination, double trips, int year = 2024, string mode = "all") =>
        new(origin, destination, year, mode, trips, "survey " + year);

    private static Func<CommuteImportResult, AuditRecord> ImportedBy(string actor) =>
        r => new AuditRecord(actor, "commuting.imported", "v1", $"{{\"added\":{r.Added},\"replaced\":{r.Replaced.Count}}}");

    [Fact]
    public async Task imports_flows_and_reads_them_back_by_year_ordered_by_origin_destination_and_mode()
    {
        var (store, flows) = await MigratedAsync();
        await using var _ = store;
        var result = await flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 1200.5), Flow(Jurisdictions.Baoding, Jurisdictions.Zhuozhou, 30, mode: "rail"),
            Flow(Jurisdictions.Baoding, Jurisdictions.Zhuozhou, 80), Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 900, year: 2023)], ImportedBy("office"), Ct);
        Assert.Equal(4, result.Added);
        Assert.Empty(result.Replaced);
        var of2024 = await flows.GetCommuteFlowsAsync(2024, Ct);
        Assert.Equal([$"{Jurisdictions.Baoding}>{Jurisdictions.Zhuozhou}/all", $"{Jurisdictions.Baoding}>{Jurisdictions.Zhuozhou}/rail", $"{Jurisdictions.Zhuozhou}>{Jurisdictions.Beijing}/all"],
            of2024.Select(f => $"{f.Origin}>{f.Destination}/{f.Mode}"));
        Assert.Equal(1200.5, of2024[2].Trips);
        Assert.Equal(4, (await flows.GetCommuteFlowsAsync(null, Ct)).Count);
        Assert.Empty(await flows.GetCommuteFlowsAsync(1999, Ct));
    }

    [Fact]
    public async Task a_stored_flow_is_replaced_and_reported_with_its_old_trips()
    {
        var (store, flows) = await MigratedAsync();
        await using var _ = store;
        await flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 1000)], null, Ct);
        var result = await flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 1100) with { Source = "revised" }, Flow(Jurisdictions.Beijing, Jurisdictions.Zhuozhou, 50)], ImportedBy("office"), Ct);
        Assert.Equal(1, result.Added);
        Assert.Equal(Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 1000), Assert.Single(result.Replaced));
        var stored = await flows.GetCommuteFlowsAsync(2024, Ct);
        Assert.Equal([50.0, 1100.0], stored.Select(f => f.Trips));
        Assert.Equal("revised", stored[1].Source);
    }

    [Fact]
    public async Task a_batch_naming_the_same_flow_twice_writes_nothing()
    {
        var (store, flows) = await MigratedAsync();
        await using var _ = store;
        var e = await Assert.ThrowsAsync<StoreException>(() => flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 1), Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 2)], null, Ct));
        Assert.Contains($"{Jurisdictions.Zhuozhou} → {Jurisdictions.Beijing} in 2024 by all twice", e.Message, StringComparison.Ordinal);
        Assert.Empty(await flows.GetCommuteFlowsAsync(null, Ct));
    }

    [Fact]
    public async Task a_batch_the_engine_refuses_half_way_leaves_nothing_and_no_audit_entry()
    {
        var (store, flows) = await MigratedAsync();
        await using var _ = store;
        var log = (IAuditLog)store;
        var entries = await log.ReadAuditAsync(Ct).CountAsync(Ct);

        // Negative trips pass the batch check but break the table's CHECK after the first row was written in the transaction.
        await Assert.ThrowsAnyAsync<Exception>(() => flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 5), Flow(Jurisdictions.Beijing, Jurisdictions.Zhuozhou, -1)], ImportedBy("office"), Ct));
        Assert.Empty(await flows.GetCommuteFlowsAsync(null, Ct));
        Assert.Equal(entries, await log.ReadAuditAsync(Ct).CountAsync(Ct));
    }

    [Fact]
    public async Task the_audit_entry_is_written_with_the_flows()
    {
        var (store, flows) = await MigratedAsync();
        await using var _ = store;
        await flows.ImportCommuteFlowsAsync([Flow(Jurisdictions.Zhuozhou, Jurisdictions.Beijing, 5)], ImportedBy("office"), Ct);
        var entry = Assert.Single(await ((IAuditLog)store).ReadAuditAsync(Ct).Where(e => e.Action == "commuting.imported").ToListAsync(Ct));
        Assert.Equal("office", entry.Actor);
        Assert.Contains("\"added\":1", entry.Details, StringComparison.Ordinal);
    }
}
