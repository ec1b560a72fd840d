using System.Text.Json.Nodes;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Mismatch;

/// <summary>
/// Loads the commuting files a data folder ships (dataset.json <c>commuting</c>) after its observations, through the
/// checks of an OD import against the counties of the new version; a bad shipped row stops the seed. Flows the store
/// already holds are kept (they may be corrections imported since).
/// </summary>
public static class CommuteSeed
{
    public static async Task<int> ApplyAsync(IPlanStore store, PlanVersion version, IReadOnlyList<string> files, string actor, CancellationToken ct)
    {
        if (files.Count == 0 || store is not ICommuteStore commuting)
        {
            return 0;
        }

        var index = await JurisdictionIndex.LoadAsync(store, version.Id, await store.GetLayersAsync(version, ct), ct);
        var counties = index.IdsOf(PlanIndicators.ScopeLayers["county"]).ToHashSet(StringComparer.Ordinal);
        var valid = new List<CommuteFlow>();
        foreach (var file in files)
        {
            IReadOnlyList<CommuteRow> rows;
            try
            {
                rows = await CommuteFile.ReadAsync(file, ct);
            }
            catch (ObservationFileException e)
            {
                throw new DatasetException($"{file}: {e.Message}", e);
            }

            var validation = CommuteValidator.Validate(rows, counties, index.Resolve, DateTime.UtcNow.Year);
            if (!validation.Ok)
            {
                throw new DatasetException($"{file}: {validation.Problems.Count} of {rows.Count} commuting rows are bad; the dataset cannot be seeded until they are fixed{Environment.NewLine}" +
                    string.Join(Environment.NewLine, validation.Problems.Take(20).Select(p => $"  line {p.Line}: {p.Message}")));
            }

            valid.AddRange(validation.Valid);
        }

        var stored = (await commuting.GetCommuteFlowsAsync(null, ct)).Select(f => (f.Origin, f.Destination, f.Year, f.Mode)).ToHashSet();
        var missing = valid.Where(f => !stored.Contains((f.Origin, f.Destination, f.Year, f.Mode))).ToList();
        if (missing.Count > 0)
        {
            await commuting.ImportCommuteFlowsAsync(missing, r => new Audit.AuditRecord(actor, "commuting.seeded", version.Id, new JsonObject
            {
                ["files"] = new JsonArray([.. files.Select(f => (JsonNode)Path.GetFileName(f))]),
                ["added"] = r.Added,
                ["kept"] = valid.Count - missing.Count,
            }.ToJsonString()), ct);
        }

        return missing.Count;
    }
}
