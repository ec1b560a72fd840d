using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Metrocircle.Core.Audit;

/// <summary>
/// The audit log as JSON lines, one entry a line with every hashed field, so that another party can verify the
/// chain with nothing but this file (and <see cref="AuditEntry.ComputeHash"/>'s published recipe). A line without a
/// <c>scheme</c> comes from an export made before scheme 2 and is read as scheme 1.
/// </summary>
public static class AuditExport
{
    private sealed record Line(long Seq, string At, string Actor, string Action, string Subject, string Details, string PreviousHash, string Hash, int? Scheme);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToLine(AuditEntry e) =>
        JsonSerializer.Serialize(new Line(e.Sequence, AuditEntry.FormatTime(e.At), e.Actor, e.Action, e.Subject, e.Details, e.PreviousHash, e.Hash, e.Scheme), Json);

    /// <summary>Reads an exported file; a malformed line is an error naming its number.</summary>
    public static async IAsyncEnumerable<AuditEntry> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            Line? line;
            try
            {
                line = JsonSerializer.Deserialize<Line>(text, Json);
            }
            catch (JsonException e)
            {
                throw new FormatException($"line {number} is not an audit entry: {e.Message}", e);
            }

            if (line is null || line.Actor is null || line.Hash is null || line.PreviousHash is null || line.Details is null || line.Action is null || line.Subject is null)
            {
                throw new FormatException($"line {number} is not a complete audit entry");
            }

            yield return new AuditEntry(line.Seq, DateTimeOffset.Parse(line.At, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
                line.Actor, line.Action, line.Subject, line.Details, line.PreviousHash, line.Hash, line.Scheme ?? AuditEntry.LegacyScheme);
        }
    }
}
