using Metrocircle.Core.Access;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Storage;
using Metrocircle.Web;
using Metrocircle.Web.Features.Collections;
using Metrocircle.Web.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Metrocircle.Cli;

internal static class ServeVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var urls = (args.Option("urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://127.0.0.1:5000")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var store = StoreOptions.Open(args);
        var datasetOption = args.Option("dataset");
        var demo = args.Flag("demo");
        args.RejectUnknown();
        var security = SecuritySettings.FromEnvironment(Environment.GetEnvironmentVariable);
        var paging = ItemsPaging.FromEnvironment(Environment.GetEnvironmentVariable);
        await output.WriteLineAsync($"store: {store.Description}");
        await store.MigrateAsync(ct);
        if (await store.GetCurrentVersionAsync(ct) is null)
        {
            var folder = StoreOptions.DatasetFolder(datasetOption);
            await output.WriteLineAsync($"the store is empty: seeding it from {folder} ...");
            var build = await Seeder.SeedIfEmptyAsync(store, folder, ct);
            await output.WriteLineAsync(build is null ? "another instance seeded the store first; serving its version" : build.Report.ToText());
        }

        if (await Bootstrap.EnsureAdministratorAsync(store, TimeProvider.System, ct) is { } password)
        {
            await output.WriteLineAsync($"""

                No account existed, so one administrator was created:
                  user name: {Bootstrap.AdministratorName}
                  one-time password: {password}
                This password is shown only now and works for {security.OneTimePasswordLifetime.TotalHours:0} hours ({SecuritySettings.OneTimePasswordHoursVariable});
                after that, `metrocircle users reset-password {Bootstrap.AdministratorName}` issues a new one.
                Sign in with it and choose a new one (the web page asks; or POST /auth/password).
                Add more accounts with `metrocircle users add` or as the administrator on the web page.

                """);
        }

        if (demo)
        {
            await DemoData.RunAsync(store, output, ct);
        }

        await using var app = MetrocircleWebApp.Build(store, new WebHostSettings(urls, Security: security, Paging: paging));
        await app.StartAsync(ct);
        await output.WriteLineAsync($"Metrocircle is serving on {string.Join(", ", urls)} (Ctrl-C stops it)");
        await app.WaitForShutdownAsync(ct);
        await store.DisposeAsync();
        return 0;
    }
}
