using System.Globalization;
using Metrocircle.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Plan;

/// <summary>
/// Which plan a read asks for: exactly one version (<c>version=ID</c>), the version in force on a day
/// (<c>asOf=YYYY-MM-DD</c>), or, with neither, the version in force now.
/// </summary>
public sealed record PlanSelection(string? Version, DateOnly? AsOf)
{
    public static readonly PlanSelection Now = new(null, null);

    /// <summary>Whether the read names a version or a date, so its answer never changes (a served version is immutable).</summary>
    public bool IsPinned => Version is not null || AsOf is not null;

    /// <summary>The query parameter that carries this selection (<c>version=…</c> or <c>asOf=…</c>), or empty for the plan in force now.</summary>
    public string Query => Version is not null ? $"version={Uri.EscapeDataString(Version)}"
        : AsOf is { } day ? $"asOf={day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : string.Empty;

    /// <summary>A link with this selection carried along, so a client following it stays on the same plan.</summary>
    public string Carry(string url) => Query.Length == 0 ? url : $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{Query}";
}

/// <summary>
/// Turns a read's <c>version</c> and <c>asOf</c> parameters into the <see cref="PlanView"/> to answer from, or the
/// problem to answer instead; every feature that reads the plan calls this one thing.
/// </summary>
public static class PlanResolver
{
    public const string VersionParameter = "version";
    public const string AsOfParameter = "asOf";

    /// <summary>Reads the two parameters: both given, an empty version or a date that is not YYYY-MM-DD is a 400 naming the parameter.</summary>
    public static (PlanSelection? Selection, ProblemHttpResult? Problem) Parse(string? version, string? asOf)
    {
        if (version is not null && asOf is not null)
        {
            return (null, Problems.BadRequest("Both version and asOf",
                $"Give version= (exactly one version) or asOf= (the version in force on a day), not both; got version=\"{version}\" and asOf=\"{asOf}\".",
                VersionParameter));
        }

        if (version is not null)
        {
            return string.IsNullOrWhiteSpace(version)
                ? (null, Problems.BadRequest("Invalid version", "version= is empty; give a version id as GET /versions lists them.", VersionParameter))
                : (new PlanSelection(version, null), null);
        }

        if (asOf is not null)
        {
            return DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? (new PlanSelection(null, day), null)
                : (null, Problems.BadRequest("Invalid asOf", $"asOf must be a calendar date YYYY-MM-DD (for example 2026-03-01); got \"{asOf}\".", AsOfParameter));
        }

        return (PlanSelection.Now, null);
    }

    /// <summary>
    /// The plan a read asks for. Problems: both parameters or a malformed one (400), an unknown version or a day before
    /// the first version took effect (404), a store without a plan (503). Views are cached per version id by the catalog.
    /// </summary>
    public static async Task<(PlanView? View, PlanSelection? Selection, ProblemHttpResult? Problem)> ResolveAsync(this PlanCatalog catalog,
        string? version, string? asOf, CancellationToken ct)
    {
        var (selection, problem) = Parse(version, asOf);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var (view, missing) = await ResolveAsync(catalog, selection!, ct);
        return (view, selection, missing);
    }

    /// <summary>The plan of a selection already parsed (for a stored selection, say), or the problem as above.</summary>
    public static async Task<(PlanView? View, ProblemHttpResult? Problem)> ResolveAsync(this PlanCatalog catalog, PlanSelection selection, CancellationToken ct)
    {
        if (selection.Version is { } id)
        {
            return await catalog.GetVersionAsync(id, ct) is { } exact
                ? (exact, null)
                : (null, await catalog.GetAsync(ct) is null ? Problems.NoPlan()
                    : Problems.NotFound("Unknown version", $"No plan version \"{id}\" exists; GET /versions lists them."));
        }

        if (selection.AsOf is { } day)
        {
            if (await catalog.GetAsOfAsync(day, ct) is { } inForce)
            {
                return (inForce, null);
            }

            var versions = await catalog.GetVersionsAsync(ct);
            if (versions.Count == 0)
            {
                return (null, Problems.NoPlan());
            }

            var first = versions[^1].Version;
            return (null, Problems.NotFound("No plan in force on that day",
                $"asOf={day:yyyy-MM-dd} is before the first plan version, {first.Id}, took effect on {first.EffectiveFrom:yyyy-MM-dd}; give a day on or after it."));
        }

        return await catalog.GetAsync(ct) is { } now ? (now, null) : (null, Problems.NoPlan());
    }
}
