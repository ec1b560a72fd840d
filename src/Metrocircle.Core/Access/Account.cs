using System.Text.RegularExpressions;

namespace Metrocircle.Core.Access;

/// <summary>
/// A person's account. <see cref="MustChangePassword"/> is set for one-time passwords (first start, resets): such a
/// session may only change the password. <see cref="PasswordSetAt"/> is when the password was last set (null: when the
/// account was created), so a one-time password can expire.
/// </summary>
public sealed partial record Account(
    string UserName,
    string DisplayName,
    Role Role,
    string? Jurisdiction,
    string? Department,
    string PasswordHash,
    bool Disabled,
    bool MustChangePassword,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PasswordSetAt = null)
{
    /// <summary>How long a one-time password works when the host sets no other lifetime.</summary>
    public static readonly TimeSpan DefaultOneTimePasswordLifetime = TimeSpan.FromHours(24);

    public Actor ToActor() => new(UserName, Role, Jurisdiction, Department);

    /// <summary>The account with a new password hash set at <paramref name="at"/>; a one-time password must be changed at the next sign-in.</summary>
    public Account WithPassword(string hash, bool oneTime, DateTimeOffset at) => this with { PasswordHash = hash, MustChangePassword = oneTime, PasswordSetAt = at };

    /// <summary>When the one-time password stops working, or null when the password is not a one-time one.</summary>
    public DateTimeOffset? OneTimePasswordExpiresAt(TimeSpan lifetime) => MustChangePassword ? (PasswordSetAt ?? CreatedAt) + lifetime : null;

    /// <summary>Lower-case letters, digits, dot, dash and underscore; 2–64 characters, starting with a letter or digit.</summary>
    public static bool IsValidUserName(string? name) => name is not null && UserNamePattern().IsMatch(name);

    /// <summary>What is wrong with an account's role binding, or null: a reviewer needs a jurisdiction and a department; others have neither.</summary>
    public static string? BindingProblem(Role role, string? jurisdiction, string? department) => role switch
    {
        Role.Reviewer when string.IsNullOrWhiteSpace(jurisdiction) => "a reviewer needs a jurisdiction (--jurisdiction, the id of a province, city or county)",
        Role.Reviewer when string.IsNullOrWhiteSpace(department) => "a reviewer needs a department (--department)",
        Role.NationalReviewer when jurisdiction is not null => "a national reviewer acts for a ministry across the whole country, not for a jurisdiction: give only --department",
        Role.NationalReviewer when string.IsNullOrWhiteSpace(department) => "a national reviewer needs a department (--department, the ministry's department in the approval rules)",
        not Role.Reviewer and not Role.NationalReviewer when jurisdiction is not null || department is not null => $"a {Roles.Name(role)} acts for the whole region or for themselves; only reviewers have a jurisdiction and department",
        _ => null,
    };

    /// <summary>The shortest password accepted when a person chooses one.</summary>
    public const int MinimumPasswordLength = 12;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{1,63}\z")]
    private static partial Regex UserNamePattern();
}

/// <summary>A signed-in session: the SHA-256 of its token (the token itself is never stored), whose it is, and until when.</summary>
public sealed record Session(string TokenHash, string UserName, string Kind, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public const string Cookie = "cookie";
    public const string Bearer = "bearer";
}
