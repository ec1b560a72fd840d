using Metrocircle.Core.Audit;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Storage;

/// <summary>A query for features of one layer at one plan version.</summary>
/// <param name="Bbox">Lon/lat box; features whose geometry intersects it. Null: all.</param>
/// <param name="Offset">Matches skipped before the page; ignored when <paramref name="After"/> is given.</param>
/// <param name="ValidFrom">With <paramref name="ValidTo"/>, an interval that a feature's validity must overlap; null ends are open.</param>
/// <param name="After">A cursor from <see cref="FeaturePage.Next"/>: the page starts after this row key, so a deep page costs what the first does.</param>
/// <param name="MatchedCap">The store counts matches only up to this many; above it <see cref="FeaturePage.NumberMatched"/> is null.</param>
public sealed record FeatureQuery(
    string VersionId,
    string LayerId,
    Envelope? Bbox = null,
    int Offset = 0,
    int Limit = 10,
    DateOnly? ValidFrom = null,
    DateOnly? ValidTo = null,
    long? After = null,
    int MatchedCap = FeatureQuery.DefaultMatchedCap)
{
    /// <summary>How many matches a read counts exactly by default; an anonymous bbox over a huge layer must not count it all.</summary>
    public const int DefaultMatchedCap = 10_000;
}

/// <summary>One page of a feature query.</summary>
/// <param name="NumberMatched">How many features match in all, or null when more than the query's cap do.</param>
/// <param name="Next">The cursor of the next page (the last returned feature's row key) while more features match; null on the last page.</param>
public sealed record FeaturePage(IReadOnlyList<PlanFeature> Features, long? NumberMatched, long? Next = null)
{
    /// <summary>A page with nothing in it.</summary>
    public static FeaturePage Empty => new([], 0);
}

/// <summary>How many features a layer has, their lon/lat extent (null when none has geometry) and how many are of each certainty.</summary>
public sealed record LayerStats(long Count, Envelope? Extent, IReadOnlyDictionary<Certainty, long> ByCertainty)
{
    /// <summary>The statistics of a layer without features.</summary>
    public static LayerStats None => new(0, null, new Dictionary<Certainty, long>());

    /// <summary>The least certain kind present: a layer is only as certain as its weakest feature.</summary>
    public Certainty? Weakest => ByCertainty.Count == 0 ? null : ByCertainty.Keys.Max();
}

/// <summary>A stored import report.</summary>
public sealed record StoredImportReport(long Id, DateTimeOffset At, string Source, string Text);

/// <summary>
/// The seam between Core and a storage engine: versioned layers and features read by bbox, written a whole
/// version at a time. Each engine translates its own errors into <see cref="StoreException"/>.
/// </summary>
public interface IPlanStore : IAsyncDisposable
{
    /// <summary>What the store is, for logs and messages (never contains a password).</summary>
    string Description { get; }

    Task MigrateAsync(CancellationToken ct);

    Task<Plan?> GetPlanAsync(string planId, CancellationToken ct);

    /// <summary>The newest published version of any plan, or null when the store is empty.</summary>
    Task<PlanVersion?> GetCurrentVersionAsync(CancellationToken ct);

    Task<IReadOnlyList<PlanLayer>> GetLayersAsync(string versionId, CancellationToken ct);

