using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Alignment;

/// <summary>A stored check: its id, verdict and the document served for it.</summary>
public sealed record StoredCheck(string Id, Verdict Verdict, JsonObject Document);

/// <summary>
/// Check, store, audit: one operation for the web endpoint, cases and the CLI. The verdict document and its
/// <c>check.submitted</c> audit entry commit in one transaction, so the log never names a check that is not stored,
/// nor is a check stored that the log does not name.
/// </summary>
public static class ProjectCheck
{
    public const string AuditAction = "check.submitted";

    /// <param name="actor">Who the audit entry names.</param>
    /// <param name="submittedBy">Written into the document when given, so that a proponent later sees only their own checks.</param>
    public static async Task<StoredCheck> RunAsync(IDocumentStore documents, PlanSnapshot snapshot, Footprint footprint, string actor, string? submittedBy,
        DateTimeOffset at, CancellationToken ct)
    {
        var verdict = AlignmentChecker.Check(snapshot, footprint);
        var id = CheckDocument.NewId();
        var doc = CheckDocument.Create(id, at, footprint, verdict);
        if (submittedBy is not null)
        {
            doc["submittedBy"] = submittedBy;
        }

        var audit = new AuditRecord(actor, AuditAction, id,
            new JsonObject { ["verdict"] = verdict.Result, ["inputHash"] = verdict.InputHash, ["planVersion"] = verdict.PlanVersion }.ToJsonString());
        await documents.PutDocumentAsync(CheckDocument.Kind, id, doc.ToJsonString(), [audit], ct);
        return new StoredCheck(id, verdict, doc);
    }
}
