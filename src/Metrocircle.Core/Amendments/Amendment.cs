using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrocircle.Core.Amendments;

/// <summary>
/// Where an amendment stands. Stored: draft, public-notice, approved, rejected, withdrawn. Shown: public-notice turns
/// into review when the notice period ends, and approved into in-force on the effective date (<see cref="AmendmentFile.StatusOn"/>).
/// </summary>
public static class AmendmentStatus
{
    public const string Draft = "draft";
    public const string PublicNotice = "public-notice";
    public const string Review = "review";
    public const string Approved = "approved";
    public const string InForce = "in-force";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
}

/// <summary>What happened to a public comment: waiting for the coordination office, shown, or refused (with the reason).</summary>
public static class CommentStatus
{
    public const string Pending = "pending";
    public const string Shown = "shown";
    public const string Refused = "refused";
}

/// <summary>
/// A comment made during public notice: by anyone (an account name, or "anonymous"), text and an optional point or
/// polygon; shown only after the coordination office accepts it; answered by the proposer or the office.
/// </summary>
public sealed record AmendmentComment(
    string Id,
    DateTimeOffset At,
    string Author,
    string Text,
    JsonNode? Geometry,
    string Status,
    string? ModeratedBy = null,
    DateTimeOffset? ModeratedAt = null,
    string? ModerationReason = null,
    string? Answer = null,
    string? AnsweredBy = null,
    DateTimeOffset? AnsweredAt = null)
{
    /// <summary>A comment that counts for the record and needs an answer before approval: not refused by moderation.</summary>
    public bool NeedsAnswer => Status != CommentStatus.Refused && Answer is null;
}

/// <summary>One line of an amendment's record.</summary>
public sealed record AmendmentEvent(DateTimeOffset At, string Actor, string Action, string Detail);

/// <summary>
/// A proposed change to the plan: the change set against its base version (kept as validated GeoJSON, so approval
/// publishes exactly what was reviewed), its balance sheet, the co-approval case that decides it, the public notice
/// and its comments, and the version it published once approved. Kept whole under a version like a case.
/// </summary>
public sealed record AmendmentFile(
    string Id,
    string PlanId,
    string BaseVersion,
    int BaseSequence,
    string Title,
    string Rationale,
    DateOnly EffectiveFrom,
    string Status,
    string Proposer,
    string? CaseId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NoticeEndsAt,
    JsonArray Changes,
    JsonNode Balance,
    IReadOnlyList<AmendmentComment> Comments,
    IReadOnlyList<AmendmentEvent> Timeline,
    string? PublishedVersion = null,
    string? BalanceOverride = null)
{
    /// <summary>The case category under which amendments go through co-approval.</summary>
    public const string CaseCategory = "plan-amendment";

    public static string NewId() => "am-" + Guid.CreateVersion7().ToString("N")[..20];

    /// <summary>The status as shown on a day: notice becomes review when its period ends; approved becomes in force on the effective date.</summary>
    public string StatusOn(DateTimeOffset now) => Status switch
    {
        AmendmentStatus.PublicNotice when NoticeEndsAt is { } end && now >= end => AmendmentStatus.Review,
        AmendmentStatus.Approved when DateOnly.FromDateTime(now.UtcDateTime) >= EffectiveFrom => AmendmentStatus.InForce,
        var s => s,
    };

    public bool IsClosed => Status is AmendmentStatus.Approved or AmendmentStatus.Rejected or AmendmentStatus.Withdrawn;

    /// <summary>Whether the balance sheet holds (its "ok").</summary>
    public bool BalanceOk => Balance["ok"]?.GetValue<bool>() ?? false;
}

/// <summary>How an amendment is stored: web-style camelCase JSON.</summary>
public static class AmendmentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Serialize(AmendmentFile file) => JsonSerializer.Serialize(file, Options);

    public static AmendmentFile Deserialize(string json) =>
        JsonSerializer.Deserialize<AmendmentFile>(json, Options) ?? throw new JsonException("a stored amendment is empty");
}
