using Metrocircle.Core.Audit;

namespace Metrocircle.Core.Storage;

/// <summary>
/// Append-only JSON documents by kind and id (stored check verdicts, reports). A store offers it beside
/// <see cref="IPlanStore"/>; a document, once written, is never changed.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Writes a new document; an existing (kind, id) is refused with <see cref="StoreException"/>.</summary>
    Task PutDocumentAsync(string kind, string id, string json, CancellationToken ct) => PutDocumentAsync(kind, id, json, [], ct);

    /// <summary>Writes a new document and the audit entries that record it in one transaction: both are stored, or neither.</summary>
    Task PutDocumentAsync(string kind, string id, string json, IReadOnlyList<AuditRecord> audit, CancellationToken ct);

    Task<string?> GetDocumentAsync(string kind, string id, CancellationToken ct);

    /// <summary>Every document of a kind, in the order written (id order within one instant), one at a time.</summary>
    IAsyncEnumerable<(string Id, string Json)> StreamDocumentsAsync(string kind, CancellationToken ct);
}
