using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Cases;

/// <summary>
/// Case lists a page at a time, by key: <c>limit</c> cases, and <c>next</c> (an opaque cursor for <c>after</c>) when
/// more may follow. Each role's filter runs in SQL, the office's inbox too, so a page reads only its own rows.
/// </summary>
internal static class CasePages
{
    public const int MaxLimit = 500;

    /// <param name="below">The jurisdictions directly below a reviewer's (a city's counties): their tasks may be the reviewer's to decide when the rule says so.</param>
    public static CaseQuery Query(Actor actor, bool inbox, CaseStatus? status, int limit, CasePageKey? after, IReadOnlyList<string>? below = null) => actor.Role switch
    {
        Role.Proponent => new CaseQuery(Proponent: actor.Name, Status: status, Limit: limit, After: after),
        Role.Reviewer => new CaseQuery(TaskJurisdiction: actor.Jurisdiction, OpenTaskFor: inbox, Status: status, Limit: limit, After: after, AlsoJurisdictions: below),
        Role.NationalReviewer => new CaseQuery(NationalDepartment: actor.Department ?? "", OpenTaskFor: inbox, Status: status, Limit: limit, After: after),
        Role.CoordinationOffice => new CaseQuery(Status: status, Limit: limit, OpenForOffice: inbox, After: after),
        _ => new CaseQuery(Status: status, Limit: limit, After: after),
    };

    /// <summary>The cursor after the last case the store returned for a full page; null when the page was not full.</summary>
    public static string? Next(IReadOnlyList<StoredCase> page, int limit) => page.Count < limit ? null
        : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page[^1].File.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + page[^1].File.Id));

    public static bool TryRead(string cursor, out CasePageKey? key)
    {
        key = null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && text.Length - bar - 1 is > 0 and <= 200)
            {
                key = new CasePageKey(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Not base64url: refused below like any other cursor this server did not write.
        }

        return key is not null;
    }
}
