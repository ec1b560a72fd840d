using System.Text;
using Metrocircle.Core.Indicators;

namespace Metrocircle.Core.Mismatch;

/// <summary>One commuting flow: trips a year from the county of residence to the county of work, by one mode.</summary>
public sealed record CommuteFlow(string Origin, string Destination, int Year, string Mode, double Trips, string Source);

/// <summary>One row of an OD file as written, before validation; <see cref="Line"/> is where it starts in the file.</summary>
public sealed record CommuteRow(int Line, string? Origin, string? Destination, string? Year, string? Trips, string? Mode, string? Source);

/// <summary>
/// Reads commuting (origin–destination) files: CSV with exactly the header <c>origin,destination,year,trips,mode,source</c>
/// in any order (RFC 4180 quoting, the reader of observation files). Values stay text so that the validator can say
/// what was wrong with each.
/// </summary>
public static class CommuteFile
{
    public static readonly string[] Columns = ["origin", "destination", "year", "trips", "mode", "source"];

    public static async Task<IReadOnlyList<CommuteRow>> ReadAsync(string path, CancellationToken ct) =>
        Parse(await File.ReadAllTextAsync(path, Encoding.UTF8, ct));

    /// <exception cref="ObservationFileException">The file is empty or its header is not the OD header.</exception>
    public static IReadOnlyList<CommuteRow> Parse(string text)
    {
        var records = ObservationFile.SplitCsv(text.TrimStart('\uFEFF'));
        if (records.Count == 0)
        {
            throw new ObservationFileException($"the file is empty; the first line must be the header {string.Join(',', Columns)}");
        }

        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        var extra = header.Where(h => !Columns.Contains(h)).ToList();
        if (missing.Count > 0 || extra.Count > 0 || header.Count != Columns.Length)
        {
            var what = missing.Count > 0 ? $"lacks {string.Join(", ", missing)}" : extra.Count > 0 ? $"has unknown column(s) {string.Join(", ", extra)}" : "names a column twice";
            throw new ObservationFileException($"line {records[0].Line}: the header {what}; it must be {string.Join(',', Columns)}");
        }

        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);
        var rows = new List<CommuteRow>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue;
            }

            string? F(string column) => index[column] < fields.Count ? fields[index[column]].Trim() : null;
            rows.Add(new CommuteRow(line, F("origin"), F("destination"), F("year"), F("trips"), F("mode"), F("source")));
        }

        return rows;
    }

    /// <summary>The rows as CSV with the OD header, in the order given (numbers invariant, shortest round-trip form).</summary>
    public static string Write(IEnumerable<CommuteFlow> flows)
    {
        var text = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var f in flows)
        {
            text.Append(f.Origin).Append(',').Append(f.Destination).Append(',').Append(f.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                .Append(f.Trips.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(f.Mode).Append(',')
                .Append('"').Append(f.Source.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\"\n");
        }

        return text.ToString();
    }
}
