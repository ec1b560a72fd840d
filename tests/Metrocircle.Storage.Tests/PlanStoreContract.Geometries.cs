using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests;

/// <summary>Issue 15, item 3: the geometry-only stream gives what the whole-feature stream gives, minus properties.</summary>
public abstract partial class PlanStoreContract
{
    [Fact]
    public async Task streams_ids_and_wkb_of_a_layer_written_in_one_version_in_the_order_and_shape_of_the_feature_stream()
    {
        List<PlanFeature> features =
        [
            .. Grid(),
            Zone("multi", "MULTIPOLYGON (((115 41, 115.5 41, 115.5 41.5, 115 41, 115 41)), ((116 41, 116.2 41, 116.2 41.2, 116 41)))"),
            Zone("holed", "POLYGON ((117 41, 118 41, 118 42, 117 42, 117 41), (117.2 41.2, 117.2 41.4, 117.4 41.4, 117.2 41.2))"),
        ];
        await using var store = await SeededAsync(features);

        var whole = new List<PlanFeature>();
        await foreach (var f in store.StreamFeaturesAsync("p@1", "zones", Ct))
        {
            whole.Add(f);
        }

        var shapes = new List<(string Id, Geometry? Geometry)>();
        await foreach (var s in store.StreamGeometriesAsync("p@1", "zones", Ct))
        {
            shapes.Add((s.Id, s.Wkb is null ? null : new WKBReader().Read(s.Wkb)));
        }

        Assert.Equal(features.Select(f => f.Id), shapes.Select(s => s.Id));
        Assert.Equal(whole.Select(f => f.Id), shapes.Select(s => s.Id));
        Assert.All(whole.Zip(shapes), pair => Assert.True(pair.First.Geometry!.EqualsExact(pair.Second.Geometry!), $"{pair.First.Id}: {pair.Second.Geometry}"));
    }

    [Fact]
    public async Task streams_no_wkb_for_a_feature_without_geometry_and_nothing_for_an_unknown_version_or_layer()
    {
        await using var store = await SeededAsync();

        var notes = new List<(string, byte[]?)>();
        await foreach (var s in store.StreamGeometriesAsync("p@1", "notes", Ct))
        {
            notes.Add((s.Id, s.Wkb));
        }

        Assert.Equal([("n1", (byte[]?)null)], notes);
        await foreach (var s in store.StreamGeometriesAsync("p@9", "zones", Ct))
        {
            Assert.Fail($"an unknown version streamed {s.Id}");
        }

        await foreach (var s in store.StreamGeometriesAsync("p@1", "nope", Ct))
        {
            Assert.Fail($"an unknown layer streamed {s.Id}");
        }
    }

