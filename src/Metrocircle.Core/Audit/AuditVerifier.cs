namespace Metrocircle.Core.Audit;

/// <summary>The result of walking an audit chain: fine, or the first entry at which it breaks and how.</summary>
public sealed record AuditVerification(long Entries, long? FirstBadSequence, string? Problem)
{
    public bool Intact => FirstBadSequence is null;
}

/// <summary>Walks an audit chain in sequence order and reports the first entry that was edited, deleted or reordered.</summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, CancellationToken ct)
    {
        long count = 0;
        long expected = 1;
        var previousHash = AuditEntry.Genesis;
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

            var recomputed = AuditEntry.ComputeHash(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Details, e.PreviousHash);
            if (recomputed != e.Hash)
            {
                return new AuditVerification(count, e.Sequence, $"entry {e.Sequence} was edited: its content hashes to {Short(recomputed)}, not the recorded {Short(e.Hash)}");
            }

            previousHash = e.Hash;
            expected++;
        }

        return new AuditVerification(count, null, null);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
