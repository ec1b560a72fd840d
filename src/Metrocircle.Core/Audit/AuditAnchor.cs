using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Core.Audit;

/// <summary>
/// The entry that moves a log from hash scheme 1 to scheme 2: the first scheme-2 entry, whose details name the head
/// of the old chain (its sequence and hash) and what verifying that chain found when the store was migrated.
/// Verification checks the entries up to the anchor with scheme 1 and those after it with scheme 2.
/// </summary>
public static class AuditAnchor
{
    public const string Action = "audit.reanchored";

    public static AuditRecord Record(long headSequence, string headHash, AuditVerification oldChain) => new("system", Action, $"audit-log@{headSequence}",
        new JsonObject
        {
            ["fromScheme"] = AuditEntry.LegacyScheme,
            ["toScheme"] = AuditEntry.CurrentScheme,
            ["headSequence"] = headSequence,
            ["headHash"] = headHash,
            ["oldChain"] = oldChain.Intact ? $"intact, {oldChain.Entries} entries" : $"broken at entry {oldChain.FirstBadSequence}: {oldChain.Problem}",
        }.ToJsonString());

    /// <summary>The old head an anchor entry names, or null when its details do not name one.</summary>
    public static (long Sequence, string Hash)? ReadHead(string details)
    {
        try
        {
            if (JsonNode.Parse(details) is JsonObject o && o["headSequence"] is JsonValue s && s.TryGetValue<long>(out var sequence)
                && o["headHash"] is JsonValue h && h.TryGetValue<string>(out var hash))
            {
                return (sequence, hash);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
