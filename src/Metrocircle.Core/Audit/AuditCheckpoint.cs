using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Metrocircle.Core.Audit;

/// <summary>
/// A signed statement that the audit log had entry <see cref="Sequence"/> with hash <see cref="HeadHash"/> at
/// <see cref="At"/>, for another party to keep: later, the log must still hold that entry with that hash (no
/// rewritten history) and must reach at least that far (no cut-off tail). The Ed25519 signature covers
/// <see cref="SignedBytes"/>: the tag <c>metrocircle-audit-checkpoint/1</c>, then sequence, head hash, time and key id,
/// each as its UTF-8 byte count (4 bytes, big-endian) and its UTF-8 bytes.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string HeadHash, DateTimeOffset At, string KeyId, string PublicKey, string Signature)
{
    public const string Format = "metrocircle-audit-checkpoint/1";

    private sealed record File(string Format, long Sequence, string HeadHash, string At, string KeyId, string PublicKey, string Signature);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static byte[] SignedBytes(long sequence, string headHash, DateTimeOffset at, string keyId)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var field in (ReadOnlySpan<string>)[Format, sequence.ToString(CultureInfo.InvariantCulture), headHash, AuditEntry.FormatTime(at), keyId])
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        return buffer.ToArray();
    }

    public byte[] SignedBytes() => SignedBytes(Sequence, HeadHash, At, KeyId);

    public string ToJson() => JsonSerializer.Serialize(new File(Format, Sequence, HeadHash, AuditEntry.FormatTime(At), KeyId, PublicKey, Signature), Json);

    /// <summary>Reads a checkpoint file's text; anything that is not a complete checkpoint is a <see cref="FormatException"/>.</summary>
    public static AuditCheckpoint Parse(string json)
    {
        File? file;
        try
        {
            file = JsonSerializer.Deserialize<File>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not an audit checkpoint: {e.Message}", e);
        }

        if (file is null || file.Format != Format || file.HeadHash is null || file.At is null || file.KeyId is null || file.PublicKey is null || file.Signature is null)
        {
            throw new FormatException($"not a complete audit checkpoint (format {Format} with sequence, headHash, at, keyId, publicKey and signature)");
        }

        if (!DateTimeOffset.TryParse(file.At, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new FormatException($"the checkpoint's time '{file.At}' is not a time");
        }

        return new AuditCheckpoint(file.Sequence, file.HeadHash, at, file.KeyId, file.PublicKey, file.Signature);
    }
}
