using System.Text.Json.Nodes;
using Metrocircle.Core.Access;

namespace Metrocircle.Web.Features.Checks;

/// <summary>
/// Who may read a stored check: the proponent who made it, reviewers of a province or county it touches, the
/// coordination office and administrators. A check without <c>submittedBy</c> (made before accounts existed, when
/// checks were anonymous, or by the CLI) has no owner: holding its id gives nothing, since ids are time-ordered and a
/// caller walking them must not read other people's footprints.
/// </summary>
internal static class CheckVisibility
{
    public static bool CanSee(Actor actor, JsonObject document)
    {
        if (actor.IsAnonymous)
        {
            return false;
        }

        if (actor.IsRegionWide)
        {
            return true;
        }

        if (actor.Is(Role.Proponent))
        {
            return document["submittedBy"] is JsonValue by && by.TryGetValue<string>(out var name) && string.Equals(name, actor.Name, StringComparison.Ordinal);
        }

        return actor.Is(Role.Reviewer) && actor.Jurisdiction is { } mine
            && Places(document, "provinces").Concat(Places(document, "jurisdictions")).Contains(mine, StringComparer.Ordinal);
    }

    private static IEnumerable<string> Places(JsonObject document, string member) =>
        (document[member] as JsonArray ?? []).Select(p => p?["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null).OfType<string>();
}
