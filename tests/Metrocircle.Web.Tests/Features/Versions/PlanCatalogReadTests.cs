using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;
using Metrocircle.Web.Plan;
using NetTopologySuite.IO;

namespace Metrocircle.Web.Tests.Features.Versions;

/// <summary>
/// Issue 15 (ten million parcels): reading a version's view counts and measures every layer, which on a layer of ten
/// million rows takes long enough for clients to give up. Their giving up cancelled the read itself, and every request
/// started it again, so the server never answered (0 items/s at 10M). The read is now shared and not cancelled with a
/// request. The store is real (SQLite) behind a proxy that holds the statistics read until the test lets it go.
/// </summary>
public sealed class PlanCatalogReadTests
{
    [Fact]
    public async Task a_request_that_gives_up_does_not_cancel_the_read_the_next_request_waits_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), $"mc-catalog-{Guid.NewGuid():N}");
        await using var store = new SqlitePlanStore(Path.Combine(folder, "store.sqlite"));
        try
        {
            await store.MigrateAsync(ct);
            var zones = new PlanLayer("zones", LayerKinds.Control, "区", "Zones", "zones", LayerGeometry.Polygon, 1, []);
            await store.PublishAsync(new Core.Model.Plan("p", "规划", "Plan", "catalog"), new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UtcNow),
                [zones], [new PlanFeature("zones", "a", new WKTReader().Read("POLYGON ((116.2 40.2, 116.5 40.2, 116.5 40.5, 116.2 40.5, 116.2 40.2))"), [],
                    new Provenance("test", Certainty.Synthetic))], new ImportReport("v1"), ct);

            var gated = DispatchProxy.Create<IPlanStore, GatedStatsStore>();
            var proxy = (GatedStatsStore)(object)gated;
            proxy.Inner = store;
            var catalog = new PlanCatalog(gated, TimeProvider.System);

            using (var givesUp = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var first = catalog.GetAsync(givesUp.Token);
                await proxy.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                await givesUp.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            }

            var second = catalog.GetAsync(ct);
            proxy.Gate.SetResult();
            var view = await second;

            Assert.NotNull(view);
            Assert.Equal("p@1", view.Version.Id);
            Assert.Equal(1, view.Stats["zones"].Count);
            Assert.Equal(1, proxy.StatsReads);   // the read the first request started, finished for the second
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind does no harm.
            }
        }
    }

    /// <summary>
    /// The real store, except that a version's statistics read waits for <see cref="Gate"/> (honouring the token it is
    /// given, as a real query does). Not sealed: DispatchProxy derives a class from it.
    /// </summary>
    public class GatedStatsStore : DispatchProxy
    {
        private int _statsReads;

        public IPlanStore Inner { get; set; } = null!;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int StatsReads => Volatile.Read(ref _statsReads);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IPlanStore.GetLayerStatsAsync) && args is [PlanVersion version, CancellationToken token])
            {
                Interlocked.Increment(ref _statsReads);
                Asked.TrySetResult();
                return HeldAsync(version, token);
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }

        private async Task<IReadOnlyDictionary<string, LayerStats>> HeldAsync(PlanVersion version, CancellationToken ct)
        {
            await Gate.Task.WaitAsync(ct);
            return await Inner.GetLayerStatsAsync(version, ct);
        }
    }
}
