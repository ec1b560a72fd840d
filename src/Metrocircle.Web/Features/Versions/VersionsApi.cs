using System.Globalization;
using System.Text.Json.Serialization;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Versions;

/// <summary>How many features of one layer a version added, changed and retired.</summary>
public sealed record VersionLayerChanges(string Id, int Added, int Changed, int Retired);

/// <summary>
/// One plan version: <see cref="PublishedAt"/> is when it was recorded, <see cref="EffectiveFrom"/> when it takes
/// effect; <see cref="Source"/> is seed, import or amendment; <see cref="InForce"/> marks the one in force today.
/// </summary>
public sealed record VersionSummary(string Id, int Sequence, DateTimeOffset PublishedAt, DateOnly EffectiveFrom, string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AmendmentId, string Label, bool InForce,
    IReadOnlyList<VersionLayerChanges> Layers)
{
    public static VersionSummary Of(VersionRecord record, bool inForce) =>
        new(record.Version.Id, record.Version.Sequence, record.Version.PublishedAt, record.Version.EffectiveFrom, record.Source, record.AmendmentId,
            record.Version.Label, inForce, [.. record.Changes.Select(c => new VersionLayerChanges(c.LayerId, c.Added, c.Changed, c.Retired))]);
}

/// <summary>Every version of the plan, newest first.</summary>
public sealed record VersionList(IReadOnlyList<VersionSummary> Versions)
{
    /// <summary>The list as served on a day: the version in force then is the newest whose effective date has come (valid time only moves forward).</summary>
    public static VersionList Of(IReadOnlyList<VersionRecord> newestFirst, DateOnly today)
    {
        var inForce = InForce(newestFirst, today);
        return new([.. newestFirst.Select(r => VersionSummary.Of(r, r.Version.Id == inForce))]);
    }

    /// <summary>The id of the version in force on a day, or null when none had taken effect.</summary>
    public static string? InForce(IReadOnlyList<VersionRecord> newestFirst, DateOnly day) =>
        newestFirst.FirstOrDefault(r => r.Version.EffectiveFrom <= day)?.Version.Id;
}

/// <summary>The features a version added, changed and retired over all layers.</summary>
public sealed record ChangeSummary(int Added, int Changed, int Retired);

/// <summary>One version with why it was made and what it changed in all.</summary>
public sealed record VersionDetail(string Id, int Sequence, DateTimeOffset PublishedAt, DateOnly EffectiveFrom, string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AmendmentId, string Label, bool InForce,
    IReadOnlyList<VersionLayerChanges> Layers, string? Rationale, ChangeSummary Summary);

/// <summary>One version in which a feature was added, changed or retired; <see cref="Feature"/> is what it became (absent when retired).</summary>
public sealed record FeatureHistoryItem(string Version, int Sequence, string Change, string EffectiveFrom, string PublishedAt, FeatureDocument? Feature);

/// <summary>A feature's history, oldest first.</summary>
public sealed record FeatureHistoryDocument(IReadOnlyList<FeatureHistoryItem> History);

/// <summary>
/// The plan's versions and a feature's history. Anonymous: the plan and its history are public. Version records are
/// immutable, so the catalog reads the list once per newest version.
/// </summary>
public static class VersionsApi
{
    public static IEndpointRouteBuilder MapVersions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Versions").AllowAnonymous();
        group.MapGet("/versions", GetVersions).WithName("getVersions").WithSummary("Every version of the plan, newest first, with what produced it and per-layer change counts");
        group.MapGet("/versions/{versionId}", GetVersion).WithName("getVersion").WithSummary("One version with its rationale and change summary");
        group.MapGet("/collections/{collectionId}/items/{featureId}/history", GetFeatureHistory).WithName("getFeatureHistory")
            .WithTags("OGC API – Features").WithSummary("Every version in which a feature was added, changed or retired, with the feature as it became")
            .Produces<FeatureHistoryDocument>(StatusCodes.Status200OK, Links.Json);
        return app;
    }

    internal static async Task<Results<Ok<VersionList>, ProblemHttpResult>> GetVersions(PlanCatalog catalog, CancellationToken ct)
    {
        var records = await catalog.GetVersionsAsync(ct);
        if (records.Count == 0)
        {
            return Problems.NoPlan();
        }

        return TypedResults.Ok(VersionList.Of(records, catalog.Today));
    }

    internal static async Task<Results<Ok<VersionDetail>, ProblemHttpResult>> GetVersion(string versionId, PlanCatalog catalog, CancellationToken ct)
    {
        var records = await catalog.GetVersionsAsync(ct);
        if (records.Count == 0)
        {
            return Problems.NoPlan();
        }

        if (records.FirstOrDefault(r => r.Version.Id == versionId) is not { } record)
        {
            return Problems.NotFound("Unknown version",
                $"No plan version \"{versionId}\" exists; the versions are {string.Join(", ", records.Select(r => r.Version.Id))} (GET /versions).");
        }

        var s = VersionSummary.Of(record, record.Version.Id == VersionList.InForce(records, catalog.Today));
        return TypedResults.Ok(new VersionDetail(s.Id, s.Sequence, s.PublishedAt, s.EffectiveFrom, s.Source, s.AmendmentId, s.Label, s.InForce, s.Layers,
            record.Rationale, new ChangeSummary(s.Layers.Sum(l => l.Added), s.Layers.Sum(l => l.Changed), s.Layers.Sum(l => l.Retired))));
    }

    internal static async Task<Results<JsonWriterResult, ProblemHttpResult>> GetFeatureHistory(string collectionId, string featureId, PlanCatalog catalog,
        HttpRequest request, CancellationToken ct)
    {
        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var history = await catalog.Store.GetFeatureHistoryAsync(view.Plan.Id, collectionId, featureId, ct);
        if (history.Count == 0)
        {
            return view.Layer(collectionId) is null
                ? Problems.NotFound("Unknown collection",
                    $"The plan has no collection \"{collectionId}\". Known collections: {string.Join(", ", view.Layers.Select(l => l.Id))}.")
                : Problems.NotFound("Unknown feature", $"Collection \"{collectionId}\" has never had a feature \"{featureId}\" in any version.");
        }

        var root = Links.Base(request);
        var itemUrl = $"{root}/collections/{Uri.EscapeDataString(collectionId)}/items/{Uri.EscapeDataString(featureId)}";
        return new JsonWriterResult(Links.Json, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("history");
            foreach (var entry in history)
            {
                w.WriteStartObject();
                w.WriteString("version", entry.Version.Id);
                w.WriteNumber("sequence", entry.Version.Sequence);
                w.WriteString("change", entry.Change);
                w.WriteString("effectiveFrom", entry.Version.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteString("publishedAt", entry.Version.PublishedAt);
                if (entry.Feature is { } feature)
                {
                    w.WritePropertyName("feature");
                    GeoJsonFeatureWriter.Write(w, feature, w2 =>
                        Links.Write(w2, $"{itemUrl}?version={Uri.EscapeDataString(entry.Version.Id)}", "self", Links.GeoJson, $"The feature in version {entry.Version.Id}"));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
