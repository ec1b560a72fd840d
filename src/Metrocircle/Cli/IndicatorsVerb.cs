using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Storage;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle indicators import FILE</c>: validates every row of a CSV or JSON observation file against the
/// catalogue of the plan version in force and imports the file whole, or, if any row is bad, not at all.
/// </summary>
internal static class IndicatorsVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 2 || args.Positional[0] != "import")
        {
            throw new UsageException("indicators needs: import FILE");
        }

        var file = args.Positional[1];
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var observations = store;
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; run `metrocircle seed` first");
        IReadOnlyList<ObservationRow> rows;
        try
        {
            rows = await ObservationFile.ReadAsync(file, ct);
        }
        catch (ObservationFileException e)
        {
            throw new CommandException($"{file}: {e.Message}; nothing was imported");
        }

        var catalogue = await PlanIndicators.LoadAsync(store, version, ct);
        var validation = ObservationValidator.Validate(rows, catalogue, DateTime.UtcNow.Year);
        if (!validation.Ok)
        {
            var lines = validation.Problems.Select(p => $"  line {p.Line}: {p.Message}");
            throw new CommandException($"{file}: {validation.Problems.Count} of {rows.Count} rows are bad; nothing was imported{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
        }

        var result = await observations.ImportObservationsAsync(validation.Valid, imported => new AuditRecord(StoreOptions.Actor, "observations.imported", version.Id, new JsonObject
        {
            ["file"] = Path.GetFileName(file),
            ["added"] = imported.Added,
            ["replaced"] = imported.Replaced.Count,
        }.ToJsonString()), ct);
        await output.WriteLineAsync($"imported {validation.Valid.Count} observations from {file} against plan version {version.Id}: {result.Added} added, {result.Replaced.Count} replaced");
        var byKey = validation.Valid.ToDictionary(o => (o.IndicatorId, o.Scope, o.Year));
        foreach (var old in result.Replaced)
        {
            var now = byKey[(old.IndicatorId, old.Scope, old.Year)];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  replaced {old.IndicatorId} {old.Scope} {old.Year}: {old.Value} → {now.Value}"));
        }

        return 0;
    }
}
