using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests;

/// <summary>
/// The behaviour every storage engine must show. Each engine's test class supplies a fresh, empty store;
/// the bodies are the same for all engines.
/// </summary>
public abstract partial class PlanStoreContract
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    protected abstract Task<IPlanStore> CreateStoreAsync();

    /// <summary>Runs SQL straight against the store's database, as someone tampering with it would.</summary>
    protected abstract Task TamperAsync(IPlanStore store, string sql);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Core.Model.Plan TestPlan = new("p", "规划", "Plan", "A test plan");

    private static PlanVersion Version(int seq) => new($"p@{seq}", "p", seq, $"v{seq}", new DateOnly(2026, 1, seq), DateTimeOffset.UtcNow.AddMinutes(seq));

    private static readonly PlanLayer Zones = new("zones", LayerKinds.Circle, "区", "Zones", "test zones", LayerGeometry.Polygon, 1,
        [new AttributeDefinition("name", AttributeType.String, Required: true)]);

    private static readonly PlanLayer Notes = new("notes", LayerKinds.Record, "记", "Notes", "records", LayerGeometry.None, 2, []);

    private static PlanFeature Zone(string id, string wkt, DateOnly? from = null, DateOnly? to = null) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = $"zone {id}" }, new Provenance("test", Certainty.Synthetic, "made up"), from, to);

    /// <summary>A 3 × 3 grid of 1° squares from 115,38; ids r{row}c{col}.</summary>
    private static List<PlanFeature> Grid() =>
        [.. from r in Enumerable.Range(0, 3)
            from c in Enumerable.Range(0, 3)
            let x = 115 + c
            let y = 38 + r
            select Zone($"r{r}c{c}", FormattableString.Invariant($"POLYGON (({x} {y}, {x + 1} {y}, {x + 1} {y + 1}, {x} {y + 1}, {x} {y}))"))];

    protected async Task<IPlanStore> SeededAsync(IReadOnlyList<PlanFeature>? features = null)
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        var all = (features ?? Grid()).Append(new PlanFeature("notes", "n1", null, new JsonObject { ["text"] = "hello" }, new Provenance("test", Certainty.Confirmed))).ToList();
        await store.PublishAsync(TestPlan, Version(1), [Zones, Notes], all, new ImportReport("test"), Ct);
        return store;
    }

    [Fact]
    public async Task an_empty_store_has_no_current_version_and_migrates_twice_without_harm()
    {
        await using var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        await store.MigrateAsync(Ct);
        Assert.Null(await store.GetCurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task publishes_a_version_and_reads_back_layers_features_and_provenance()
    {
        await using var store = await SeededAsync();
        var version = await store.GetCurrentVersionAsync(Ct);
        Assert.Equal("p@1", version!.Id);
        Assert.Equal(["zones", "notes"], (await store.GetLayersAsync("p@1", Ct)).Select(l => l.Id));
        var layer = (await store.GetLayersAsync("p@1", Ct))[0];
        Assert.Equal(Zones.Attributes, layer.Attributes);
        var f = await store.GetFeatureAsync("p@1", "zones", "r1c1", Ct);
        Assert.NotNull(f);
        Assert.True(f.Geometry!.EqualsExact(Wkt.Read("POLYGON ((116 39, 117 39, 117 40, 116 40, 116 39))")));
        Assert.Equal("zone r1c1", f.Properties["name"]!.GetValue<string>());
        Assert.Equal(new Provenance("test", Certainty.Synthetic, "made up"), f.Provenance);
        var note = await store.GetFeatureAsync("p@1", "notes", "n1", Ct);
        Assert.Null(note!.Geometry);
        Assert.Null(await store.GetFeatureAsync("p@1", "zones", "nope", Ct));
    }

    [Fact]
    public async Task a_bbox_query_returns_exactly_the_features_that_intersect_it()
    {
        // A triangle whose bounding box covers r0c0 but whose shape does not.
        var features = Grid();
        features.Add(Zone("tri", "POLYGON ((118.5 38.5, 118.9 38.5, 118.9 38.9, 118.5 38.5))"));
        await using var store = await SeededAsync(features);
        var page = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", new Envelope(115.2, 115.8, 38.2, 38.8), Limit: 100), Ct);
        Assert.Equal(["r0c0"], page.Features.Select(f => f.Id));
        Assert.Equal(1, page.NumberMatched);

        // The box touches the triangle's bounding box corner region but not the triangle itself.
        var miss = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", new Envelope(118.55, 118.6, 38.8, 38.85), Limit: 100), Ct);
        Assert.DoesNotContain(miss.Features, f => f.Id == "tri");
    }

    [Fact]
    public async Task pages_through_a_bbox_result_with_a_stable_order_and_total()
    {
        await using var store = await SeededAsync();
        var box = new Envelope(115.5, 117.5, 38.5, 40.5);
        var first = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Offset: 0, Limit: 4), Ct);
        var second = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Offset: 4, Limit: 4), Ct);
        var third = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", box, Offset: 8, Limit: 4), Ct);
        Assert.Equal(9, first.NumberMatched);
        Assert.Equal(4, first.Features.Count);
        Assert.Equal(4, second.Features.Count);
        Assert.Single(third.Features);
        Assert.Equal(9, first.Features.Concat(second.Features).Concat(third.Features).Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public async Task counts_and_pages_a_whole_layer_without_bbox()
    {
        await using var store = await SeededAsync();
        var page = await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Offset: 7, Limit: 5), Ct);
        Assert.Equal(9, page.NumberMatched);
        Assert.Equal(2, page.Features.Count);
        var stats = await store.GetLayerStatsAsync("p@1", "zones", Ct);
        Assert.Equal(9, stats.Count);
        Assert.Equal(new Envelope(115, 118, 38, 41), stats.Extent);
        Assert.Equal(Certainty.Synthetic, stats.Weakest);
    }

    [Fact]
    public async Task reads_the_statistics_of_every_layer_of_a_held_version_at_once_as_each_layer_alone()
    {
        await using var store = await SeededAsync();
        var version = (await store.GetCurrentVersionAsync(Ct))!;
        Assert.Equal(["zones", "notes"], (await store.GetLayersAsync(version, Ct)).Select(l => l.Id));
        var all = await store.GetLayerStatsAsync(version, Ct);
        Assert.Equal(["notes", "zones"], all.Keys.Order(StringComparer.Ordinal));
        foreach (var (layer, stats) in all)
        {
            var alone = await store.GetLayerStatsAsync(version.Id, layer, Ct);
            Assert.Equal((alone.Count, alone.Extent, alone.Weakest), (stats.Count, stats.Extent, stats.Weakest));
        }

        Assert.Equal(9, all["zones"].Count);
        Assert.Null(all["notes"].Extent);
    }

    [Fact]
    public async Task filters_by_validity_dates()
    {
        var features = new List<PlanFeature>
        {
            Zone("old", "POLYGON ((116 39, 117 39, 117 40, 116 39))", to: new DateOnly(2029, 12, 31)),
            Zone("new", "POLYGON ((116 39, 117 39, 117 40, 116 39))", from: new DateOnly(2030, 1, 1)),
            Zone("always", "POLYGON ((116 39, 117 39, 117 40, 116 39))"),
        };
        await using var store = await SeededAsync(features);
        async Task<string[]> At(DateOnly? from, DateOnly? to) =>
            (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Limit: 100, ValidFrom: from, ValidTo: to), Ct)).Features.Select(f => f.Id).Order().ToArray();
        Assert.Equal(["always", "old"], await At(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 1)));
        Assert.Equal(["always", "new"], await At(new DateOnly(2035, 1, 1), new DateOnly(2035, 1, 1)));
        Assert.Equal(["always", "new", "old"], await At(new DateOnly(2029, 6, 1), null));
    }

    [Fact]
    public async Task a_new_version_replaces_the_content_and_the_old_version_stays_readable()
    {
        await using var store = await SeededAsync();
        await store.PublishAsync(TestPlan, Version(2), [Zones], [Zone("only", "POLYGON ((116 39, 117 39, 117 40, 116 39))")], new ImportReport("v2"), Ct);
        Assert.Equal("p@2", (await store.GetCurrentVersionAsync(Ct))!.Id);
        Assert.Equal(["only"], (await store.GetFeaturesAsync(new FeatureQuery("p@2", "zones", Limit: 100), Ct)).Features.Select(f => f.Id));
        Assert.Equal(9, (await store.GetFeaturesAsync(new FeatureQuery("p@1", "zones", Limit: 100), Ct)).NumberMatched);
        Assert.Equal(["zones"], (await store.GetLayersAsync("p@2", Ct)).Select(l => l.Id));
        Assert.Equal(2, (await store.GetImportReportsAsync(Ct)).Count);
    }

    [Fact]
    public async Task a_failed_publish_writes_nothing()
    {
        await using var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        var features = Grid();
        features.Add(new PlanFeature("ghost-layer", "x", null, [], new Provenance("test", Certainty.Confirmed)));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.PublishAsync(TestPlan, Version(1), [Zones], features, new ImportReport("bad"), Ct));
        Assert.Contains("ghost-layer", e.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetCurrentVersionAsync(Ct));
        Assert.Empty(await store.GetImportReportsAsync(Ct));
        Assert.Null(await store.GetPlanAsync("p", Ct));
    }

    [Fact]
    public async Task refuses_a_version_that_does_not_come_after_the_current_one()
    {
        await using var store = await SeededAsync();
        var e = await Assert.ThrowsAsync<StoreException>(() => store.PublishAsync(TestPlan, Version(1) with { Id = "p@1b" }, [Zones], [], new ImportReport("again"), Ct));
        Assert.Contains("higher sequence", e.Message, StringComparison.Ordinal);
        Assert.Equal("p@1", (await store.GetCurrentVersionAsync(Ct))!.Id);
    }

    [Fact]
    public async Task replacing_a_layer_publishes_a_new_version_and_keeps_the_other_layers()
    {
        await using var store = await SeededAsync();
        var imported = new PlanLayer("parcels", "control:permanent-farmland", "农田", "Farmland", "imported", LayerGeometry.Polygon, 5, []);
        var progress = new List<long>();
        var version = await store.ReplaceLayerAsync("p", imported, Stream(Grid().Select(f => f with { LayerId = "parcels" })), new ImportReport("parcels.geojson"),
            new Progress<long>(progress.Add), Ct);
        Assert.Equal(2, version.Sequence);
        Assert.Equal(version.Id, (await store.GetCurrentVersionAsync(Ct))!.Id);
        Assert.Equal(["zones", "notes", "parcels"], (await store.GetLayersAsync(version.Id, Ct)).Select(l => l.Id));
        Assert.Equal(9, (await store.GetFeaturesAsync(new FeatureQuery(version.Id, "zones", Limit: 100), Ct)).NumberMatched);
        Assert.Equal(9, (await store.GetFeaturesAsync(new FeatureQuery(version.Id, "parcels", new Envelope(115, 118, 38, 41), Limit: 100), Ct)).NumberMatched);
        Assert.Empty((await store.GetFeaturesAsync(new FeatureQuery("p@1", "parcels", Limit: 100), Ct)).Features);

        // Importing the layer again replaces its features in the next version; the previous version still has them.
        var again = await store.ReplaceLayerAsync("p", imported, Stream(Grid().Take(2).Select(f => f with { LayerId = "parcels" })), new ImportReport("again"), null, Ct);
        Assert.Equal(2, (await store.GetFeaturesAsync(new FeatureQuery(again.Id, "parcels", Limit: 100), Ct)).NumberMatched);
        Assert.Equal(9, (await store.GetFeaturesAsync(new FeatureQuery(version.Id, "parcels", Limit: 100), Ct)).NumberMatched);
    }

    [Fact]
    public async Task a_replaced_layer_reads_back_empty_text_as_empty_and_long_unicode_ids_whole()
    {
        await using var store = await SeededAsync();
        var layer = new PlanLayer("parcels", LayerKinds.Thematic, "地块", "Parcels", "imported", LayerGeometry.Polygon, 5, []);
        var longId = string.Concat(Enumerable.Repeat("通州副中心", 200));
        var written = new[]
        {
            new PlanFeature("parcels", "空", Wkt.Read("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39))"), new JsonObject { ["name"] = "", ["名称"] = "副中心" },
                new Provenance("", Certainty.Indicative, "")),
            new PlanFeature("parcels", longId, null, [], new Provenance("survey", Certainty.Confirmed)),
            new PlanFeature("parcels", "x", Wkt.Read("POINT EMPTY"), [], new Provenance("survey", Certainty.Confirmed)),
        };
        var version = await store.ReplaceLayerAsync("p", layer, Stream(written), new ImportReport("edge cases"), null, Ct);

        var empty = await store.GetFeatureAsync(version.Id, "parcels", "空", Ct);
        Assert.Equal(string.Empty, empty!.Provenance.Source);
        Assert.Equal(string.Empty, empty.Provenance.Basis);
        Assert.Equal(written[0].Properties.ToJsonString(), empty.Properties.ToJsonString());
        Assert.Equal("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39))", empty.Geometry!.AsText());
        var named = await store.GetFeatureAsync(version.Id, "parcels", longId, Ct);
        Assert.Null(named!.Geometry);
        Assert.Null(named.Provenance.Basis);
        Assert.True((await store.GetFeatureAsync(version.Id, "parcels", "x", Ct))!.Geometry!.IsEmpty);
        Assert.Equal(["空"], (await store.GetFeaturesAsync(new FeatureQuery(version.Id, "parcels", new Envelope(115, 117, 38, 40), Limit: 10), Ct)).Features.Select(f => f.Id));
    }

    [Fact]
    public async Task a_layer_import_that_fails_half_way_leaves_the_store_as_it_was()
    {
        await using var store = await SeededAsync();
        var layer = new PlanLayer("parcels", LayerKinds.Thematic, "地块", "Parcels", "imported", LayerGeometry.Polygon, 5, []);
        async IAsyncEnumerable<PlanFeature> Failing()
        {
            foreach (var f in Grid().Take(5))
            {
                yield return f with { LayerId = "parcels" };
            }

            await Task.Yield();
            throw new IOException("the file ended early");
        }

        await Assert.ThrowsAsync<IOException>(() => store.ReplaceLayerAsync("p", layer, Failing(), new ImportReport("broken"), null, Ct));
        Assert.Equal("p@1", (await store.GetCurrentVersionAsync(Ct))!.Id);
        Assert.Equal(["zones", "notes"], (await store.GetLayersAsync("p@1", Ct)).Select(l => l.Id));
        Assert.Single(await store.GetImportReportsAsync(Ct));
    }

    [Fact]
    public async Task a_cancelled_layer_import_leaves_the_store_as_it_was()
    {
        await using var store = await SeededAsync();
        var layer = new PlanLayer("parcels", LayerKinds.Thematic, "地块", "Parcels", "imported", LayerGeometry.Polygon, 5, []);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        async IAsyncEnumerable<PlanFeature> CancelledAfterFive()
        {
            var n = 0;
            foreach (var f in Grid())
            {
                if (++n == 6)
                {
                    await cancel.CancelAsync();
                }

                await Task.Yield();
                yield return f with { LayerId = "parcels" };
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReplaceLayerAsync("p", layer, CancelledAfterFive(), new ImportReport("cancelled"), null, cancel.Token));
        Assert.Equal("p@1", (await store.GetCurrentVersionAsync(Ct))!.Id);
        Assert.Equal(["zones", "notes"], (await store.GetLayersAsync("p@1", Ct)).Select(l => l.Id));
        Assert.Single(await store.GetImportReportsAsync(Ct));
    }

    [Fact]
    public async Task properties_come_back_with_their_keys_in_the_order_they_were_written()
    {
        var properties = new JsonObject { ["zeta"] = 1, ["name"] = "z", ["a"] = new JsonObject { ["y"] = true, ["b"] = 2.5 }, ["code"] = "110112" };
        var feature = Zone("ordered", "POINT (116 39)") with { Properties = properties };
        await using var store = await SeededAsync([feature]);
        var read = await store.GetFeatureAsync("p@1", "zones", "ordered", Ct);
        Assert.Equal(properties.ToJsonString(), read!.Properties.ToJsonString());
    }

    [Theory]
    [InlineData("MULTIPOLYGON (((116 39, 117 39, 117 40, 116 39)), ((118 39, 118.5 39, 118.5 39.5, 118 39), (118.1 39.05, 118.4 39.05, 118.4 39.3, 118.1 39.05)))")]
    [InlineData("GEOMETRYCOLLECTION (POINT (116.123456789012 39.987654321098), LINESTRING (116 39, 117 40))")]
    [InlineData("POINT EMPTY")]
    public async Task a_geometry_comes_back_with_the_same_wkb_and_srid(string wkt)
    {
        var feature = Zone("g", wkt);
        await using var store = await SeededAsync([feature]);
        var read = await store.GetFeatureAsync("p@1", "zones", "g", Ct);
        var ewkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: true);
        Assert.Equal(Convert.ToHexString(ewkb.Write(feature.Geometry)), Convert.ToHexString(ewkb.Write(read!.Geometry)));
    }

    [Fact]
    public async Task a_document_is_read_back_byte_for_byte_and_never_overwritten()
    {
        await using var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        var documents = Assert.IsAssignableFrom<IDocumentStore>(store);
        const string json = """{"zeta":1, "verdict":"conflicts","a":{"y":true,"b":[2.50,"通州"]}}""";
        await documents.PutDocumentAsync("check", "c1", json, Ct);
        Assert.Equal(json, await documents.GetDocumentAsync("check", "c1", Ct));
        Assert.Null(await documents.GetDocumentAsync("check", "c2", Ct));
        var e = await Assert.ThrowsAsync<StoreException>(() => documents.PutDocumentAsync("check", "c1", "{}", Ct));
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Equal(json, await documents.GetDocumentAsync("check", "c1", Ct));
    }

    [Fact]
    public async Task a_document_and_its_audit_entry_commit_together_or_not_at_all()
    {
        await using var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        var documents = Assert.IsAssignableFrom<IDocumentStore>(store);
        var log = Assert.IsAssignableFrom<IAuditLog>(store);
        await documents.PutDocumentAsync("check", "c1", "{}", [new AuditRecord("tester", "check.submitted", "c1", "{}")], Ct);
        Assert.NotNull(await documents.GetDocumentAsync("check", "c1", Ct));

        // With the audit table out of the way the append fails inside the transaction: the verdict must go with it.
        await TamperAsync(store, "ALTER TABLE audit_log RENAME TO audit_log_away");
        await Assert.ThrowsAsync<StoreException>(() => documents.PutDocumentAsync("check", "c2", "{}", [new AuditRecord("tester", "check.submitted", "c2", "{}")], Ct));
        await TamperAsync(store, "ALTER TABLE audit_log_away RENAME TO audit_log");
        Assert.Null(await documents.GetDocumentAsync("check", "c2", Ct));
        var subjects = new List<string>();
        await foreach (var entry in log.ReadAuditAsync(Ct))
        {
            subjects.Add(entry.Subject);
        }

        Assert.Equal(["c1"], subjects);
    }

    private static async IAsyncEnumerable<PlanFeature> Stream(IEnumerable<PlanFeature> features)
    {
        foreach (var f in features)
        {
            await Task.Yield();
            yield return f;
        }
    }

    [Fact]
    public async Task streams_every_feature_of_a_layer_in_a_stable_order()
    {
        await using var store = await SeededAsync();
        var ids = new List<string>();
        await foreach (var f in store.StreamFeaturesAsync("p@1", "zones", Ct))
        {
            ids.Add(f.Id);
        }

        Assert.Equal(Grid().Select(f => f.Id), ids);
    }

    private static async Task<IAuditLog> AuditedAsync(IPlanStore store)
    {
        await store.MigrateAsync(Ct);
        var log = Assert.IsAssignableFrom<IAuditLog>(store);
        for (var i = 1; i <= 4; i++)
        {
            await log.AppendAuditAsync($"user{i}", "check.submitted", $"chk-{i}", $$"""{"n":{{i}}}""", Ct);
        }

        return log;
    }

    private static Task<Core.Audit.AuditVerification> VerifyAsync(IAuditLog log) => Core.Audit.AuditVerifier.VerifyAsync(log.ReadAuditAsync(Ct), Ct);

    [Fact]
    public async Task the_audit_log_chains_every_entry_to_the_one_before()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        var entries = new List<Core.Audit.AuditEntry>();
        await foreach (var e in log.ReadAuditAsync(Ct))
        {
            entries.Add(e);
        }

        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Sequence));
        Assert.Equal(Core.Audit.AuditEntry.Genesis, entries[0].PreviousHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
        Assert.Equal("{\"n\":3}", entries[2].Details);
        var verification = await VerifyAsync(log);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(4, verification.Entries);
    }

    [Fact]
    public async Task an_edited_audit_entry_is_detected_and_located()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        await TamperAsync(store, "UPDATE audit_log SET details = '{\"n\":99}' WHERE seq = 2");
        var verification = await VerifyAsync(log);
        Assert.Equal(2, verification.FirstBadSequence);
        Assert.Contains("entry 2 was edited", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_edit_whose_hash_was_recomputed_is_caught_at_the_next_entry()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        var second = await log.ReadAuditAsync(Ct).Skip(1).FirstAsync(Ct);
        var forged = Core.Audit.AuditEntry.ComputeHash(second.Scheme, second.Sequence, second.At, "mallory", second.Action, second.Subject, second.Details, second.PreviousHash);
        await TamperAsync(store, $"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE seq = 2");
        var verification = await VerifyAsync(log);
        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("does not follow entry 2", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_deleted_audit_entry_is_detected_and_located()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq = 3");
        var verification = await VerifyAsync(log);
        Assert.Equal(3, verification.FirstBadSequence);
        Assert.Contains("entry 3 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task reordered_audit_entries_are_detected_and_located()
    {
        await using var store = await CreateStoreAsync();
        var log = await AuditedAsync(store);
        await TamperAsync(store, "UPDATE audit_log SET seq = -2 WHERE seq = 2");
        await TamperAsync(store, "UPDATE audit_log SET seq = 2 WHERE seq = 3");
        await TamperAsync(store, "UPDATE audit_log SET seq = 3 WHERE seq = -2");
        var verification = await VerifyAsync(log);
        Assert.Equal(2, verification.FirstBadSequence);
    }

    [Fact]
    public async Task concurrent_appends_never_fork_the_chain()
    {
        await using var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        var log = (IAuditLog)store;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => log.AppendAuditAsync("racer", "check.submitted", $"chk-{i}", "{}", Ct), Ct)));
        var verification = await VerifyAsync(log);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(24, verification.Entries);
    }
}
