using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web.Plan;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Checks;

/// <summary>
/// Issue 15, item 6: a plan of ten million parcels takes minutes to build its analysis snapshot, so checks of the plan
/// in force do not wait for a just-published version's: after <see cref="SnapshotCache.InForceWait"/> the previous
/// version answers (and says so in planVersion) while the new one builds in the background. Named versions stay exact.
/// </summary>
public sealed class SnapshotInForceTests
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new NetTopologySuite.Geometries.PrecisionModel(), 4326));
    private static readonly Core.Model.Plan Plan = new("p", "规划", "Plan", "snapshot in force");
    private static readonly PlanLayer Settings = new(PlanSettings.LayerId, LayerKinds.Record, "设置", "Settings", "", LayerGeometry.None, 0, []);
    private static readonly PlanLayer Zones = new("zones", LayerKinds.Control, "区", "Zones", "zones", LayerGeometry.Polygon, 1,
        [new AttributeDefinition("name", AttributeType.String, Required: true)]);

    private static PlanFeature Zone(string id, string wkt) =>
        new("zones", id, Wkt.Read(wkt), new JsonObject { ["name"] = id }, new Provenance("test", Certainty.Synthetic));

    private static async IAsyncEnumerable<PlanFeature> Stream(IEnumerable<PlanFeature> features, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var f in features)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return f;
        }
    }

    private static async Task<(SqlitePlanStore Store, PlanCatalog Catalog, string Folder)> PlanOfOneVersion(CancellationToken ct, IPlanStore? readThrough = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mc-snapshot-{Guid.NewGuid():N}");
        var store = new SqlitePlanStore(Path.Combine(folder, "store.sqlite"));
        await store.MigrateAsync(ct);
        await store.PublishAsync(Plan, new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow), [Settings, Zones],
            [PlanSettings.ToFeature(new Core.Spatial.EqualAreaProjection(38.5, 116.5, 36.5, 41.5), 1.0),
             Zone("a", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))")], new ImportReport("v1"), ct);
        return (store, new PlanCatalog(readThrough ?? store, TimeProvider.System), folder);
    }

    private static async Task PublishSecondVersion(SqlitePlanStore store, PlanCatalog catalog, CancellationToken ct)
    {
        await store.ReplaceLayerAsync("p", Zones, Stream([
            Zone("a", "POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))"),
            Zone("b", "POLYGON ((115.5 40.6, 115.7 40.6, 115.7 40.8, 115.5 40.8, 115.5 40.6))")], ct), new ImportReport("v2"), null, ct);
        catalog.Invalidate();
    }

    [Fact]
    public async Task with_no_wait_the_previous_version_answers_while_the_new_one_builds_then_the_new_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var gated = GatedStore.Create();
        var (store, catalog, folder) = await PlanOfOneVersion(ct, gated.Proxy);
        gated.Inner = store;
        try
        {
            var cache = new SnapshotCache(catalog, TimeSpan.Zero);
            var v1 = await cache.GetInForceAsync((await catalog.GetAsync(ct))!, ct);
            Assert.Equal(1, v1.Version.Sequence);

            await PublishSecondVersion(store, catalog, ct);
            var view2 = (await catalog.GetAsync(ct))!;
            Assert.Equal(2, view2.Version.Sequence);

            // Not built yet and no time to wait: the version before answers, and the new one is being built. The new
            // version's features are held back until then, so a tiny plan's build cannot finish before the answer.
            gated.Hold(view2.Version.Id);
            // (A hang guard, not a timing assertion: were the request to wait for the held build, it would never end.)
            var during = await cache.GetInForceAsync(view2, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
            Assert.Same(v1, during);
            Assert.False(cache.IsBuiltFor(view2.Version.Id));
            gated.Release();

            // The background build finishes without any request waiting for it; then the new version answers.
            for (var i = 0; i < 600 && !cache.IsBuiltFor(view2.Version.Id); i++)
            {
                await Task.Delay(50, ct);
            }

            Assert.True(cache.IsBuiltFor(view2.Version.Id), "the new version's snapshot was not built in the background");
            var after = await cache.GetInForceAsync(view2, ct);
            Assert.Equal(2, after.Version.Sequence);
            Assert.Equal(2, Assert.Single(after.Layers, l => l.Layer.Id == "zones").Features.Count);

            // A request that names the version is never answered from another one.
            Assert.Same(after, await cache.GetAsync(view2, ct));
        }
        finally
        {
            await store.DisposeAsync();
            Cleanup(folder);
        }
    }

    [Fact]
    public async Task with_time_to_wait_the_new_version_answers_and_a_first_build_is_always_waited_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var (store, catalog, folder) = await PlanOfOneVersion(ct);
        try
        {
            var cache = new SnapshotCache(catalog, TimeSpan.FromMinutes(10));

            // Nothing built yet: there is no previous version to answer, so the request waits for the build.
            Assert.Equal(1, (await cache.GetInForceAsync((await catalog.GetAsync(ct))!, ct)).Version.Sequence);

            await PublishSecondVersion(store, catalog, ct);
            var fresh = await cache.GetInForceAsync((await catalog.GetAsync(ct))!, ct);
            Assert.Equal(2, fresh.Version.Sequence);
        }
        finally
        {
            await store.DisposeAsync();
            Cleanup(folder);
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("3601")]
    public void a_malformed_wait_setting_is_refused_with_its_name(string text)
    {
        var e = Assert.Throws<FormatException>(() => SnapshotCache.InForceWaitFromEnvironment(name => name == SnapshotCache.InForceWaitVariable ? text : null));
        Assert.Contains(SnapshotCache.InForceWaitVariable, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void the_wait_setting_is_read_in_whole_seconds_and_defaults_when_unset()
    {
        Assert.Equal(TimeSpan.FromSeconds(42), SnapshotCache.InForceWaitFromEnvironment(name => name == SnapshotCache.InForceWaitVariable ? "42" : null));
        Assert.Null(SnapshotCache.InForceWaitFromEnvironment(_ => null));
        Assert.Equal(SnapshotCache.DefaultInForceWait, new SnapshotCache(null!).InForceWait);
    }

    /// <summary>
    /// A store that reads through to a real one, except that streaming the features of a held version waits until
    /// released: the background build of that version is then certainly still running when the test looks.
    /// </summary>
    public class GatedStore : DispatchProxy
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _held;

        public IPlanStore Inner { get; set; } = null!;

        public IPlanStore Proxy { get; private set; } = null!;

        public static GatedStore Create()
        {
            var proxy = DispatchProxy.Create<IPlanStore, GatedStore>();
            var gate = (GatedStore)(object)proxy;
            gate.Proxy = proxy;
            return gate;
        }

        public void Hold(string versionId) => _held = versionId;

        public void Release() => _released.TrySetResult();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            try
            {
                var result = targetMethod.Invoke(Inner, args);
                return targetMethod.Name == nameof(IPlanStore.StreamFeaturesAsync) && args is [string versionId, ..] && versionId == _held
                    ? AfterRelease((IAsyncEnumerable<PlanFeature>)result!)
                    : result;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }

        private async IAsyncEnumerable<PlanFeature> AfterRelease(IAsyncEnumerable<PlanFeature> features, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await _released.Task.WaitAsync(ct);
            await foreach (var f in features.WithCancellation(ct))
            {
                yield return f;
            }
        }
    }

    private static void Cleanup(string folder)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind does no harm.
        }
    }
}
