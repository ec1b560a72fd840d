using Spectre.Console;

namespace Metrocircle.Cli;

internal static class UsersVerb
{
    public static Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct) =>
        throw new UsageException("'users' is not available yet");
}
