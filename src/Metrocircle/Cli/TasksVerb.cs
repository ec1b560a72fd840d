using Spectre.Console;

namespace Metrocircle.Cli;

internal static class TasksVerb
{
    public static Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct) =>
        throw new UsageException("'tasks' is not available yet");
}
