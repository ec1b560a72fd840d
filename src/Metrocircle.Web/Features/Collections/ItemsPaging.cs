using System.Globalization;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Collections;

/// <summary>How far an items read counts its matches: exactly up to the cap, and not at all above it (numberMatched is then left out).</summary>
public sealed record ItemsPaging(int NumberMatchedCap = FeatureQuery.DefaultMatchedCap)
{
    public const string NumberMatchedCapVariable = "METROCIRCLE_NUMBER_MATCHED_CAP";

    /// <summary>The cap from its environment variable; unset keeps the default, a malformed one stops the host with a message naming it.</summary>
    public static ItemsPaging FromEnvironment(Func<string, string?> variable) =>
        variable(NumberMatchedCapVariable) is not { Length: > 0 } text ? new()
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cap) && cap is >= 1 and <= 10_000_000 ? new(cap)
        : throw new FormatException($"{NumberMatchedCapVariable}: \"{text}\" is not a whole number from 1 to 10000000");
}
