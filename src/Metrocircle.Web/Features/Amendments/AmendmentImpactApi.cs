using System.Security.Claims;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Accounts;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Features.Amendments;

/// <summary>
/// <c>GET /amendments/{id}/impact</c>: the amendment applied to its base version's snapshot and every stored check
/// (cases' checks among them) assessed against both — only footprints whose box meets a changed feature are
/// re-checked; the rest are counted as unchanged without re-checking. Areas per layer and county, computed
/// indicators before and after, and features of other layers newly overlapped or touched are public with the
/// amendment; which stored checks and cases change is shown to reviewers, the office and administrators only, since
/// checks are private to those who made them (others get the counts).
/// </summary>
public static class AmendmentImpactApi
{
    internal static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Impact(string amendmentId, ClaimsPrincipal user, IAmendmentStore amendments, ICaseStore cases,
        IDocumentStore documents, PlanCatalog catalog, SnapshotCache snapshots, CancellationToken ct)
    {
        var actor = user.ToActor();
        var stored = await amendments.GetAmendmentAsync(amendmentId, ct);
        if (stored is null || !AmendmentViews.CanSee(actor, stored.File))
        {
            return Problems.NotFound("Unknown amendment", $"No amendment with id \"{amendmentId}\" exists that you may see.");
        }

        var file = stored.File;
        if (await catalog.GetVersionAsync(file.BaseVersion, ct) is not { } view)
        {
            return Problems.NotFound("Unknown base version", $"The base version {file.BaseVersion} of {file.Id} is not in the store.");
        }

        return TypedResults.Ok(await ComputeAsync(file, catalog.Store, cases, documents, await snapshots.GetAsync(view, ct), actor.IsRegionWide || actor.Is(Role.Reviewer), ct));
    }

