using System.Globalization;

namespace Metrocircle.Core;

/// <summary>Whole-number settings read from environment variables, checked the same way by the host and the command line.</summary>
public static class EnvironmentNumbers
{
    /// <summary>
    /// The variable's value, or null when it is unset or empty; a value that is not a whole number from
    /// <paramref name="min"/> to <paramref name="max"/> throws a <see cref="FormatException"/> naming the variable.
    /// </summary>
    public static int? Whole(Func<string, string?> variable, string name, int min, int max) =>
        variable(name) is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{name}: \"{text}\" is not a whole number from {min} to {max}"));
}
