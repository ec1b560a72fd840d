using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Amendments;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>The body of <c>POST /amendments</c>.</summary>
public sealed record ProposeAmendmentRequest(string BaseVersion, string Title, string Rationale, string EffectiveFrom, JsonArray Changes, bool? Draft = null);

/// <summary>The body of a public comment: text, and optionally a point or polygon it is about (GeoJSON geometry).</summary>
public sealed record CommentRequest(string? Text, JsonObject? Geometry = null);

/// <summary>The coordination office's moderation of a comment: show or refuse (with a reason).</summary>
public sealed record ModerationRequest(string? Decision, string? Reason = null);

/// <summary>An answer to a comment, by the proposer or the coordination office.</summary>
public sealed record AnswerRequest(string? Answer);

/// <summary>A withdrawal or submission note.</summary>
public sealed record AmendmentNoteRequest(string? Reason = null);

/// <summary>How many changes of each kind an amendment makes to one layer.</summary>
public sealed record AmendmentLayerSummary(string Layer, int Added, int Changed, int Retired);

/// <summary>An amendment as one caller sees it; comments not yet accepted are shown only to the office, administrators and their authors.</summary>
public sealed record AmendmentView(
    string Id,
    string Status,
    string? CaseId,
    string PlanId,
    string BaseVersion,
    string Title,
    string Rationale,
    string EffectiveFrom,
    string Proposer,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NoticeEndsAt,
    JsonNode Balance,
    string? BalanceOverride,
    IReadOnlyList<AmendmentLayerSummary> Layers,
    JsonArray? Changes,
    IReadOnlyList<AmendmentComment> Comments,
    int UnansweredComments,
    IReadOnlyList<AmendmentEvent> Timeline,
    string? PublishedVersion,
    long Version,
    IReadOnlyList<string> YouMay);

/// <summary>The list: summaries without change sets.</summary>
public sealed record AmendmentList(IReadOnlyList<AmendmentView> Amendments);

public static class AmendmentViews
{
    public static bool CanSee(Actor actor, AmendmentFile file) =>
        file.Status != AmendmentStatus.Draft || actor.IsRegionWide || actor.Name == file.Proposer;

    public static bool CanModerate(Actor actor) => actor.IsRegionWide;

    public static bool CanAnswer(Actor actor, AmendmentFile file) => actor.IsRegionWide || (!actor.IsAnonymous && actor.Name == file.Proposer);

    public static AmendmentView Of(AmendmentFile file, long version, Actor actor, DateTimeOffset now, bool withChanges)
    {
        var status = file.StatusOn(now);
        var comments = file.Comments.Where(c => c.Status == CommentStatus.Shown || CanModerate(actor) || (!actor.IsAnonymous && c.Author == actor.Name)).ToList();
        var layers = file.Changes.GroupBy(c => c!["layer"]!.GetValue<string>(), StringComparer.Ordinal).Select(g => new AmendmentLayerSummary(g.Key,
            g.Count(c => c!["op"]!.GetValue<string>() == "add"), g.Count(c => c!["op"]!.GetValue<string>() == "change"), g.Count(c => c!["op"]!.GetValue<string>() == "retire")))
            .OrderBy(l => l.Layer, StringComparer.Ordinal).ToList();
        var may = new List<string>();
        if (status == AmendmentStatus.PublicNotice)
        {
            may.Add("comment");
        }

        if (CanModerate(actor) && file.Comments.Any(c => c.Status == CommentStatus.Pending))
        {
            may.Add("moderate");
        }

        if (CanAnswer(actor, file) && file.Comments.Any(c => c.NeedsAnswer))
        {
            may.Add("answer");
        }

        if (actor.Name == file.Proposer && !file.IsClosed)
        {
            may.Add("withdraw");
            if (file.Status == AmendmentStatus.Draft)
            {
                may.Add("submit");
            }
        }

        return new AmendmentView(file.Id, status, file.CaseId, file.PlanId, file.BaseVersion, file.Title, file.Rationale, file.EffectiveFrom.ToString("yyyy-MM-dd"),
            file.Proposer, file.CreatedAt, file.UpdatedAt, file.NoticeEndsAt, file.Balance, file.BalanceOverride, layers,
            withChanges ? (JsonArray)file.Changes.DeepClone() : null, comments, file.Comments.Count(c => c.NeedsAnswer), file.Timeline, file.PublishedVersion, version, may);
    }
}
