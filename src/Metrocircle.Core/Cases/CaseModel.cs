using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Metrocircle.Core.Cases;

/// <summary>Where a case stands. <see cref="Approved"/>, <see cref="Rejected"/> and <see cref="Withdrawn"/> are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseStatus>))]
public enum CaseStatus
{
    [JsonStringEnumMemberName("under-review")] UnderReview,
    [JsonStringEnumMemberName("changes-requested")] ChangesRequested,
    [JsonStringEnumMemberName("approved")] Approved,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}

/// <summary>Why a review task exists: a jurisdiction the footprint lies in, a department a rule names, or the coordination office.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewKind>))]
public enum ReviewKind
{
    [JsonStringEnumMemberName("jurisdiction")] Jurisdiction,
    [JsonStringEnumMemberName("department")] Department,
    [JsonStringEnumMemberName("coordination")] Coordination,
}

[JsonConverter(typeof(JsonStringEnumConverter<ReviewStatus>))]
public enum ReviewStatus
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("approved")] Approved,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("changes-requested")] ChangesRequested,

    /// <summary>The revision it reviewed was replaced by a newer one, or the case closed before it was decided.</summary>
    [JsonStringEnumMemberName("closed")] Closed,
}

[JsonConverter(typeof(JsonStringEnumConverter<DecisionKind>))]
public enum DecisionKind
{
    [JsonStringEnumMemberName("approve")] Approve,
    [JsonStringEnumMemberName("reject")] Reject,
    [JsonStringEnumMemberName("request-changes")] RequestChanges,
}

/// <summary>One submission of the project: the footprint as checked, and the verdict it got.</summary>
public sealed record CaseRevision(
    int Number,
    DateTimeOffset SubmittedAt,
    string SubmittedBy,
    string CheckId,
    string Verdict,
    string PlanVersion,
    string RulesVersion,
    string InputHash,
    double AreaHa,
    IReadOnlyList<string> Provinces,
    JsonNode Footprint,
    string? Note);

/// <summary>
/// A review that one party must give on one revision. <see cref="Level"/> is where a department task was routed
/// (null for province, as before levels existed); <see cref="ParentJurisdiction"/>, on a county task, is the city whose
/// reviewers may decide it too when the rule says so.
/// </summary>
public sealed record ReviewTask(
    string Id,
    int Revision,
    ReviewKind Kind,
    string? Jurisdiction,
    string? Department,
    string Title,
    IReadOnlyList<string> Reasons,
    DateTimeOffset DueAt,
    ReviewStatus Status,
    bool Escalated = false,
    DateTimeOffset? EscalatedAt = null,
    string? Level = null,
    string? ParentJurisdiction = null)
{
    /// <summary>A task for the national reviewers of its department: no jurisdiction, above every province.</summary>
    public bool IsNational => Level == JurisdictionLevels.National;
}

/// <summary>
/// The levels a department task can be routed to (<see cref="DepartmentRoute.Level"/>): the province (the default),
/// the city or the county the footprint lies in, or national reviewers.
/// </summary>
public static class JurisdictionLevels
{
    public const string National = "national";
    public const string Province = "province";
    public const string City = "city";
    public const string County = "county";

    public static IReadOnlyList<string> All { get; } = [National, Province, City, County];
}

/// <summary>A decision on a task, kept with the revision it applied to.</summary>
public sealed record Decision(string TaskId, int Revision, string Actor, DecisionKind Kind, string Reason, DateTimeOffset At, bool Override = false);

/// <summary>A file attached to a case (evidence, drawings); its bytes are stored apart, under <see cref="Id"/>.</summary>
public sealed record CaseAttachment(string Id, string Name, string ContentType, long Bytes, string Sha256, string By, DateTimeOffset At, int Revision);

/// <summary>One line of a case's timeline.</summary>
public sealed record CaseEvent(DateTimeOffset At, string Actor, string Action, int Revision, string Detail);

/// <summary>
/// A co-approval case: the project, every revision, the review tasks of each revision, every decision and the
/// timeline. The store keeps it whole under a version number; every change is a new value from <see cref="CaseWorkflow"/>.
/// </summary>
public sealed record CaseFile(
    string Id,
    string Title,
    string Proponent,
    string Category,
    CaseStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    string RulesId,
    IReadOnlyList<CaseRevision> Revisions,
    IReadOnlyList<ReviewTask> Tasks,
    IReadOnlyList<Decision> Decisions,
    IReadOnlyList<CaseEvent> Timeline,
    string? Outcome = null,
    IReadOnlyList<CaseAttachment>? Attachments = null)
{
    public int Revision => Revisions.Count == 0 ? 0 : Revisions[^1].Number;

    public CaseRevision Current => Revisions[^1];

    public bool IsClosed => Status is CaseStatus.Approved or CaseStatus.Rejected or CaseStatus.Withdrawn;

    public IEnumerable<ReviewTask> CurrentTasks => Tasks.Where(t => t.Revision == Revision);

    /// <summary>The jurisdictions and departments that have a task on the current revision, for inbox queries.</summary>
    public IEnumerable<ReviewTask> OpenTasks => CurrentTasks.Where(t => t.Status == ReviewStatus.Open);

    /// <summary>A new case id: time-ordered, so listings sort by when cases were opened.</summary>
    public static string NewId() => "case-" + Guid.CreateVersion7().ToString("N")[..20];
}