    [Fact]
    public async Task streams_the_geometry_a_feature_had_at_the_version_asked_for_after_those_of_earlier_versions()
    {
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))")), Ct);
        var ids = new List<string>();
        await foreach (var s in store.StreamGeometriesAsync("p@2", "zones", Ct))
        {
            ids.Add(s.Id);
        }

        Assert.Equal(["r0c0", "r0c1", "r0c2", "r1c0", "r1c2", "r2c0", "r2c1", "r2c2", "r1c1"], ids);

        async Task<Geometry> At(string version)
        {
            await foreach (var s in store.StreamGeometriesAsync(version, "zones", Ct))
            {
                if (s.Id == "r1c1")
                {
                    return new WKBReader().Read(s.Wkb);
                }
            }

            throw new InvalidOperationException($"r1c1 missing at {version}");
        }

        Assert.Equal(0.25, (await At("p@2")).Area, 1e-12);
        Assert.Equal(1.0, (await At("p@1")).Area, 1e-12);
    }

    [Fact]
    public async Task streams_features_of_a_layer_amended_twice_in_the_order_of_items_pages_and_of_the_geometry_stream()
    {
        // The feature stream orders by (version that added a row, row key), which the layer index gives without a sort;
        // items pages order by row key alone. Both orders agree because a later version's rows get larger keys.
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))")), Ct);
        await store.ApplyChangesAsync(Changes(2, new DateOnly(2026, 4, 1),
            Replace("r0c0", "POLYGON ((115 38, 115.5 38, 115.5 38.5, 115 38.5, 115 38))"), Add("x9", "POLYGON ((118 40, 118.5 40, 118.5 40.5, 118 40.5, 118 40))")), Ct);

        var streamed = new List<string>();
        await foreach (var f in store.StreamFeaturesAsync("p@3", "zones", Ct))
        {
            streamed.Add(f.Id);
        }

        var shapes = new List<string>();
        await foreach (var s in store.StreamGeometriesAsync("p@3", "zones", Ct))
        {
            shapes.Add(s.Id);
        }

        var paged = new List<string>();
        for (long? after = null; ;)
        {
            var page = await store.GetFeaturesAsync(new FeatureQuery("p@3", "zones", Limit: 2, After: after), Ct);
            paged.AddRange(page.Features.Select(f => f.Id));
            if (page.Next is null)
            {
                break;
            }

            after = page.Next;
        }

        Assert.Equal(["r0c1", "r0c2", "r1c0", "r1c2", "r2c0", "r2c1", "r2c2", "r1c1", "r0c0", "x9"], streamed);
        Assert.Equal(streamed, shapes);
        Assert.Equal(streamed, paged);
    }

    [Fact]
    public async Task a_cancelled_geometry_stream_stops_with_a_cancellation_and_the_store_serves_the_next_one()
    {
        await using var store = await SeededAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var s in store.StreamGeometriesAsync("p@1", "zones", cancelled.Token))
            {
                Assert.Fail($"a cancelled stream gave {s.Id}");
            }
        });

        var ids = new List<string>();
        await foreach (var s in store.StreamGeometriesAsync("p@1", "zones", Ct))
        {
            ids.Add(s.Id);
        }

        Assert.Equal(9, ids.Count);
    }

    [Fact]
    public async Task streams_the_geometries_in_batches_of_the_size_asked_with_the_bytes_and_order_of_the_geometry_stream()
    {
        // After two amendments the layer has ten features; batch sizes that divide it, do not, and exceed it.
        await using var store = await SeededAsync();
        await store.ApplyChangesAsync(Changes(1, new DateOnly(2026, 3, 1), Replace("r1c1", "POLYGON ((116 39, 116.5 39, 116.5 39.5, 116 39.5, 116 39))")), Ct);
        await store.ApplyChangesAsync(Changes(2, new DateOnly(2026, 4, 1),
            Replace("r0c0", "POLYGON ((115 38, 115.5 38, 115.5 38.5, 115 38.5, 115 38))"), Add("x9", "POLYGON ((118 40, 118.5 40, 118.5 40.5, 118 40.5, 118 40))")), Ct);
        var expected = new List<byte[]>();
        await foreach (var s in store.StreamGeometriesAsync("p@3", "zones", Ct))
        {
            expected.Add(s.Wkb!);
        }

        Assert.Equal(10, expected.Count);
        foreach (var size in new[] { 1, 3, 5, 10, 11 })
        {
            var sizes = new List<int>();
            var got = new List<byte[]>();
            await foreach (var batch in store.StreamGeometryBatchesAsync("p@3", "zones", size, Ct))
            {
                using (batch)
                {
                    sizes.Add(batch.Count);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        got.Add(batch[i].ToArray());
                    }
                }
            }

            Assert.Equal(Enumerable.Range(0, (10 + size - 1) / size).Select(b => Math.Min(size, 10 - (b * size))), sizes);
            Assert.Equal(expected, got);
        }

        // The version before the second amendment still has the first r0c0 and no x9.
        var before = new List<byte[]>();
        await foreach (var batch in store.StreamGeometryBatchesAsync("p@2", "zones", 4, Ct))
        {
            using (batch)
            {
                before.AddRange(Enumerable.Range(0, batch.Count).Select(i => batch[i].ToArray()));
            }
        }

        Assert.Equal(9, before.Count);
        Assert.Equal(1.0, new WKBReader().Read(before[0]).Area, 1e-12);
    }

    [Fact]
    public async Task a_batch_stream_gives_an_empty_span_for_no_geometry_nothing_for_an_unknown_version_or_layer_and_stops_when_cancelled()
    {
        await using var store = await SeededAsync();
        var notes = new List<int>();
        await foreach (var batch in store.StreamGeometryBatchesAsync("p@1", "notes", 8, Ct))
        {
            using (batch)
            {
                notes.AddRange(Enumerable.Range(0, batch.Count).Select(i => batch[i].Length));
            }
        }

        Assert.Equal([0], notes);
        foreach (var (version, layer) in new[] { ("p@9", "zones"), ("p@1", "nope") })
        {
            await foreach (var batch in store.StreamGeometryBatchesAsync(version, layer, 8, Ct))
            {
                Assert.Fail($"{version}/{layer} streamed a batch of {batch.Count}");
            }
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var batch in store.StreamGeometryBatchesAsync("p@1", "zones", 0, Ct))
            {
                Assert.Fail($"a batch size of 0 gave a batch of {batch.Count}");
            }
        });

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in store.StreamGeometryBatchesAsync("p@1", "zones", 2, cancelled.Token))
            {
                Assert.Fail($"a cancelled stream gave a batch of {batch.Count}");
            }
        });
    }
}