    /// <summary>
    /// The conflict patches the amendment creates (in the amended plan, not in its base) and resolves (in the base, not
    /// after), by the base version's conflict rules; a patch whose feature the amendment changes gets a new id, so it is
    /// listed as resolved and its successor as created.
    /// </summary>
    private static async Task<JsonObject> ConflictImpactAsync(IPlanStore store, string baseVersion, PlanSnapshot before, PlanSnapshot after, CancellationToken ct)
    {
        IReadOnlyList<ConflictRule> rules;
        try
        {
            rules = await ConflictRule.LoadAsync(store, baseVersion, ct);
        }
        catch (FormatException e)
        {
            return new JsonObject { ["created"] = new JsonArray(), ["resolved"] = new JsonArray(), ["note"] = $"conflicts not assessed: the conflict rules are malformed: {e.Message}" };
        }

        var lines = await ConflictDetector.LineLayersAsync(store, before, rules, ct);
        var (created, resolved) = ConflictStatuses.Diff(ConflictDetector.Detect(before, rules, lines, ct).Patches, ConflictDetector.Detect(after, rules, lines, ct).Patches);
        static JsonArray List(IReadOnlyList<ConflictPatch> patches) => new([.. patches.Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p.Id, ["rule"] = p.Rule, ["severity"] = p.Severity, ["layerA"] = p.LayerA, ["featureA"] = p.FeatureA, ["layerB"] = p.LayerB, ["featureB"] = p.FeatureB,
            ["county"] = p.County, ["areaM2"] = p.AreaM2 is { } a ? Math.Round(a, 2) : null, ["lengthM"] = p.LengthM is { } l ? Math.Round(l, 2) : null,
        })]);
        return new JsonObject { ["created"] = List(created), ["resolved"] = List(resolved) };
    }

    /// <summary>The impact report of an amendment over its base version's snapshot; <paramref name="withChecks"/> lists the checks and cases that change (else only their counts).</summary>
    public static async Task<JsonObject> ComputeAsync(AmendmentFile file, IPlanStore store, ICaseStore cases, IDocumentStore documents, PlanSnapshot before, bool withChecks,
        CancellationToken ct)
    {
        var changes = ChangeSetRequest.FromStored(file);
        var after = before.WithChanges(new PlanVersion($"{file.Id} on {file.BaseVersion}", file.PlanId, before.Version.Sequence, file.Title, file.EffectiveFrom, file.UpdatedAt), changes);
        var indicators = IndicatorCatalog.Read(await AccountValidation.RecordsAsync(store, file.BaseVersion, "indicators", ct));
        var approvalRecords = await AccountValidation.RecordsAsync(store, file.BaseVersion, ApprovalRules.LayerId, ct);
        var routingKinds = ApprovalRules.Read(approvalRecords).CoordinationWhenOverlapping.Union(AmendmentRules.Read(approvalRecords).CoordinationKinds, StringComparer.Ordinal).ToList();

        var checks = new List<CheckOnRecord>();
        await foreach (var (_, json) in documents.StreamDocumentsAsync(CheckDocument.Kind, ct))
        {
            if (JsonNode.Parse(json) is JsonObject document && CheckOnRecord.FromDocument(document, routingKinds) is { } check)
            {
                checks.Add(check);
            }
        }

        var impact = ImpactAssessor.Assess(before, after, changes, checks, indicators, routingKinds, ct);
        var conflicts = await ConflictImpactAsync(store, file.BaseVersion, before, after, ct);
        var byCheck = new Dictionary<string, CaseFile>(StringComparer.Ordinal);
        foreach (var status in new[] { CaseStatus.UnderReview, CaseStatus.ChangesRequested, CaseStatus.Approved })
        {
            foreach (var c in await cases.ListCasesAsync(new CaseQuery(Status: status, Limit: 1000), ct))
            {
                if (c.File.Category != AmendmentFile.CaseCategory && c.File.Revisions.Count > 0)
                {
                    byCheck[c.File.Current.CheckId] = c.File;
                }
            }
        }

        var reviewer = withChecks;
        var affectedCases = impact.Checks.Where(c => byCheck.ContainsKey(c.CheckId)).Select(c => (Check: c, Case: byCheck[c.CheckId])).ToList();
        JsonNode CheckJson(ImpactCheck c) => new JsonObject
        {
            ["checkId"] = c.CheckId,
            ["verdictBefore"] = c.VerdictBefore,
            ["verdictAfter"] = c.VerdictAfter,
            ["rules"] = new JsonArray([.. c.Rules.Select(r => (JsonNode)r)]),
            ["routingBefore"] = new JsonArray([.. c.RoutingBefore.Select(r => (JsonNode)r)]),
            ["routingAfter"] = new JsonArray([.. c.RoutingAfter.Select(r => (JsonNode)r)]),
        };
        return new JsonObject
        {
            ["amendmentId"] = file.Id,
            ["baseVersion"] = file.BaseVersion,
            ["checks"] = reviewer ? new JsonArray([.. impact.Checks.Select(CheckJson)]) : new JsonArray(),
            ["cases"] = reviewer ? new JsonArray([.. affectedCases.Select(x => (JsonNode)new JsonObject
            {
                ["caseId"] = x.Case.Id,
                ["title"] = x.Case.Title,
                ["status"] = CaseWorkflow.Wire(x.Case.Status),
                ["checkId"] = x.Check.CheckId,
                ["verdictBefore"] = x.Check.VerdictBefore,
                ["verdictAfter"] = x.Check.VerdictAfter,
            })]) : new JsonArray(),
            ["checksChanged"] = impact.Checks.Count,
            ["casesChanged"] = affectedCases.Count,
            ["areas"] = new JsonArray([.. impact.Areas.Select(a => (JsonNode)new JsonObject
            {
                ["layer"] = a.Layer, ["county"] = a.County, ["province"] = a.Province, ["addedM2"] = Math.Round(a.AddedM2, 1), ["removedM2"] = Math.Round(a.RemovedM2, 1),
            })]),
            ["indicators"] = new JsonArray([.. impact.Indicators.Select(i => (JsonNode)new JsonObject
            {
                ["indicator"] = i.Indicator, ["scope"] = i.Scope, ["unit"] = i.Unit, ["before"] = i.Before, ["after"] = i.After,
            })]),
            ["adjacent"] = new JsonArray([.. impact.Adjacent.Select(a => (JsonNode)new JsonObject
            {
                ["feature"] = a.Feature, ["other"] = a.Other, ["relation"] = a.Relation, ["overlapM2"] = Math.Round(a.OverlapM2, 1),
            })]),
            ["conflicts"] = conflicts,
            ["rechecked"] = impact.Rechecked,
            ["unchangedWithoutRecheck"] = impact.UnchangedWithoutRecheck,
        };
    }
}
