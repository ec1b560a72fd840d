using Metrocircle.Core.Dataset;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary>Two instances starting on one empty store: both find it empty and build the dataset, one publishes, the other serves that version instead of failing.</summary>
public sealed class ConcurrentSeedTests
{
    [Fact]
    public async Task two_instances_seeding_an_empty_store_at_once_leave_one_version_and_neither_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var files = new StoreFixture();
        await using var a = new SqlitePlanStore(files.StorePath);
        await using var b = new SqlitePlanStore(files.StorePath);
        await a.MigrateAsync(ct);
        await b.MigrateAsync(ct);

        var builds = await Task.WhenAll(
            Task.Run(() => Seeder.SeedIfEmptyAsync(a, Metrocircle.Testing.TestPaths.Dataset(), ct), ct),
            Task.Run(() => Seeder.SeedIfEmptyAsync(b, Metrocircle.Testing.TestPaths.Dataset(), ct), ct));

        Assert.Single(builds, build => build is not null);
        var current = await a.GetCurrentVersionAsync(ct);
        Assert.Single(await a.GetVersionsAsync(current!.PlanId, ct));
        var published = 0;
        await foreach (var entry in ((IAuditLog)a).ReadAuditAsync(ct))
        {
            published += entry.Action == "plan.published" ? 1 : 0;
        }

        Assert.Equal(1, published);
    }
}
