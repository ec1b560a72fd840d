using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Features.Collections;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle stats LAYER --by GROUPLAYER [--json] [--version ID | --as-of DATE]</c>: the layer's equal-area area
/// and feature count per feature of a polygon layer (farmland by county), as <c>GET /collections/{id}/stats</c> answers.
/// </summary>
internal static class StatsVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("stats needs exactly one LAYER, for example `metrocircle stats permanent-farmland --by counties`");
        }

        var layerId = args.Positional[0];
        var by = args.Option("by");
        if (string.IsNullOrWhiteSpace(by))
        {
            throw new UsageException("stats needs --by GROUPLAYER, a polygon layer such as counties");
        }

        var json = args.Flag("json");
        var versionId = args.Option("version");
        var asOf = args.Option("as-of");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await VersionsVerb.SelectAsync(store, versionId, asOf, ct);
        if (AreaByGroup.Problem(version.Id, await store.GetLayersAsync(version.Id, ct), layerId, by) is { } problem)
        {
            throw new CommandException(problem);
        }

        AreaByGroupResult result;
        try
        {
            result = await AreaByGroup.ComputeAsync(store, version, layerId, by, ct);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandException(e.Message);
        }

        var document = GroupStatsDocument.Of(layerId, by, version.Id, result);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(document, Json));
            return 0;
        }

        var table = new Table().AddColumns("group", "area (m²)", "area (ha)", "features");
        table.Title = new TableTitle(Markup.Escape($"{layerId} by {by}, plan version {version.Id} (point on surface; equal-area projection)"));
        foreach (var g in result.Groups)
        {
            table.AddRow(Markup.Escape(g.Id), Number(g.AreaM2, "F1"), Number(g.AreaM2 / 10_000, "F2"), g.Count.ToString(CultureInfo.InvariantCulture));
        }

        table.AddRow("(in no group)", Number(result.UnassignedAreaM2, "F1"), Number(result.UnassignedAreaM2 / 10_000, "F2"), result.UnassignedCount.ToString(CultureInfo.InvariantCulture));
        console.Write(table);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{result.Features} features of {layerId}, {result.Groups.Count} groups of {by}"));
        return 0;
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
