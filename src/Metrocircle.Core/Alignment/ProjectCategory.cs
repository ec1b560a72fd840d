namespace Metrocircle.Core.Alignment;

/// <summary>A category of project from the plan's catalogue (a record layer, not code).</summary>
public sealed record ProjectCategory(string Id, string NameZh, string NameEn, string? Description, bool Linear);
