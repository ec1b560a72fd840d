using Metrocircle.Core.Storage;
using Npgsql;

namespace Metrocircle.Storage.Postgres;

/// <summary>
/// Brings a database to the newest schema. Several Metrocircle processes may start together on one database, so the
/// whole migration runs in one transaction under a transaction-level advisory lock: the others wait, then find
/// nothing left to do.
/// </summary>
internal static class PostgresSchema
{
    // "MCMIGR" and a 1; any fixed number works as long as every Metrocircle uses the same one.
    private const long MigrationLock = 0x4D43_4D49_4752_0001;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string description, string database, CancellationToken ct)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new StoreException($"cannot connect to the PostgreSQL store {description}: {e.Message}", e);
        }

        await using (connection)
        {
            try
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})", ct);
                await EnsurePostGisAsync(connection, tx, description, database, ct);
                await ExecuteAsync(connection, tx,
                    "CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL)", ct);
                // Every migration not recorded is applied, not only those above the highest (see the SQLite store).
                var applied = new HashSet<int>();
                await using (var read = new NpgsqlCommand("SELECT version FROM schema_migration", connection, tx))
                await using (var rows = await read.ExecuteReaderAsync(ct))
                {
                    while (await rows.ReadAsync(ct))
                    {
                        applied.Add(rows.GetInt32(0));
                    }
                }

                var current = applied.Count == 0 ? 0 : applied.Max();
                var newest = PostgresMigrations.All[^1].Version;
                if (current > newest)
                {
                    throw new StoreException($"the PostgreSQL store {description} has schema version {current}, newer than this program's {newest}; upgrade Metrocircle");
                }

                foreach (var (version, text, sql) in PostgresMigrations.All.Where(m => !applied.Contains(m.Version)))
                {
                    await ExecuteAsync(connection, tx, sql, ct);
                    await using var insert = new NpgsqlCommand("INSERT INTO schema_migration (version, description, applied_at) VALUES (@v, @d, now())", connection, tx);
                    insert.Parameters.AddWithValue("v", version);
                    insert.Parameters.AddWithValue("d", text);
                    await insert.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new StoreException($"migrating the PostgreSQL store {description} failed: {e.MessageText}; the user needs to be allowed to create tables "
                    + $"in database {database} (for example GRANT CREATE ON SCHEMA public), or an administrator must run the migration", e);
            }
            catch (NpgsqlException e)
            {
                throw new StoreException($"migrating the PostgreSQL store {description} failed: {e.Message}", e);
            }
        }

        // Types are read when a physical connection opens; pooled connections opened before PostGIS existed (here or in
        // another process that won the lock) would not know geometry.
        await dataSource.ReloadTypesAsync(ct);
    }

    private static async Task EnsurePostGisAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string description, string database, CancellationToken ct)
    {
        if (await ScalarAsync<bool>(connection, tx, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')", ct))
        {
            return;
        }

        try
        {
            await ExecuteAsync(connection, tx, "CREATE EXTENSION IF NOT EXISTS postgis", ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new StoreException($"the PostgreSQL store {description} needs the PostGIS extension, and this user may not create it: "
                + $"ask an administrator to run CREATE EXTENSION postgis in database {database}", e);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedFile or PostgresErrorCodes.FeatureNotSupported)
        {
            throw new StoreException($"the PostgreSQL server of {description} has no PostGIS to install ({e.MessageText}); "
                + "install it on the server (Debian: postgresql-15-postgis-3 or the package for your version)", e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        // Waiting for another process's migration is expected; the caller's token bounds it, not a command timeout.
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
