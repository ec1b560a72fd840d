using Metrocircle.Core.Dataset;
using Metrocircle.Core.Storage;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>The <c>metrocircle</c> verbs. Exit codes: 0 done, 1 failed (the message says why), 2 usage error.</summary>
public static class CommandLine
{
    private const string Usage = """
        usage: metrocircle VERB [options]

          serve   [--urls URLS] [--store STORE] [--dataset DIR] [--demo]   run the web map and OGC API; seeds an empty store first
          seed    [--store STORE] [--dataset DIR] [--force] [--demo]       build the default dataset into the store
                  --demo adds synthetic demo accounts (one-time passwords printed once), cases and checks; run again, it adds only what is missing
          layers  [--store STORE]                                 list the layers of the current plan version
          versions [--json] [--store STORE]                       every plan version, newest first: effective date, source, changes
          export  LAYER --out FILE.geojson [--version ID | --as-of DATE] [--crs EPSG:4527] [--store STORE]
                  write a layer as GeoJSON, in lon/lat or CGCS2000 (EPSG:4490, Gauss-Kruger zones EPSG:4491-4554),
                  from the plan in force today, exactly version ID, or the plan in force on DATE (YYYY-MM-DD)
          import  FILE --layer ID --rationale TEXT [--kind KIND] [--map MAP.json] [--title TEXT] [--certainty C] [--store STORE]
                  replace (or add) a layer from GeoJSON, GeoJSON text sequence (.geojsons), GeoPackage or Shapefile,
                  as a new plan version recording why (the rationale is required); --map reads an agency's own file
                  through a field map (source field -> plan attribute, source values -> plan codes); sector kinds
                  (sector:industry|transport|ecology) hold every feature to their codes: one unplaced value imports nothing

          amend   propose CHANGES.geojson --base ID --rationale TEXT --effective DATE [--title T] [--json]
                  propose an amendment (features with op, layer, featureId): balance-checked, routed as a case, public notice
          amend   impact ID [--json]                              stored checks and cases whose verdict changes, areas, indicators

          stats   LAYER --by GROUPLAYER [--json] [--version ID | --as-of DATE] [--store STORE]
                  area (m², equal-area) and count of a layer's features per feature of a polygon layer (each feature
                  to the groups holding its point on surface), e.g. stats permanent-farmland --by counties

          check   FILE [--category C] [--buffer M] [--json]         check one footprint against the plan in force
          audit   FILE --out FILE [--category C] [--buffer M]     check every footprint of a file; one JSON line each
          conflicts [--json] [--out FILE.geojson]                 conflict patches between layers, by the plan's conflict rules

          audit-log verify [--file F] [--checkpoint C [--public-key K]] | export --out F
                  check the hash chain of the audit log (exit 1 if broken, rewritten or cut below a checkpoint) or export it
          audit-log checkpoint --out F [--key K] | keygen --out F
                  sign the head of the log (Ed25519 key from --key or $METROCIRCLE_AUDIT_KEY) for another party to keep;
                  keygen writes a new key pair (F and F.pub)

          indicators import FILE [--store STORE]                  import observations (CSV or JSON: indicator,scope,year,value,unit,source);
                                                                  every bad row is reported and a file with any bad row imports nothing
          health-check --year YEAR --out FILE.html [--pdf FILE.pdf] [--store STORE]
                  the annual health check: indicators against targets, maps, warnings, tasks, changes since the year before
          mismatch --year YEAR [--json] [--store STORE]          spatial mismatch of a year: jobs–housing, commuting, land against people
          mismatch import FILE [--store STORE]                    import commuting flows (CSV origin,destination,year,trips,mode,source); any bad row imports nothing
          mismatch synthesize --year YEAR [--dataset DIR]         write the dataset's SYNTHETIC demo county figures and OD matrix
          tasks   ...                                             collaboration tasks and their progress (metrocircle tasks --help)

          users   add|list|disable|reset-password ...             accounts and roles (metrocircle users --help)

          ledger  balances [--jurisdiction J] [--kind K] [--period P] [--as-of DATE] [--json]
                  the land ledger's balances (m²), now or on a past day
          ledger  transactions [--account ID] [--after N] [--limit N] | export --out FILE
                  its transactions in order, or accounts, transactions and open holds as JSON lines
          ledger  verify                                          re-add every posting: exit 1 naming the first break

        STORE is sqlite:PATH (default sqlite:metrocircle-data/metrocircle.sqlite) or postgresql://user:password@host:port/db
        (or $METROCIRCLE_STORE).
        DIR is a dataset folder with dataset.json (default: data/capital-circle found from here upwards).
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "demo", "force", "help", "json" };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (Console.IsOutputRedirected || output != Console.Out)
        {
            console.Profile.Width = 200;
        }

        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var parsed = CliArguments.Parse(args, Flags);
            return parsed.Verb switch
            {
                "serve" => await ServeVerb.RunAsync(parsed, output, ct),
                "seed" => await SeedVerb.RunAsync(parsed, console, output, ct),
                "layers" => await LayersVerb.RunAsync(parsed, console, ct),
                "versions" => await VersionsVerb.RunAsync(parsed, console, output, ct),
                "amend" => await AmendVerb.RunAsync(parsed, console, output, ct),
                "export" => await ExportVerb.RunAsync(parsed, output, ct),
                "import" => await ImportVerb.RunAsync(parsed, console, output, ct),
                "stats" => await StatsVerb.RunAsync(parsed, console, output, ct),
                "check" => await CheckVerb.RunAsync(parsed, console, output, ct),
                "audit" => await AuditVerb.RunAsync(parsed, console, output, ct),
                "conflicts" => await ConflictsVerb.RunAsync(parsed, console, output, ct),
                "audit-log" => await AuditLogVerb.RunAsync(parsed, output, ct),
                "indicators" => await IndicatorsVerb.RunAsync(parsed, output, ct),
                "health-check" => await HealthCheckVerb.RunAsync(parsed, output, ct),
                "tasks" => await TasksVerb.RunAsync(parsed, console, output, ct),
                "users" => await UsersVerb.RunAsync(parsed, console, output, ct),
                "ledger" => await LedgerVerb.RunAsync(parsed, console, output, ct),
                "mismatch" => await MismatchVerb.RunAsync(parsed, output, ct),
                _ => throw new UsageException($"unknown verb '{parsed.Verb}'"),
            };
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"metrocircle: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception e) when (e is DatasetException or StoreException or IOException or UnauthorizedAccessException or CommandException or Metrocircle.Formats.LayerFileException)
        {
            await error.WriteLineAsync($"metrocircle: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("metrocircle: cancelled; nothing was half-written");
            return 130;
        }
    }
}

/// <summary>A verb that could not do its work for a reason the user can act on.</summary>
internal sealed class CommandException(string message) : Exception(message);
