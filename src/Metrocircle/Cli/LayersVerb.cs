using Spectre.Console;

namespace Metrocircle.Cli;

internal static class LayersVerb
{
    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, CancellationToken ct)
    {
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct)
            ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed`");
        var table = new Table().AddColumns("id", "kind", "geometry", "features", "certainty", "title");
        table.Title = new TableTitle($"plan version {version.Id}");
        foreach (var layer in await store.GetLayersAsync(version.Id, ct))
        {
            var stats = await store.GetLayerStatsAsync(version.Id, layer.Id, ct);
            table.AddRow(
                Markup.Escape(layer.Id),
                Markup.Escape(layer.Kind),
                layer.Geometry.ToString(),
                stats.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                stats.Weakest is { } w ? Core.Model.Provenance.ToText(w) : "-",
                Markup.Escape($"{layer.TitleZh} {layer.TitleEn}"));
        }

        console.Write(table);
        return 0;
    }
}
