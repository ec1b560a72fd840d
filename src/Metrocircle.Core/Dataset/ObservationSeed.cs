using System.Text.Json.Nodes;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Dataset;

/// <summary>What loading a data folder's observations did: rows read, rows new to the store, rows it already held.</summary>
public sealed record ObservationSeedResult(int Rows, int Added, int Kept);

/// <summary>
/// Loads the observations a data folder ships (dataset.json <c>observations</c>) into a store after its plan version
/// is published. Every file goes through the checks of <c>metrocircle indicators import</c> against the catalogue of
/// that version; one bad row stops the seed with the file and line, because shipped data that does not validate is a
/// defect of the dataset, not something to skip quietly.
/// </summary>
public static class ObservationSeed
{
    /// <summary>
    /// Validates every file, then adds the (indicator, scope, year) the store does not hold yet. A figure already
    /// stored is kept: it may be a correction imported since, and a re-seed must neither duplicate nor undo it.
    /// </summary>
    public static async Task<ObservationSeedResult> ApplyAsync(
        IPlanStore store, PlanVersion version, IReadOnlyList<string> files, string actor, CancellationToken ct)
    {
        if (files.Count == 0)
        {
            return new ObservationSeedResult(0, 0, 0);
        }

        var rows = await ValidateAsync(store, version, files, ct);
        if (store is not IObservationStore observations)
        {
            return new ObservationSeedResult(rows.Count, 0, 0);
        }

        var stored = (await observations.GetObservationsAsync(null, ct)).Select(o => (o.IndicatorId, o.Scope, o.Year)).ToHashSet();
        var missing = rows.Where(o => !stored.Contains((o.IndicatorId, o.Scope, o.Year))).ToList();
        if (missing.Count > 0)
        {
            var result = await observations.ImportObservationsAsync(missing, ct);
            if (store is IAuditLog log)
            {
                await log.AppendAuditAsync(actor, "observations.seeded", version.Id, new JsonObject
                {
                    ["files"] = new JsonArray([.. files.Select(f => (JsonNode)Path.GetFileName(f))]),
                    ["added"] = result.Added,
                    ["kept"] = rows.Count - missing.Count,
                }.ToJsonString(), ct);
            }
        }

        return new ObservationSeedResult(rows.Count, missing.Count, rows.Count - missing.Count);
    }

    /// <summary>Every row of every file, checked against the catalogue of <paramref name="version"/>; throws on any problem.</summary>
    public static async Task<IReadOnlyList<Observation>> ValidateAsync(IPlanStore store, PlanVersion version, IReadOnlyList<string> files, CancellationToken ct)
    {
        var catalogue = await PlanIndicators.LoadAsync(store, version, ct);
        var valid = new List<Observation>();
        var first = new Dictionary<(string, string, int), string>();
        foreach (var file in files)
        {
            IReadOnlyList<ObservationRow> rows;
            try
            {
                rows = await ObservationFile.ReadAsync(file, ct);
            }
            catch (ObservationFileException e)
            {
                throw new DatasetException($"{file}: {e.Message}", e);
            }

            var validation = ObservationValidator.Validate(rows, catalogue, DateTime.UtcNow.Year);
            if (!validation.Ok)
            {
                var lines = validation.Problems.Select(p => $"  line {p.Line}: {p.Message}");
                throw new DatasetException($"{file}: {validation.Problems.Count} of {rows.Count} observation rows are bad; the dataset cannot be seeded until they are fixed{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
            }

            foreach (var o in validation.Valid)
            {
                if (!first.TryAdd((o.IndicatorId, o.Scope, o.Year), Path.GetFileName(file)))
                {
                    throw new DatasetException($"{file}: {o.IndicatorId} for {o.Scope} in {o.Year} is also in {first[(o.IndicatorId, o.Scope, o.Year)]}; a year has one figure");
                }

                valid.Add(o);
            }
        }

        return valid;
    }
}
