using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>Change sets (an amendment's features added, changed, retired), version records, the version in force and feature history.</summary>
public abstract partial class PlanStoreContract
{
    private static ChangeSetPublish Changes(int baseSeq, DateOnly effective, params FeatureChange[] changes) =>
        new("p", baseSeq, "amended", effective, VersionSource.Amendment, "am-1", "because", changes,
            v => [new AuditRecord("tester", "amendment.published", v.Id, "{}")]);

    private static FeatureChange Retire(string id) => new(ChangeOp.Retire, "zones", id, null);

    private static FeatureChange Replace(string id, string wkt) => new(ChangeOp.Change, "zones", id, Zone(id, wkt));

    private static FeatureChange Add(string id, string wkt) => new(ChangeOp.Add, "zones", id, Zone(id, wkt));

    private static async Task<int> AuditCountAsync(IPlanStore store)
    {
        var n = 0;
        await foreach (var _ in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public async Task a_change_set_publishes_only_its_features_and_the_base_version_stays_as_it_was()
    {
        await using var store = await SeededAsync();
        var v2 = await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1),
            Retire("r0c0"), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))"), Add("x1", "POLYGON ((120 38, 121 38, 121 39, 120 39, 120 38))")), Ct);

        Assert.Equal(("p@2", 2), (v2.Id, v2.Sequence));
        var before = (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Limit: 100), Ct)).Features;
        var after = (await store.GetFeaturesAsync(new FeatureQuery("p@2", "zones", Limit: 100), Ct)).Features;
        Assert.Equal(9, before.Count);
        Assert.Contains(before, f => f.Id == "r0c0");
        Assert.Equal("POLYGON ((116 39, 117 39, 117 40, 116 40, 116 39))", before.Single(f => f.Id == "r1c1").Geometry!.AsText());
        Assert.Equal(9, after.Count);
        Assert.DoesNotContain(after, f => f.Id == "r0c0");
        Assert.Equal("POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))", after.Single(f => f.Id == "r1c1").Geometry!.AsText());
        Assert.Contains(after, f => f.Id == "x1");
        Assert.Equal(["zones", "notes"], (await store.GetLayersAsync("p@2", Ct)).Select(l => l.Id));
        Assert.NotNull(await store.GetFeatureAsync("p@2", "notes", "n1", Ct));

        var versions = await store.GetVersionsAsync("p", Ct);
        Assert.Equal(["p@2", "p@1"], versions.Select(v => v.Version.Id));
        Assert.Equal((VersionSource.Amendment, "am-1", "because"), (versions[0].Source, versions[0].AmendmentId, versions[0].Rationale));
        Assert.Equal([new LayerChangeCount("zones", 1, 1, 1)], versions[0].Changes);
        Assert.Equal(VersionSource.Seed, versions[1].Source);
        Assert.Equal([new LayerChangeCount("notes", 1, 0, 0), new LayerChangeCount("zones", 9, 0, 0)], versions[1].Changes);
        var one = await store.GetVersionRecordAsync("p@2", Ct);
        Assert.Equal((versions[0].Version, versions[0].Source, versions[0].Rationale), (one!.Version, one.Source, one.Rationale));
        Assert.Equal(versions[0].Changes, one.Changes);
        Assert.Null(await store.GetVersionRecordAsync("p@9", Ct));
    }

    [Fact]
    public async Task a_feature_history_lists_the_versions_that_added_changed_and_retired_it()
    {
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))")), Ct);
        await store.ApplyChangesAsync(Changes(2, new DateOnly(2026, 4, 1), Retire("r1c1")), Ct);

        var history = await store.GetFeatureHistoryAsync("p", "zones", "r1c1", Ct);
        Assert.Equal([("p@1", "added"), ("p@2", "changed"), ("p@3", "retired")], history.Select(h => (h.Version.Id, h.Change)));
        Assert.Equal("POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))", history[1].Feature!.Geometry!.AsText());
        Assert.Null(history[2].Feature);
        Assert.Empty(await store.GetFeatureHistoryAsync("p", "zones", "nope", Ct));
    }

    [Fact]
    public async Task a_change_set_whose_features_moved_after_its_base_is_refused_whole_and_one_whose_features_did_not_is_rebased()
    {
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))")), Ct);
        var audit = await AuditCountAsync(store);

        var e = await Assert.ThrowsAsync<ChangeSetConflictException>(() => store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 2),
            Retire("r2c2"), Retire("r1c1")), Ct));
        Assert.Equal(["zones/r1c1"], e.Features);
        Assert.Contains("changed in version 2, after the base 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.GetVersionsAsync("p", Ct)).Count);
        Assert.Equal(audit, await AuditCountAsync(store));
        Assert.NotNull(await store.GetFeatureAsync("p@2", "zones", "r2c2", Ct));

        var rebased = await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 2), Retire("r2c2")), Ct);
        Assert.Equal("p@3", rebased.Id);
        Assert.Null(await store.GetFeatureAsync("p@3", "zones", "r2c2", Ct));
        Assert.Equal(audit + 1, await AuditCountAsync(store));
    }

    [Fact]
    public async Task a_change_set_naming_a_missing_feature_or_layer_or_adding_an_existing_id_writes_nothing()
    {
        await using var store = await SeededAsync();
        var audit = await AuditCountAsync(store);
        foreach (var (change, words) in new (FeatureChange, string)[]
        {
            (Retire("nope"), "zones/nope does not exist"),
            (new FeatureChange(ChangeOp.Retire, "ghost", "x", null), "no layer ghost"),
            (Add("r0c0", "POLYGON ((120 38, 121 38, 121 39, 120 39, 120 38))"), "exists already"),
        })
        {
            var e = await Assert.ThrowsAsync<ChangeSetConflictException>(() => store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Retire("r2c2"), change), Ct));
            Assert.Contains(words, e.Message, StringComparison.Ordinal);
        }

        Assert.Single(await store.GetVersionsAsync("p", Ct));
        Assert.Equal(audit, await AuditCountAsync(store));
        Assert.NotNull(await store.GetFeatureAsync("p@1", "zones", "r2c2", Ct));
    }

    [Fact]
    public async Task the_version_in_force_on_a_day_is_the_newest_whose_effective_date_has_come_and_valid_time_never_goes_back()
    {
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2027, 1, 1), Retire("r0c0")), Ct);

        Assert.Null(await store.GetVersionInForceAsync(new DateOnly(2025, 12, 31), Ct));
        Assert.Equal("p@1", (await store.GetVersionInForceAsync(new DateOnly(2026, 12, 31), Ct))!.Id);
        Assert.Equal("p@2", (await store.GetVersionInForceAsync(new DateOnly(2027, 1, 1), Ct))!.Id);
        var e = await Assert.ThrowsAsync<ChangeSetConflictException>(() => store.ApplyChangesAsync(Changes(2, new DateOnly(2026, 6, 1), Retire("r2c2")), Ct));
        Assert.Contains("before the newest version p@2", e.Message, StringComparison.Ordinal);
    }
}
