using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Collections;

/// <summary>How far an items read counts its matches: exactly up to the cap, and not at all above it (numberMatched is then left out).</summary>
public sealed record ItemsPaging(int NumberMatchedCap = FeatureQuery.DefaultMatchedCap);
