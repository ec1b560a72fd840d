using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Alignment;

/// <summary>
/// A category of project from the plan's catalogue (a record layer, not code), with its codes in the national land-
/// and sea-use classification (用地用海分类; the first is the category's principal class). Versions stored before
/// the codes existed carry none.
/// </summary>
public sealed record ProjectCategory(string Id, string NameZh, string NameEn, string? Description, bool Linear, IReadOnlyList<string>? LandUseCodes = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Codes => LandUseCodes ?? [];
}

/// <summary>What a category given by a check resolves to: one category, or the candidates a code leaves open.</summary>
public sealed record CategoryMatch(ProjectCategory? Category, IReadOnlyList<ProjectCategory> Candidates)
{
    public bool IsAmbiguous => Category is null && Candidates.Count > 1;
}

/// <summary>
/// Resolves what a check names as its category: a category id, or a land-use code. A code matches the categories
/// that carry it; failing that, the categories whose broader class contains it (<c>0804</c> under <c>08</c>), the
/// most specific first; failing that, the categories of narrower classes inside it (<c>10</c> over <c>1001</c>).
/// </summary>
public static class ProjectCategories
{
    /// <summary>A code of the classification: two digits of the first level (01–24), then two more per level.</summary>
    public static bool IsLandUseCode(string text) =>
        text.Length is 2 or 4 or 6 && text.All(char.IsAsciiDigit) && int.Parse(text[..2], CultureInfo.InvariantCulture) is >= 1 and <= 24;

    public static CategoryMatch Resolve(IReadOnlyDictionary<string, ProjectCategory> categories, string text)
    {
        if (categories.TryGetValue(text, out var byId))
        {
            return new CategoryMatch(byId, [byId]);
        }

        var code = text.Trim();
        if (!IsLandUseCode(code))
        {
            return new CategoryMatch(null, []);
        }

        var all = categories.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        var exact = all.Where(c => c.Codes.Contains(code, StringComparer.Ordinal)).ToList();
        if (exact.Count == 0)
        {
            var broader = all.Select(c => (Category: c, Length: c.Codes.Where(k => code.StartsWith(k, StringComparison.Ordinal)).Select(k => k.Length).DefaultIfEmpty(0).Max()))
                .Where(x => x.Length > 0).ToList();
            if (broader.Count > 0)
            {
                var longest = broader.Max(x => x.Length);
                exact = [.. broader.Where(x => x.Length == longest).Select(x => x.Category)];
            }
            else
            {
                exact = [.. all.Where(c => c.Codes.Any(k => k.StartsWith(code, StringComparison.Ordinal)))];
            }
        }

        return new CategoryMatch(exact.Count == 1 ? exact[0] : null, exact);
    }

    /// <summary>
    /// Problems of a dataset's category catalogue and of the rules that name categories: every category carries at least
    /// one well-formed code, and every category a rule names exists. Empty when all is well.
    /// </summary>
    public static IReadOnlyList<string> CheckBuild(IReadOnlyList<PlanFeature> features)
    {
        var problems = new List<string>();
        var categories = features.Where(f => f.LayerId == "categories").ToList();
        foreach (var c in categories)
        {
            var codes = (c.Properties["landUseCodes"] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var t) ? t : null).ToList();
            if (codes is null || codes.Count == 0)
            {
                problems.Add($"category {c.Id} has no landUseCodes (its codes in the national land- and sea-use classification, such as \"0701\")");
                continue;
            }

            foreach (var bad in codes.Where(t => t is null || !IsLandUseCode(t)))
            {
                problems.Add($"category {c.Id}: landUseCodes entry {(bad is null ? "that is not a string" : $"\"{bad}\"")} is not a code of the classification (01–24, then two digits per level)");
            }
        }

        var ids = categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in features.Where(f => f.LayerId == "rules"))
        {
            foreach (var named in NamedCategories(rule.Properties["when"]).Where(n => !ids.Contains(n)).Distinct(StringComparer.Ordinal))
            {
                problems.Add($"rule {rule.Id} names category \"{named}\", which the catalogue does not hold");
            }
        }

        return problems;
    }

    private static IEnumerable<string> NamedCategories(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(kv => kv.Key == "category" && kv.Value is JsonObject c
            ? (c["in"] as JsonArray ?? c["notIn"] as JsonArray ?? []).Select(x => x?.GetValue<string>() ?? string.Empty)
            : NamedCategories(kv.Value)),
        JsonArray a => a.SelectMany(NamedCategories),
        _ => [],
    };
}
