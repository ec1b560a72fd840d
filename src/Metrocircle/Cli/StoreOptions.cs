using Metrocircle.Core.Storage;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Cli;

/// <summary>Turns <c>--store</c> (or METROCIRCLE_STORE) into a store; the embedded default lives in ./metrocircle-data.</summary>
internal static class StoreOptions
{
    public const string DefaultPath = "metrocircle-data/metrocircle.sqlite";

    public static IPlanStore Open(CliArguments args)
    {
        var spec = args.Option("store") ?? Environment.GetEnvironmentVariable("METROCIRCLE_STORE");
        if (string.IsNullOrWhiteSpace(spec))
        {
            return new SqlitePlanStore(DefaultPath);
        }

        if (spec.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = spec["sqlite:".Length..];
            return path.Length == 0 ? throw new UsageException("--store sqlite:PATH needs a path") : new SqlitePlanStore(path);
        }

        if (spec.StartsWith("postgresql://", StringComparison.Ordinal) || spec.StartsWith("postgres://", StringComparison.Ordinal))
        {
            throw new UsageException("the PostgreSQL store is not part of this build yet; use --store sqlite:PATH");
        }

        throw new UsageException($"--store \"{spec}\" is not understood; use sqlite:PATH");
    }

    public static string DatasetFolder(string? option, string datasetId = "capital-circle")
    {
        var explicitPath = option ?? Environment.GetEnvironmentVariable("METROCIRCLE_DATASET");
        return Core.Dataset.Seeder.Locate(explicitPath, datasetId)
            ?? throw new UsageException(explicitPath is null
                ? $"cannot find the dataset folder data/{datasetId} (with dataset.json) here or in a parent folder; pass --dataset PATH"
                : $"--dataset {explicitPath}: no dataset.json there");
    }
}
