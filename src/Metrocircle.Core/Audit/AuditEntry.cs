using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Metrocircle.Core.Audit;

/// <summary>
/// One entry of the audit log. Each entry carries the hash of the one before it, so editing, deleting or reordering
/// any entry breaks the chain from that point on. <see cref="Details"/> is kept as the exact JSON text that was
/// hashed.
/// </summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Details, string PreviousHash, string Hash)
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string ComputeHash(long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash)
    {
        // One field per line, in a fixed order, with the time in round-trip form: another party can recompute it.
        var canonical = string.Join('\n',
            sequence.ToString(CultureInfo.InvariantCulture), FormatTime(at), actor, action, subject, details, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static string FormatTime(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    public static AuditEntry Create(long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash)
    {
        // Microsecond precision, the finest both stores keep, so that what is read back hashes the same.
        var truncated = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
        return new AuditEntry(sequence, truncated, actor, action, subject, details, previousHash,
            ComputeHash(sequence, truncated, actor, action, subject, details, previousHash));
    }
}
