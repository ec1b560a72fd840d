using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle audit-log verify [--file F] [--checkpoint C [--public-key K]]</c> walks the chain (of the store, or of
/// an exported file) and exits 1 at the first entry that was edited, deleted or reordered, or, given a signed
/// checkpoint, when the entry it names was rewritten or the tail was cut off below it;
/// <c>export --out F</c> writes the log as JSON lines; <c>checkpoint --out F</c> signs its head;
/// <c>keygen --out F</c> makes the Ed25519 key pair that signs.
/// </summary>
internal static class AuditLogVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        var sub = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("audit-log needs verify, export, checkpoint or keygen");
        switch (sub)
        {
            case "verify":
            {
                var file = args.Option("file");
                var checkpoint = args.Option("checkpoint") is { } checkpointPath
                    ? await ReadSignedCheckpointAsync(checkpointPath, args.Option("public-key"), ct)
                    : null;
                AuditVerification result;
                if (file is not null)
                {
                    args.RejectUnknown();
                    using var reader = new StreamReader(file);
                    try
                    {
                        result = await VerifyAsync(AuditExport.ReadAsync(reader, ct), checkpoint, ct);
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
                    result = await VerifyAsync(store.ReadAuditAsync(ct), checkpoint, ct);
                }

                if (!result.Intact)
                {
                    throw new CommandException($"audit log broken at entry {result.FirstBadSequence}: {result.Problem}");
                }

                await output.WriteLineAsync($"audit log intact: {result.Entries} entries, every one chained to the one before");
                if (checkpoint is not null)
                {
                    await output.WriteLineAsync(
                        $"and it still holds entry {checkpoint.Sequence} with the hash the checkpoint of {AuditEntry.FormatTime(checkpoint.At)} recorded (signed by {checkpoint.KeyId})");
                }

                return 0;
            }

            case "checkpoint":
            {
                var outPath = args.Option("out") ?? throw new UsageException("audit-log checkpoint needs --out FILE");
                var key = await AuditKeys.LoadPrivateAsync(args.Option("key"), ct);
                await using var store = StoreOptions.Open(args);
                args.RejectUnknown();
                await store.MigrateAsync(ct);

                // Only an intact chain is worth vouching for: its head is what a later verify holds the log to.
                AuditEntry? head = null;
                var result = await AuditVerifier.VerifyAsync(Tap(store.ReadAuditAsync(ct), e => head = e), ct);
                if (!result.Intact)
                {
                    throw new CommandException($"audit log broken at entry {result.FirstBadSequence}: {result.Problem}; no checkpoint was written");
                }

                if (head is null)
                {
                    throw new CommandException("the audit log is empty: there is no head to checkpoint yet");
                }

                var checkpoint = AuditKeys.Sign(key, head.Sequence, head.Hash, DateTimeOffset.UtcNow);
                var full = Path.GetFullPath(outPath);
                await WriteAtomicallyAsync(full, checkpoint.ToJson() + "\n", ct);
                await output.WriteLineAsync(
                    $"checkpoint of entry {checkpoint.Sequence} (hash {checkpoint.HeadHash[..12]}…) signed by {checkpoint.KeyId} → {full}; give it to another party to keep");
                return 0;
            }

            case "keygen":
            {
                var outPath = args.Option("out") ?? throw new UsageException("audit-log keygen needs --out FILE (FILE.pub gets the public key)");
                args.RejectUnknown();
                var full = Path.GetFullPath(outPath);
                var pub = full + ".pub";
                foreach (var path in new[] { full, pub })
                {
                    if (File.Exists(path))
                    {
                        throw new CommandException($"{path} exists; keygen never overwrites a key");
                    }
                }

                var (seed, publicKey) = AuditKeys.Generate();
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    // Readable by its owner only, like an SSH key.
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                await using (var stream = new FileStream(full, options))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteLineAsync(Convert.ToBase64String(seed).AsMemory(), ct);
                }

                await File.WriteAllTextAsync(pub, Convert.ToBase64String(publicKey) + "\n", ct);
                await output.WriteLineAsync(
                    $"wrote the private key {full} (keep it secret; set {AuditKeys.Variable}={full}) and the public key {pub} (key id {AuditKeys.KeyId(publicKey)})");
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
                throw new UsageException($"audit-log {sub}: use verify, export, checkpoint or keygen");
        }
    }

    private static Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, AuditCheckpoint? checkpoint, CancellationToken ct) =>
        checkpoint is null ? AuditVerifier.VerifyAsync(entries, ct) : AuditVerifier.VerifyAsync(entries, checkpoint, ct);

    /// <summary>
    /// Reads a checkpoint and checks its signature before anything else is believed: with <paramref name="publicKey"/>
    /// when given (the key the keeper trusts), else with the key the file carries, which shows only that the file is
    /// unaltered since it was signed by that key id.
    /// </summary>
    private static async Task<AuditCheckpoint> ReadSignedCheckpointAsync(string path, string? publicKey, CancellationToken ct)
    {
        AuditCheckpoint checkpoint;
        try
        {
            checkpoint = AuditCheckpoint.Parse(await File.ReadAllTextAsync(path, ct));
        }
        catch (FormatException e)
        {
            throw new CommandException($"{path}: {e.Message}");
        }

        byte[] key;
        if (publicKey is not null)
        {
            key = await AuditKeys.LoadPublicAsync(publicKey, ct);
        }
        else
        {
            try
            {
                key = Convert.FromBase64String(checkpoint.PublicKey);
            }
            catch (FormatException)
            {
                throw new CommandException($"{path}: the checkpoint's publicKey is not base64");
            }

            if (key.Length != Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters.KeySize)
            {
                throw new CommandException($"{path}: the checkpoint's publicKey is not a 32-byte Ed25519 key");
            }
        }

        if (!AuditKeys.Verify(checkpoint, key))
        {
            throw new CommandException(publicKey is not null && checkpoint.KeyId != AuditKeys.KeyId(key)
                ? $"{path}: the checkpoint names key {checkpoint.KeyId}, not the trusted key {AuditKeys.KeyId(key)}"
                : $"{path}: the checkpoint's signature does not match its content (altered, or not signed by {AuditKeys.KeyId(key)}); it proves nothing");
        }

        return checkpoint;
    }

    private static async IAsyncEnumerable<AuditEntry> Tap(IAsyncEnumerable<AuditEntry> entries, Action<AuditEntry> seen)
    {
        await foreach (var e in entries)
        {
            seen(e);
            yield return e;
        }
    }

    private static async Task WriteAtomicallyAsync(string full, string text, CancellationToken ct)
    {
        var temp = full + ".partial";
        try
        {
            await File.WriteAllTextAsync(temp, text, ct);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
