using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Metrocircle.Testing;

/// <summary>
/// A throwaway PostgreSQL server started from the installed binaries: initdb into a temp folder, trust
/// authentication, listening on a free loopback port and on a socket in that folder; stopped and deleted on dispose.
/// initdb refuses to run as root, so as root the server runs as the <c>postgres</c> system user.
/// Each test gets its own database, so tests run in parallel.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string DebianPackage = "postgresql-15-postgis-3";

    private static readonly string BinDirectory = Environment.GetEnvironmentVariable("METROCIRCLE_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private const string TemplateDatabase = "mc_template";
    private const string SystemUser = "postgres";

    private readonly string _folder;
    private int _stopped;

    private PostgresServer(string folder, int port)
    {
        _folder = folder;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>Why no server can be started here (binaries missing), or null when one can.</summary>
    public static string? Unavailable()
    {
        foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
        {
            if (!File.Exists(Path.Combine(BinDirectory, program)))
            {
                return $"PostgreSQL 15 is not installed ({Path.Combine(BinDirectory, program)} is missing; Debian package {DebianPackage}, installed by scripts/test.sh)";
            }
        }

        return File.Exists("/usr/share/postgresql/15/extension/postgis.control")
            ? null
            : $"PostGIS for PostgreSQL 15 is not installed (Debian package {DebianPackage}, installed by scripts/test.sh)";
    }

    public int Port { get; }

    /// <summary>The folder holding the server's Unix socket.</summary>
    public string SocketDirectory => _folder;

    /// <summary>A URL to a database over TCP, as a user would write it for <c>--store</c>.</summary>
    public string Url(string database, string user = "postgres", string? password = null) =>
        $"postgresql://{Uri.EscapeDataString(user)}{(password is null ? "" : ":" + Uri.EscapeDataString(password))}@127.0.0.1:{Port}/{database}";

    /// <summary>A URL to a database through the Unix socket.</summary>
    public string SocketUrl(string database) => $"postgresql://postgres@/{database}?host={Uri.EscapeDataString(SocketDirectory)}&port={Port}";

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = false }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct)
    {
        if (Unavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var folder = Path.Combine(Path.GetTempPath(), "mc-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);

        // The server runs as another user when we are root: it must be able to create its data folder, socket and log here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        }
        var data = Path.Combine(folder, "data");
        await RunAsync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);

        // A free port can be taken by someone else between asking and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var options = string.Join(' ',
                $"-p {port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={folder}", "-c max_connections=300",
                "-c shared_buffers=64MB", "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
            try
            {
                await RunAsync("pg_ctl", ["-D", data, "-l", Path.Combine(folder, "server.log"), "-o", options, "-w", "-t", "60", "start"], ct);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                continue;
            }

            var server = new PostgresServer(folder, port);
            try
            {
                await server.ExecuteAsync("postgres", $"CREATE DATABASE {TemplateDatabase}", ct);
                await server.ExecuteAsync(TemplateDatabase, "CREATE EXTENSION postgis", ct);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }
    }

    /// <summary>
    /// A new empty database with PostGIS already installed (copied from a template, faster than installing it each time).
    /// With <paramref name="withPostGis"/> false the database is bare, so the store's migration must install PostGIS.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct, bool withPostGis = true)
    {
        var name = "mc_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync("postgres", $"CREATE DATABASE {name} TEMPLATE {(withPostGis ? TemplateDatabase : "template0")}", ct);
        return name;
    }

    public async Task ExecuteAsync(string database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        var info = new ProcessStartInfo(IsRoot ? "runuser" : path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            foreach (var a in new[] { "-u", SystemUser, "--", path })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        // The server inherits our environment; a locale the machine lacks would make initdb fail.
        info.Environment["LC_ALL"] = "C.UTF-8";
        return info;
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken ct)
    {
        using var process = Process.Start(StartInfo(program, arguments)) ?? throw new InvalidOperationException($"cannot start {program}");

        // pg_ctl's server keeps our stdout open when it inherits it; read the streams without waiting for their end.
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{program} exited with {process.ExitCode}: {text}"));
        }
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            using var process = Process.Start(StartInfo("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]));
            process?.WaitForExit(30_000);
        }
        finally
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Stop();
        return ValueTask.CompletedTask;
    }
}
