using System.Security.Claims;
using Metrocircle.Core.Access;

namespace Metrocircle.Web.Infrastructure.Access;

/// <summary>How an <see cref="Actor"/> travels in a <see cref="ClaimsPrincipal"/>: the handlers read it back with <see cref="ToActor"/>.</summary>
public static class ActorClaims
{
    public const string Jurisdiction = "metrocircle:jurisdiction";
    public const string Department = "metrocircle:department";
    public const string Session = "metrocircle:session";

    public static ClaimsPrincipal ToPrincipal(Actor actor, string scheme, string sessionId)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, actor.Name), new(Session, sessionId) };
        if (actor.Role is { } role)
        {
            claims.Add(new Claim(ClaimTypes.Role, Roles.Name(role)));
        }

        if (actor.Jurisdiction is not null)
        {
            claims.Add(new Claim(Jurisdiction, actor.Jurisdiction));
        }

        if (actor.Department is not null)
        {
            claims.Add(new Claim(Department, actor.Department));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The actor behind a request; <see cref="Actor.Anonymous"/> when nobody is signed in.</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || user.Identity.Name is not { } name)
        {
            return Actor.Anonymous;
        }

        Role? role = Roles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var r) ? r : null;
        return new Actor(name, role, user.FindFirstValue(Jurisdiction), user.FindFirstValue(Department));
    }
}
