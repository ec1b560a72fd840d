using Metrocircle.Core.Model;

namespace Metrocircle.Web.Plan;

/// <summary>
/// The jurisdictions of the plan version in force (<see cref="JurisdictionIndex"/>), read once per version: every
/// input that names a jurisdiction resolves a former id through it, and a city's reviewers find the counties below it.
/// </summary>
public sealed class JurisdictionCache(PlanCatalog catalog)
{
    private sealed record Cached(string VersionId, JurisdictionIndex Index);

    private Cached? _current;

    public async Task<JurisdictionIndex> GetAsync(CancellationToken ct) =>
        await catalog.GetAsync(ct) is { } view ? await GetAsync(view, ct) : JurisdictionIndex.Empty;

    public async Task<JurisdictionIndex> GetAsync(PlanView view, CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } cached && cached.VersionId == view.Version.Id)
        {
            return cached.Index;
        }

        var index = await JurisdictionIndex.LoadAsync(catalog.Store, view.Version.Id, view.Layers, ct);
        if (catalog.Served?.Version.Id == view.Version.Id)
        {
            Volatile.Write(ref _current, new Cached(view.Version.Id, index));
        }

        return index;
    }

    /// <summary>Resolves an optional input id (trimmed; null or blank stays null) to the current id.</summary>
    public async Task<string?> ResolveAsync(string? id, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(id) ? null : (await GetAsync(ct)).Resolve(id.Trim());
}
