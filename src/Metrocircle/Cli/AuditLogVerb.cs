using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle audit-log verify [--file F]</c> walks the chain (of the store, or of an exported file) and exits 1
/// at the first entry that was edited, deleted or reordered; <c>metrocircle audit-log export --out F</c> writes it
/// as JSON lines.
/// </summary>
internal static class AuditLogVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var sub = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("audit-log needs verify or export");
        switch (sub)
        {
            case "verify":
            {
                var file = args.Option("file");
                AuditVerification result;
                if (file is not null)
                {
                    args.RejectUnknown();
                    using var reader = new StreamReader(file);
                    try
                    {
                        result = await AuditVerifier.VerifyAsync(AuditExport.ReadAsync(reader, ct), ct);
                    }
                    catch (FormatException e)
                    {
                        throw new CommandException($"{file}: {e.Message}");
                    }
                }
                else
                {
                    await using var store = StoreOptions.Open(args);
                    args.RejectUnknown();
                    await store.MigrateAsync(ct);
                    result = await AuditVerifier.VerifyAsync(store.ReadAuditAsync(ct), ct);
                }

                if (!result.Intact)
                {
                    throw new CommandException($"audit log broken at entry {result.FirstBadSequence}: {result.Problem}");
                }

                await output.WriteLineAsync($"audit log intact: {result.Entries} entries, every one chained to the one before");
                return 0;
            }

            case "export":
            {
                var outPath = args.Option("out") ?? throw new UsageException("audit-log export needs --out FILE");
                await using var store = StoreOptions.Open(args);
                args.RejectUnknown();
                await store.MigrateAsync(ct);
                var full = Path.GetFullPath(outPath);
                var temp = full + ".partial";
                long count = 0;
                try
                {
                    await using (var writer = new StreamWriter(temp))
                    {
                        await foreach (var entry in store.ReadAuditAsync(ct))
                        {
                            await writer.WriteLineAsync(AuditExport.ToLine(entry).AsMemory(), ct);
                            count++;
                        }
                    }

                    File.Move(temp, full, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }

                await output.WriteLineAsync($"exported {count} audit entries to {full}");
                return 0;
            }

            default:
                throw new UsageException($"audit-log {sub}: use verify or export");
        }
    }
}
