using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;

namespace Metrocircle.Formats;

/// <summary>
/// One feature as a file holds it, before validation: its 1-based <paramref name="Index"/> in the file,
/// <paramref name="Where"/> it is (<c>line 12</c>, <c>row 7</c>, <c>record 3</c>) so that every message can point at it,
/// the id the file gives it (null when it gives none), the lon/lat geometry (null when it has none), and its
/// properties as JSON values. <paramref name="GeometryError"/> says why a geometry could not even be built
/// (an unclosed ring, a line of one position); such a feature is dropped with that reason, not the whole file.
/// </summary>
public sealed record RawFeature(long Index, string Where, string? Id, Geometry? Geometry, JsonObject Properties, string? GeometryError = null);

/// <summary>A file that cannot be imported at all; the message says what is wrong and where.</summary>
public class LayerFileException(string message, Exception? inner = null) : Exception(message, inner);
