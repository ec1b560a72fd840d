using Metrocircle.Core.Dataset;
using Spectre.Console;

namespace Metrocircle.Cli;

internal static class SeedVerb
{
    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        await using var store = StoreOptions.Open(args);
        var folder = StoreOptions.DatasetFolder(args.Option("dataset"));
        var force = args.Flag("force");
        var demo = args.Flag("demo");
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        if (!force && await store.GetCurrentVersionAsync(ct) is { } current)
        {
            console.MarkupLineInterpolated($"{store.Description} already holds plan version [bold]{current.Id}[/]; use --force to publish the dataset again as a new version.");
            if (demo)
            {
                await DemoData.RunAsync(store, output, ct);
            }

            return 0;
        }

        var build = await Seeder.SeedAsync(store, folder, ct, StoreOptions.Actor);
        console.MarkupLineInterpolated($"Seeded [bold]{build.Plan.TitleEn}[/] as version [bold]{build.Version.Id}[/] into {store.Description}");
        await output.WriteAsync(build.Report.ToText());
        if (demo)
        {
            await DemoData.RunAsync(store, output, ct);
        }

        return 0;
    }
}
