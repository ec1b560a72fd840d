namespace Metrocircle.Core.Access;

/// <summary>
/// Who is acting: an account's name and role, and for a reviewer the jurisdiction (a province or city id of the plan's
/// boundary layers) and department they act for. <see cref="Anonymous"/> is the public.
/// </summary>
public sealed record Actor(string Name, Role? Role, string? Jurisdiction = null, string? Department = null)
{
    public static Actor Anonymous { get; } = new("anonymous", null);

    public bool IsAnonymous => Role is null;

    public bool Is(Role role) => Role == role;

    /// <summary>Administrators and the coordination office act for the whole region.</summary>
    public bool IsRegionWide => Role is Access.Role.Administrator or Access.Role.CoordinationOffice;

    /// <summary>
    /// Whether this actor may act for <paramref name="jurisdiction"/>: region-wide roles for all; a reviewer for their
    /// own jurisdiction and for any jurisdiction inside it (<paramref name="parents"/> lists the ids that contain it,
    /// for example the province of a city).
    /// </summary>
    public bool ActsFor(string jurisdiction, IEnumerable<string>? parents = null) =>
        IsRegionWide
        || (Role == Access.Role.Reviewer && Jurisdiction is not null
            && (string.Equals(Jurisdiction, jurisdiction, StringComparison.Ordinal) || (parents?.Contains(Jurisdiction, StringComparer.Ordinal) ?? false)));
}
