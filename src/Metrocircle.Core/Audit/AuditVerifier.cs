namespace Metrocircle.Core.Audit;

/// <summary>The result of walking an audit chain: fine, or the first entry at which it breaks and how.</summary>
public sealed record AuditVerification(long Entries, long? FirstBadSequence, string? Problem)
{
    public bool Intact => FirstBadSequence is null;
}

/// <summary>
/// Walks an audit chain in sequence order and reports the first entry that was edited, deleted or reordered. Entries
/// before a re-anchoring are checked with hash scheme 1; the first scheme-2 entry after them must be the
/// <see cref="AuditAnchor"/> naming their head, and no scheme-1 entry may follow it.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, CancellationToken ct)
    {
        long count = 0;
        long expected = 1;
        var previousHash = AuditEntry.Genesis;
        var scheme = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            count++;
            if (e.Sequence != expected)
            {
                return new AuditVerification(count, expected,
                    e.Sequence > expected
                        ? $"entry {expected} is missing: the chain jumps from {expected - 1} to {e.Sequence} (deleted)"
                        : $"entry {e.Sequence} appears after entry {expected - 1} (reordered or duplicated)");
            }

            if (e.PreviousHash != previousHash)
            {
                return new AuditVerification(count, e.Sequence,
                    $"entry {e.Sequence} does not follow entry {e.Sequence - 1}: its previous hash {Short(e.PreviousHash)} is not {Short(previousHash)} (an entry before it was edited, removed or reordered)");
            }

            if (e.Scheme is not (AuditEntry.LegacyScheme or AuditEntry.CurrentScheme))
            {
                return new AuditVerification(count, e.Sequence, $"entry {e.Sequence} names hash scheme {e.Scheme}, which does not exist");
            }

            if (e.Scheme < scheme)
            {
                return new AuditVerification(count, e.Sequence,
                    $"entry {e.Sequence} uses hash scheme {e.Scheme} after the log moved to scheme {scheme} (downgraded to the forgeable scheme)");
            }

            if (e.Scheme > scheme && scheme != 0 && !AnchorsHead(e, e.Sequence - 1, previousHash))
            {
                return new AuditVerification(count, e.Sequence,
                    $"entry {e.Sequence} switches to hash scheme {e.Scheme} without an {AuditAnchor.Action} entry naming entry {e.Sequence - 1} and its hash {Short(previousHash)}");
            }

            scheme = e.Scheme;
            var recomputed = AuditEntry.ComputeHash(e.Scheme, e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Details, e.PreviousHash);
            if (recomputed != e.Hash)
            {
                return new AuditVerification(count, e.Sequence, $"entry {e.Sequence} was edited: its content hashes to {Short(recomputed)}, not the recorded {Short(e.Hash)}");
            }

            previousHash = e.Hash;
            expected++;
        }

        return new AuditVerification(count, null, null);
    }

    /// <summary>
    /// Walks the chain as <see cref="VerifyAsync(IAsyncEnumerable{AuditEntry}, CancellationToken)"/> does, then checks it
    /// against a checkpoint kept by another party: the entry it names must still be there with the hash it recorded.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, AuditCheckpoint checkpoint, CancellationToken ct)
    {
        long last = 0;
        string? hashAtCheckpoint = null;
        var result = await VerifyAsync(Tap(), ct);
        if (!result.Intact)
        {
            return result;
        }

        var when = AuditEntry.FormatTime(checkpoint.At);
        if (last < checkpoint.Sequence)
        {
            var missing = checkpoint.Sequence - last;
            return new AuditVerification(result.Entries, last + 1,
                $"the log ends at entry {last}, but the checkpoint of {when} saw entry {checkpoint.Sequence}: {missing} {(missing == 1 ? "entry is" : "entries are")} missing from its tail (truncated)");
        }

        if (hashAtCheckpoint != checkpoint.HeadHash)
        {
            return new AuditVerification(result.Entries, checkpoint.Sequence,
                $"entry {checkpoint.Sequence} now hashes to {Short(hashAtCheckpoint!)}, but the checkpoint of {when} recorded {Short(checkpoint.HeadHash)}: the history up to entry {checkpoint.Sequence} was rewritten");
        }

        return result;

        async IAsyncEnumerable<AuditEntry> Tap()
        {
            await foreach (var e in entries.WithCancellation(ct))
            {
                last = e.Sequence;
                if (e.Sequence == checkpoint.Sequence)
                {
                    hashAtCheckpoint = e.Hash;
                }

                yield return e;
            }
        }
    }

    private static bool AnchorsHead(AuditEntry e, long sequence, string hash) =>
        e.Action == AuditAnchor.Action && AuditAnchor.ReadHead(e.Details) is { } head && head.Sequence == sequence && head.Hash == hash;

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
