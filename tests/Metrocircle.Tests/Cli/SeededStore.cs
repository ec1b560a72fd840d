namespace Metrocircle.Tests.Cli;

/// <summary>A store seeded once with the default dataset, for the verbs that analyse the plan in force.</summary>
public sealed class SeededStore : IAsyncLifetime
{
    public StoreFixture Files { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var (code, _, error) = await Files.RunAsync("seed", "--store", Files.Store, "--dataset", Metrocircle.Testing.TestPaths.Dataset());
        Assert.True(code == 0, error);
    }

    public ValueTask DisposeAsync()
    {
        Files.Dispose();
        return ValueTask.CompletedTask;
    }
}
