namespace Metrocircle.Core.Access;

/// <summary>What a signed-in account may do. Anonymous callers have no role: they read published layers only.</summary>
public enum Role
{
    /// <summary>Manages accounts; sees everything; decides nothing on cases.</summary>
    Administrator,

    /// <summary>The cross-regional coordination office: reviews cross-boundary cases and may override with a written reason.</summary>
    CoordinationOffice,

    /// <summary>Reviews the part of a case that falls to their jurisdiction and department.</summary>
    Reviewer,

    /// <summary>Submits projects and sees only their own cases.</summary>
    Proponent,

    /// <summary>
    /// Reviews for a national ministry (its department) the tasks the approval rules send to national level, such as
    /// a project taking permanent basic farmland; bound to a department, not to a jurisdiction.
    /// </summary>
    NationalReviewer,
}

/// <summary>The wire names of roles (kebab-case, as in the API and the CLI).</summary>
public static class Roles
{
    public static string Name(Role role) => role switch
    {
        Role.Administrator => "administrator",
        Role.CoordinationOffice => "coordination-office",
        Role.Reviewer => "reviewer",
        Role.Proponent => "proponent",
        Role.NationalReviewer => "national-reviewer",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static IReadOnlyList<Role> All { get; } = Enum.GetValues<Role>();

    public static bool TryParse(string? text, out Role role)
    {
        foreach (var r in All)
        {
            if (string.Equals(Name(r), text, StringComparison.OrdinalIgnoreCase))
            {
                role = r;
                return true;
            }
        }

        role = default;
        return false;
    }
}
