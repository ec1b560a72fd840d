using Metrocircle.Core.Audit;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Dataset;

/// <summary>Builds a data folder and publishes it as the first version of its plan.</summary>
public static class Seeder
{
    /// <summary>Seeds the store unless it already holds a plan; returns the build when it seeded.</summary>
    public static async Task<DatasetBuild?> SeedIfEmptyAsync(IPlanStore store, string datasetFolder, CancellationToken ct, string actor = "system")
    {
        if (await store.GetCurrentVersionAsync(ct) is not null)
        {
            return null;
        }

        try
        {
            return await SeedAsync(store, datasetFolder, ct, actor, reseed: false);
        }
        catch (StoreException)
        {
            // Another instance on the same store seeded it while this one was building: its version stands, whole
            // (a publish is one transaction), and this one serves it. Any other failure is this one's to report.
            if (await store.GetCurrentVersionAsync(ct) is not null)
            {
                return null;
            }

            throw;
        }
    }

    /// <param name="reseed">
    /// Whether a store that already holds the plan gets the dataset as a new version (the <c>seed --force</c> path); without
    /// it the publish is of the first version only and fails if another writer published one meanwhile.
    /// </param>
    public static async Task<DatasetBuild> SeedAsync(IPlanStore store, string datasetFolder, CancellationToken ct, string actor = "system", bool reseed = true)
    {
        var build = await DatasetBuilder.BuildAsync(datasetFolder, ct);
        var version = build.Version;
        if (reseed && await store.GetCurrentVersionAsync(ct) is { } current && current.PlanId == build.Plan.Id)
        {
            version = version with
            {
                Id = $"{version.Id}+{current.Sequence + 1}",
                Sequence = current.Sequence + 1,
                Label = $"{version.Label} (re-seeded)",
            };
        }

        await store.PublishAsync(build.Plan, version, build.Layers, build.Features, build.Report, new AuditRecord(actor, "plan.published", version.Id,
            System.Text.Json.JsonSerializer.Serialize(new
            {
                plan = build.Plan.Id,
                dataset = Path.GetFileName(Path.GetFullPath(datasetFolder).TrimEnd(Path.DirectorySeparatorChar)),
                layers = build.Layers.Count,
                features = build.Features.Count,
            })), ct);

        // Shipped observations follow the version they are checked against (a separate step from publishing).
        await ObservationSeed.ApplyAsync(store, version, build.ObservationFiles ?? [], actor, ct);
        await Mismatch.CommuteSeed.ApplyAsync(store, version, build.CommutingFiles ?? [], actor, ct);
        return build with { Version = version };
    }

    /// <summary>
    /// Finds a dataset folder: an explicit path, else <c>data/ID/dataset.json</c> in the working directory or a parent,
    /// else next to the program.
    /// </summary>
    public static string? Locate(string? explicitPath, string datasetId)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(Path.Combine(explicitPath, "dataset.json")) ? Path.GetFullPath(explicitPath) : null;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", datasetId);
                if (File.Exists(Path.Combine(candidate, "dataset.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
