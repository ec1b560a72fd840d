using Metrocircle.Core.Model;

namespace Metrocircle.Core.Storage;

/// <summary>The row keys of one page of a feature query, in key order, with the same count and cursor as <see cref="FeaturePage"/>.</summary>
public sealed record FeatureKeyPage(IReadOnlyList<long> Keys, long? NumberMatched, long? Next = null);

/// <summary>
/// A feature query answered in two steps: first the row keys of a page, without reading a feature, then the features
/// of chosen keys. A stored row never changes what it holds (a later version adds rows and retires old ones), so a
/// reader that keeps something derived from a row (the items cache keeps its encoded GeoJSON) may key it by the row
/// key and read only the rows it does not hold. Both steps select exactly what <see cref="IPlanStore.GetFeaturesAsync"/> does.
/// </summary>
public interface IFeatureKeyReader
{
    /// <summary>The keys <see cref="IPlanStore.GetFeaturesAsync"/> would return the features of, its count and next cursor.</summary>
    Task<FeatureKeyPage> GetFeatureKeysAsync(FeatureQuery query, CancellationToken ct);

    /// <summary>The features of the given row keys, with their keys, in key order; a key without a row is left out.</summary>
    Task<IReadOnlyList<(long Key, PlanFeature Feature)>> GetFeaturesByKeyAsync(IReadOnlyList<long> keys, CancellationToken ct);
}
