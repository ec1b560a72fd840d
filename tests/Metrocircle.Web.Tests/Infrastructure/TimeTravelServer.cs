namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>
/// A server of its own for tests that move the clock (deadlines, token expiry): moving the shared server's clock
/// would expire the sessions of every test running beside them.
/// </summary>
public sealed class TimeTravelServer : IAsyncLifetime
{
    public SeededServer Server { get; } = new();

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
