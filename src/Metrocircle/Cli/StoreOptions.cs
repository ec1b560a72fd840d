using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Relational;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Cli;

/// <summary>
/// Turns <c>--store</c> (or METROCIRCLE_STORE) into a store: <c>sqlite:PATH</c>, or <c>postgresql://</c> for PostGIS
/// shared by several instances; the embedded default lives in ./metrocircle-data.
/// </summary>
internal static class StoreOptions
{
    /// <summary>Who the audit log records for work done from the command line.</summary>
    public static string Actor => $"cli:{Environment.UserName}";

    public const string DefaultPath = "metrocircle-data/metrocircle.sqlite";

    public static RelationalStore Open(CliArguments args)
    {
        var spec = args.Option("store") ?? Environment.GetEnvironmentVariable("METROCIRCLE_STORE");
        if (string.IsNullOrWhiteSpace(spec))
        {
            return new SqlitePlanStore(DefaultPath, MapMegabytes(), BoxIndexRows(), EdgeCacheMegabytes(SqlitePlanStore.EdgeCacheVariable));
        }

        if (spec.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = spec["sqlite:".Length..];
            return path.Length == 0 ? throw new UsageException("--store sqlite:PATH needs a path") : new SqlitePlanStore(path, MapMegabytes(), BoxIndexRows(), EdgeCacheMegabytes(SqlitePlanStore.EdgeCacheVariable));
        }

        if (spec.StartsWith("postgresql://", StringComparison.Ordinal) || spec.StartsWith("postgres://", StringComparison.Ordinal))
        {
            try
            {
                return new PostgresPlanStore(spec, PostgresBoxIndexRows(), EdgeCacheMegabytes(PostgresPlanStore.EdgeCacheVariable));
            }
            catch (StoreException e)
            {
                throw new UsageException($"--store: {e.Message}");
            }
        }

        throw new UsageException($"--store \"{spec}\" is not understood; use sqlite:PATH or postgresql://user:password@host:port/database");
    }

    public static string DatasetFolder(string? option, string datasetId = "capital-circle")
    {
        var explicitPath = option ?? Environment.GetEnvironmentVariable("METROCIRCLE_DATASET");
        return Core.Dataset.Seeder.Locate(explicitPath, datasetId)
            ?? throw new UsageException(explicitPath is null
                ? $"cannot find the dataset folder data/{datasetId} (with dataset.json) here or in a parent folder; pass --dataset PATH"
                : $"--dataset {explicitPath}: no dataset.json there");
    }

    /// <summary>METROCIRCLE_SQLITE_MMAP_MB, or the store's default when it is unset; a malformed value stops with a message naming it.</summary>
    private static int MapMegabytes() => Setting(SqlitePlanStore.MapVariable, 0, SqlitePlanStore.MaxMapMegabytes) ?? SqlitePlanStore.DefaultMapMegabytes;

    /// <summary>METROCIRCLE_SQLITE_BOX_INDEX_ROWS (2147483647 turns the in-memory box indexes off), or the store's default.</summary>
    private static int BoxIndexRows() => Setting(SqlitePlanStore.BoxIndexVariable, 0, int.MaxValue) ?? SqlitePlanStore.DefaultBoxIndexRows;

    /// <summary>METROCIRCLE_POSTGRES_BOX_INDEX_ROWS (2147483647 turns the in-memory box indexes off), or the store's default.</summary>
    private static int PostgresBoxIndexRows() => Setting(PostgresPlanStore.BoxIndexVariable, 0, int.MaxValue) ?? PostgresPlanStore.DefaultBoxIndexRows;

    /// <summary>METROCIRCLE_SQLITE_EDGE_CACHE_MB or METROCIRCLE_POSTGRES_EDGE_CACHE_MB (0 turns the cache of edge candidates' WKB off), or the stores' default.</summary>
    private static int EdgeCacheMegabytes(string variable) => Setting(variable, 0, 1 << 20) ?? RelationalStore.DefaultEdgeCacheMegabytes;

    private static int? Setting(string name, int min, int max)
    {
        try
        {
            return Core.EnvironmentNumbers.Whole(Environment.GetEnvironmentVariable, name, min, max);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
