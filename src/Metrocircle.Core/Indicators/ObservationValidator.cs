using System.Globalization;

namespace Metrocircle.Core.Indicators;

/// <summary>What is wrong with one row, and where.</summary>
public sealed record RowProblem(int Line, string Message);

/// <summary>The rows that passed and every problem found; a file with any problem is imported not at all.</summary>
public sealed record ObservationValidation(IReadOnlyList<Observation> Valid, IReadOnlyList<RowProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks observation rows against the catalogue of the plan version in force. Every row is checked and every problem
/// reported, so one pass over a file shows all that needs fixing.
/// </summary>
public static class ObservationValidator
{
    /// <summary>No indicator of a 2023–2035 plan needs a baseline older than this.</summary>
    public const int EarliestYear = 1949;

    /// <param name="currentYear">An observation is of a year that has begun; later years are forecasts, not observations.</param>
    public static ObservationValidation Validate(IReadOnlyList<ObservationRow> rows, PlanIndicators catalogue, int currentYear)
    {
        var valid = new List<Observation>();
        var problems = new List<RowProblem>();
        var seen = new Dictionary<(string, string, int), int>();
        foreach (var given in rows)
        {
            // A scope named by a jurisdiction's former id is stored under its current id.
            var row = given.Scope is { } named ? given with { Scope = catalogue.ResolveScope(named) } : given;
            var messages = new List<string>();
            var item = string.IsNullOrEmpty(row.Indicator) ? null : catalogue.Find(row.Indicator);
            if (string.IsNullOrEmpty(row.Indicator))
            {
                messages.Add("indicator is missing");
            }
            else if (item is null)
            {
                messages.Add($"unknown indicator \"{row.Indicator}\" (plan version {catalogue.Version.Id} has {string.Join(", ", catalogue.Items.Select(i => i.Indicator.Id))})");
            }
            else if (item.Value.Computed is not null)
            {
                messages.Add($"indicator \"{row.Indicator}\" is computed from the plan's layers for each version; it takes no observations");
            }

            var indicator = item?.Indicator;
            if (string.IsNullOrEmpty(row.Scope))
            {
                messages.Add("scope is missing");
            }
            else if (indicator is not null && !catalogue.ScopesOf(indicator).Contains(row.Scope))
            {
                var known = catalogue.ScopesOf(indicator);
                messages.Add($"unknown scope \"{row.Scope}\" for {indicator.Id} (a {indicator.ScopeLevel}: {string.Join(", ", known.Take(12))}{(known.Count > 12 ? ", …" : "")})");
            }

            int? year = null;
            if (!int.TryParse(row.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var y))
            {
                messages.Add(string.IsNullOrEmpty(row.Year) ? "year is missing" : $"year \"{row.Year}\" is not a whole number");
            }
            else if (y < EarliestYear || y > currentYear)
            {
                messages.Add($"year {y} is outside {EarliestYear}–{currentYear}");
            }
            else
            {
                year = y;
            }

            double? value = null;
            if (!double.TryParse(row.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                messages.Add(string.IsNullOrEmpty(row.Value) ? "value is missing" : $"value \"{row.Value}\" is not a number (use digits with a dot for decimals, no thousands separators)");
            }
            else if (indicator?.Minimum is { } min && v < min)
            {
                messages.Add($"value {row.Value} is below the minimum of {min.ToString(CultureInfo.InvariantCulture)} {indicator.Unit} for {indicator.Id}");
            }
            else if (indicator?.Maximum is { } max && v > max)
            {
                messages.Add($"value {row.Value} is above the maximum of {max.ToString(CultureInfo.InvariantCulture)} {indicator.Unit} for {indicator.Id}");
            }
            else
            {
                value = v;
            }

            if (indicator is not null && !string.Equals(row.Unit, indicator.Unit, StringComparison.Ordinal))
            {
                messages.Add(string.IsNullOrEmpty(row.Unit)
                    ? $"unit is missing; {indicator.Id} is measured in {indicator.Unit}"
                    : $"unit \"{row.Unit}\" does not match {indicator.Id}, which is measured in {indicator.Unit}");
            }

            if (string.IsNullOrEmpty(row.Source))
            {
                messages.Add("source is missing; say where the figure comes from");
            }

            if (!string.IsNullOrEmpty(row.Indicator) && !string.IsNullOrEmpty(row.Scope) && year is { } key)
            {
                if (seen.TryGetValue((row.Indicator, row.Scope, key), out var firstLine))
                {
                    messages.Add($"duplicate: {row.Indicator} for {row.Scope} in {key} is already on line {firstLine}");
                }
                else
                {
                    seen[(row.Indicator, row.Scope, key)] = row.Line;
                }
            }

            if (messages.Count > 0)
            {
                problems.Add(new RowProblem(row.Line, string.Join("; ", messages)));
            }
            else
            {
                valid.Add(new Observation(row.Indicator!, row.Scope!, year!.Value, value!.Value, row.Source!));
            }
        }

        return new ObservationValidation(valid, problems);
    }
}
