using Metrocircle.Core;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Collections;

/// <summary>
/// How far an items read counts its matches (exactly up to the cap, and not at all above it: numberMatched is then left
/// out), and how much memory the encoded features of items pages may keep (<see cref="EncodedFeatures"/>; 0 turns it off).
/// </summary>
public sealed record ItemsPaging(int NumberMatchedCap = FeatureQuery.DefaultMatchedCap, int FeatureCacheMegabytes = ItemsPaging.DefaultFeatureCacheMegabytes)
{
    public const string NumberMatchedCapVariable = "METROCIRCLE_NUMBER_MATCHED_CAP";

    public const string FeatureCacheVariable = "METROCIRCLE_ITEMS_CACHE_MB";

    public const int DefaultFeatureCacheMegabytes = 256;

    /// <summary>The settings from their environment variables; unset keeps a default, a malformed one stops the host with a message naming it.</summary>
    public static ItemsPaging FromEnvironment(Func<string, string?> variable) =>
        new(EnvironmentNumbers.Whole(variable, NumberMatchedCapVariable, 1, 10_000_000) ?? FeatureQuery.DefaultMatchedCap,
            EnvironmentNumbers.Whole(variable, FeatureCacheVariable, 0, 1_000_000) ?? DefaultFeatureCacheMegabytes);
}
