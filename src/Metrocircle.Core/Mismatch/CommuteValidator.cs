using System.Globalization;
using Metrocircle.Core.Indicators;

namespace Metrocircle.Core.Mismatch;

/// <summary>The rows that passed and every problem found; a file with any problem is imported not at all.</summary>
public sealed record CommuteValidation(IReadOnlyList<CommuteFlow> Valid, IReadOnlyList<RowProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks OD rows as observation rows are checked: every row, every problem, with its line. Origin and destination
/// must be counties of the plan version (a former id resolves to the current one), trips a finite number not below
/// zero, the year one that has begun, mode and source given, and no (origin, destination, year, mode) twice.
/// </summary>
public static class CommuteValidator
{
    /// <param name="counties">Ids of the counties of the version in force.</param>
    /// <param name="resolve">Current id of an id that may be a former one.</param>
    public static CommuteValidation Validate(IReadOnlyList<CommuteRow> rows, IReadOnlySet<string> counties, Func<string, string> resolve, int currentYear)
    {
        var valid = new List<CommuteFlow>();
        var problems = new List<RowProblem>();
        var seen = new Dictionary<(string, string, int, string), int>();
        foreach (var row in rows)
        {
            var messages = new List<string>();
            string? County(string column, string? given)
            {
                if (string.IsNullOrEmpty(given))
                {
                    messages.Add($"{column} is missing");
                    return null;
                }

                var id = resolve(given);
                if (!counties.Contains(id))
                {
                    messages.Add($"unknown county \"{given}\" in {column} (a county id of the plan version, such as {string.Join(", ", counties.Order(StringComparer.Ordinal).Take(3))})");
                    return null;
                }

                return id;
            }

            var origin = County("origin", row.Origin);
            var destination = County("destination", row.Destination);

            int? year = null;
            if (!int.TryParse(row.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var y))
            {
                messages.Add(string.IsNullOrEmpty(row.Year) ? "year is missing" : $"year \"{row.Year}\" is not a whole number");
            }
            else if (y < ObservationValidator.EarliestYear || y > currentYear)
            {
                messages.Add($"year {y} is outside {ObservationValidator.EarliestYear}–{currentYear}");
            }
            else
            {
                year = y;
            }

            double? trips = null;
            if (!double.TryParse(row.Trips, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t))
            {
                messages.Add(string.IsNullOrEmpty(row.Trips) ? "trips is missing" : $"trips \"{row.Trips}\" is not a number (digits with a dot for decimals, no thousands separators)");
            }
            else if (t < 0)
            {
                messages.Add($"trips {row.Trips} is negative; a flow has zero trips or more");
            }
            else
            {
                trips = t;
            }

            if (string.IsNullOrEmpty(row.Mode))
            {
                messages.Add("mode is missing (for example all, rail, car, bus)");
            }

            if (string.IsNullOrEmpty(row.Source))
            {
                messages.Add("source is missing; say where the flow comes from (and mark a synthetic one as such)");
            }

            if (origin is not null && destination is not null && year is { } key && !string.IsNullOrEmpty(row.Mode))
            {
                if (seen.TryGetValue((origin, destination, key, row.Mode), out var firstLine))
                {
                    messages.Add($"duplicate: {origin} → {destination} in {key} by {row.Mode} is already on line {firstLine}");
                }
                else
                {
                    seen[(origin, destination, key, row.Mode)] = row.Line;
                }
            }

            if (messages.Count > 0)
            {
                problems.Add(new RowProblem(row.Line, string.Join("; ", messages)));
            }
            else
            {
                valid.Add(new CommuteFlow(origin!, destination!, year!.Value, row.Mode!, trips!.Value, row.Source!));
            }
        }

        return new CommuteValidation(valid, problems);
    }
}
