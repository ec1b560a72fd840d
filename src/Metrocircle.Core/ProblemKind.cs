namespace Metrocircle.Core;

/// <summary>
/// What kind of problem an input has, told apart the way a caller must react to it; the web layer maps each kind to a
/// status code and the command line to an exit code, so Core never speaks HTTP.
/// </summary>
public enum ProblemKind
{
    /// <summary>The input is not the shape asked for (not a GeoJSON Feature, a required member missing).</summary>
    Malformed,

    /// <summary>The input has the right shape but a value the plan does not allow.</summary>
    Invalid,

    /// <summary>The input is larger than accepted.</summary>
    TooLarge,

    /// <summary>What the input refers to does not exist.</summary>
    NotFound,

    /// <summary>The input contradicts the current state (a stale revision, a second decision).</summary>
    Conflict,
}
