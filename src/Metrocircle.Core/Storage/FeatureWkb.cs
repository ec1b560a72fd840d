namespace Metrocircle.Core.Storage;

/// <summary>
/// A feature's id and its lon/lat geometry as WKB (OGC, either byte order; null when it has none), without its
/// properties or provenance: what a whole-layer computation reads when it needs only shapes.
/// </summary>
public readonly record struct FeatureWkb(string Id, byte[]? Wkb);
