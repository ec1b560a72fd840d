namespace Metrocircle.Core.Audit;

/// <summary>An entry for the audit log, appended by the store in the same transaction as the change it records.</summary>
public sealed record AuditRecord(string Actor, string Action, string Subject, string Details);
