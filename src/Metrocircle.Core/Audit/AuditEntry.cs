using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Metrocircle.Core.Audit;

/// <summary>
/// One entry of the audit log. Each entry carries the hash of the one before it, so editing, deleting or reordering
/// any entry breaks the chain from that point on. <see cref="Details"/> is kept as the exact JSON text that was
/// hashed. <see cref="Scheme"/> says how <see cref="Hash"/> was computed: 1 for entries written before the
/// re-anchoring (fields joined by newlines, which let text shift between fields), 2 since.
/// </summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Details, string PreviousHash, string Hash, int Scheme)
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash scheme of entries written before issue 11: fields joined by newlines (ambiguous).</summary>
    public const int LegacyScheme = 1;

    /// <summary>The hash scheme of new entries: every field length-prefixed, so no text can move between fields.</summary>
    public const int CurrentScheme = 2;

    private static readonly byte[] SchemeTag = Encoding.UTF8.GetBytes("metrocircle-audit/2");

    public static string ComputeHash(int scheme, long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash) => scheme switch
    {
        LegacyScheme => ComputeLegacyHash(sequence, at, actor, action, subject, details, previousHash),
        CurrentScheme => ComputeCanonicalHash(sequence, at, actor, action, subject, details, previousHash),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown audit hash scheme"),
    };

    /// <summary>
    /// Scheme 1, kept only to verify entries written before the re-anchoring: one field per line, so a field that
    /// contains a newline can give text to its neighbour without changing the hash.
    /// </summary>
    public static string ComputeLegacyHash(long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash)
    {
        var canonical = string.Join('\n',
            sequence.ToString(CultureInfo.InvariantCulture), FormatTime(at), actor, action, subject, details, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Scheme 2: SHA-256 over the tag <c>metrocircle-audit/2</c>, then sequence (decimal), time (round-trip form),
    /// actor, action, subject, details and previous hash, each field written as its UTF-8 byte count (4 bytes,
    /// big-endian) followed by its UTF-8 bytes. Another party can recompute it from an export.
    /// </summary>
    public static string ComputeCanonicalHash(long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Field(hash, SchemeTag);
        foreach (var field in (ReadOnlySpan<string>)[sequence.ToString(CultureInfo.InvariantCulture), FormatTime(at), actor, action, subject, details, previousHash])
        {
            Field(hash, Encoding.UTF8.GetBytes(field));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Field(IncrementalHash hash, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    public static string FormatTime(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    /// <summary>A new entry, hashed with the current scheme.</summary>
    public static AuditEntry Create(long sequence, DateTimeOffset at, string actor, string action, string subject, string details, string previousHash)
    {
        // Microsecond precision, the finest both stores keep, so that what is read back hashes the same.
        var truncated = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
        return new AuditEntry(sequence, truncated, actor, action, subject, details, previousHash,
            ComputeCanonicalHash(sequence, truncated, actor, action, subject, details, previousHash), CurrentScheme);
    }
}
