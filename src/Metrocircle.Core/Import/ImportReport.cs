using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Import;

/// <summary>What an import did to one feature, beyond storing it as it came.</summary>
public enum ImportAction
{
    /// <summary>The geometry was invalid and was repaired; the feature was stored.</summary>
    Repaired,

    /// <summary>The feature was not stored.</summary>
    Dropped,

    /// <summary>The feature's geometry was replaced from a named patch file.</summary>
    Patched,

    /// <summary>Area shared with an earlier feature of the same layer was removed.</summary>
    Trimmed,

    /// <summary>Rings were in the wrong winding order and were turned round; the shape is unchanged.</summary>
    Reoriented,

    /// <summary>The feature's name did not match the code list as it stands; its code came from the dataset's recorded decision.</summary>
    Recoded,
}

/// <summary>One line of an import report.</summary>
public sealed record ImportIssue(ImportAction Action, string Layer, string Feature, string Message, Coordinate? Location = null)
{
    public override string ToString()
    {
        var at = Location is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" at {Location.X:0.######} {Location.Y:0.######}");
        return $"{Action.ToString().ToLowerInvariant(),-10} {Layer} {Feature}: {Message}{at}";
    }
}

/// <summary>Counts and lines of one import, written beside the store so that nothing is repaired or dropped silently.</summary>
public sealed class ImportReport(string source)
{
    private readonly List<ImportIssue> _issues = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<ImportAction, long> _counts = [];
    private readonly Dictionary<string, int> _stored = new(StringComparer.Ordinal);

    public string Source { get; } = source;

    /// <summary>Why the operator imported, recorded with the version the import makes (null when none was given).</summary>
    public string? Rationale { get; set; }

    public int Read { get; private set; }

    public IReadOnlyList<ImportIssue> Issues => _issues;

    /// <summary>What the report says of the import as a whole, such as the source CRS and the transformation used.</summary>
    public IReadOnlyList<string> Notes => _notes;

    public IReadOnlyDictionary<string, int> StoredByLayer => _stored;

    public int Stored => _stored.Values.Sum();

    /// <summary>How many features had this action, including those summarised by one line (<see cref="AddSummary"/>).</summary>
    public long Count(ImportAction action) => _counts.GetValueOrDefault(action);

    public void CountRead(int n = 1) => Read += n;

    public void CountStored(string layer, int n = 1) => _stored[layer] = _stored.GetValueOrDefault(layer) + n;

    public void AddNote(string note) => _notes.Add(note);

    public void Add(ImportIssue issue)
    {
        _issues.Add(issue);
        _counts[issue.Action] = _counts.GetValueOrDefault(issue.Action) + 1;
    }

    /// <summary>One line standing for <paramref name="features"/> features whose own lines were not kept.</summary>
    public void AddSummary(ImportIssue issue, long features)
    {
        _issues.Add(issue);
        _counts[issue.Action] = _counts.GetValueOrDefault(issue.Action) + features;
    }

    /// <summary>The report as text: its counts, notes and stored layers, then its issue lines, at most <paramref name="maxIssues"/> of them.</summary>
    public string ToText(int maxIssues = int.MaxValue)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Import report: {Source}");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"read {Read}, stored {Stored}, repaired {Count(ImportAction.Repaired)}, patched {Count(ImportAction.Patched)}, trimmed {Count(ImportAction.Trimmed)}, re-oriented {Count(ImportAction.Reoriented)}, dropped {Count(ImportAction.Dropped)}");
        foreach (var note in _notes)
        {
            sb.Append("  ").AppendLine(note);
        }

        foreach (var (layer, n) in _stored.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  layer {layer}: {n} features");
        }

        foreach (var issue in _issues.Take(maxIssues))
        {
            sb.Append("  ").AppendLine(issue.ToString());
        }

        return sb.ToString();
    }
}