    /// <summary>The layers of a version the caller holds already, read without looking the version up again.</summary>
    Task<IReadOnlyList<PlanLayer>> GetLayersAsync(PlanVersion version, CancellationToken ct);

    Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct);

    Task<PlanFeature?> GetFeatureAsync(string versionId, string layerId, string featureId, CancellationToken ct);

    /// <summary>Count, extent and certainty mix of a layer at a version, for collection metadata.</summary>
    Task<LayerStats> GetLayerStatsAsync(string versionId, string layerId, CancellationToken ct);

    /// <summary>The statistics of every layer with features at a version, in one query; a layer without features is absent.</summary>
    Task<IReadOnlyDictionary<string, LayerStats>> GetLayerStatsAsync(PlanVersion version, CancellationToken ct);

    /// <summary>
    /// Every feature of a layer at a version, in the order of unfiltered items pages (by row key): by the version that
    /// added a feature, then in the order it was written.
    /// </summary>
    IAsyncEnumerable<PlanFeature> StreamFeaturesAsync(string versionId, string layerId, CancellationToken ct);

    /// <summary>
    /// The id and WKB of every feature of a layer at a version, with no property parsing or geometry decoding on the
    /// reading thread (the caller decodes where it likes, on several threads). The order is
    /// <see cref="StreamFeaturesAsync"/>'s.
    /// </summary>
    IAsyncEnumerable<FeatureWkb> StreamGeometriesAsync(string versionId, string layerId, CancellationToken ct);

    /// <summary>
    /// The WKB of every feature of a layer at a version, without ids, in <see cref="StreamGeometriesAsync"/>'s order and
    /// in batches of <paramref name="batchSize"/> features (the last may hold fewer; a layer with no features gives
    /// none): what a whole-layer computation on several threads reads, one pooled buffer a batch rather than an array
    /// a feature. Each batch belongs to the caller, who disposes it when done with it.
    /// </summary>
    IAsyncEnumerable<WkbBatch> StreamGeometryBatchesAsync(string versionId, string layerId, int batchSize, CancellationToken ct);

    /// <summary>Writes a plan's new version with all its layers, features and import report in one transaction.</summary>
    Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report, CancellationToken ct) =>
        PublishAsync(plan, version, layers, features, report, null, ct);

    /// <summary>As above, with the audit entry that records the publish committed in the same transaction when given.</summary>
    Task PublishAsync(Plan plan, PlanVersion version, IReadOnlyList<PlanLayer> layers, IReadOnlyList<PlanFeature> features, ImportReport report,
        AuditRecord? audit, CancellationToken ct);

    /// <summary>
    /// Publishes a new version of a plan in which one layer is replaced (or added) by the streamed features, in one
    /// transaction: other layers carry over unchanged, and a cancelled or failed import leaves the store as it was.
    /// <paramref name="progress"/> receives the number of features written so far.
    /// </summary>
    Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, CancellationToken ct) => ReplaceLayerAsync(planId, layer, features, report, progress, null, ct);

    /// <summary>As above, with the audit entry made of the new version committed in the same transaction when given.</summary>
    Task<PlanVersion> ReplaceLayerAsync(string planId, PlanLayer layer, IAsyncEnumerable<PlanFeature> features, ImportReport report,
        IProgress<long>? progress, Func<PlanVersion, AuditRecord>? audit, CancellationToken ct);

    Task<IReadOnlyList<StoredImportReport>> GetImportReportsAsync(CancellationToken ct);

    /// <summary>Every version of a plan with what produced it, newest first.</summary>
    Task<IReadOnlyList<VersionRecord>> GetVersionsAsync(string planId, CancellationToken ct);

    /// <summary>One version with what produced it, or null when no version has that id.</summary>
    Task<VersionRecord?> GetVersionRecordAsync(string versionId, CancellationToken ct);

    /// <summary>The version in force on a day: the newest (by sequence) whose <c>EffectiveFrom</c> is on or before it; null when none.</summary>
    Task<PlanVersion?> GetVersionInForceAsync(DateOnly day, CancellationToken ct);

    /// <summary>Every version in which a feature was added, changed or retired, oldest first.</summary>
    Task<IReadOnlyList<FeatureHistoryEntry>> GetFeatureHistoryAsync(string planId, string layerId, string featureId, CancellationToken ct);

    /// <summary>
    /// Publishes a version made of feature changes on top of the newest version, in one transaction with its audit
    /// entries; throws <see cref="Amendments.ChangeSetConflictException"/> (writing nothing) when a changed or retired
    /// feature moved since <see cref="Amendments.ChangeSetPublish.BaseSequence"/> or an added id exists.
    /// </summary>
    Task<PlanVersion> ApplyChangesAsync(Amendments.ChangeSetPublish publish, CancellationToken ct);
}

/// <summary>A storage failure in domain terms; the message says what failed and where.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
